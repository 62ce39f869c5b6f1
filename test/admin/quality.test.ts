import { beforeEach, describe, expect, it } from 'vitest'
import type { QualityReport } from '../../src/admin/quality-report'
import { freshWorld } from '../support/worker'
import { adminCall, plantContacts, plantOrders, type PlantedOrder } from '../support/admin'

const MINUTE = 60_000

async function quality(query = ''): Promise<QualityReport> {
  const response = await adminCall('GET', `/admin/api/quality${query}`, { role: 'viewer' })
  expect(response.status).toBe(200)
  return (await response.json()) as QualityReport
}

describe('data-quality figures on a planted data set', () => {
  beforeEach(async () => {
    await freshWorld()
  })

  it('computes match rate, duplicate rate and latency percentiles against their targets', async () => {
    const now = Date.now()
    // 48 contacts: two of them are duplicates (an email differing only by case and spaces, a shared customer id).
    const contacts = Array.from({ length: 45 }, (_, i) => ({ email: `buyer${i + 1}@example.com`, customerId: 1000 + i }))
    await plantContacts([
      ...contacts,
      { email: ' Buyer1@Example.com', customerId: null },
      { email: 'second.address@example.com', customerId: 1001 },
      { email: 'guest@example.com', customerId: null },
    ])
    // 20 orders synced in the window, latencies 1..20 minutes; 19 have a contact, one has no billing email.
    const synced: PlantedOrder[] = Array.from({ length: 20 }, (_, i) => {
      const eventAt = now - 2 * 86_400_000 + i * 3_600_000
      return {
        orderId: 100 + i,
        email: i === 19 ? '' : `buyer${i + 1}@example.com`,
        eventCreatedAt: Math.floor(eventAt / 1000),
        syncedAt: Math.floor(eventAt / 1000) * 1000 + (i + 1) * MINUTE,
      }
    })
    await plantOrders([
      ...synced,
      // Not synced yet, and synced long before the window: neither counts.
      { orderId: 200, email: 'nobody@example.com', eventCreatedAt: Math.floor(now / 1000) - 60, syncedAt: null },
      // Written by the backfill an hour before its first webhook: not a live event, no latency.
      { orderId: 202, email: 'nobody@example.com', eventCreatedAt: Math.floor(now / 1000) - 60, syncedAt: now - 3_600_000 },
      { orderId: 201, email: 'nobody@example.com', eventCreatedAt: 1, syncedAt: now - 40 * 86_400_000 },
    ])

    const report = await quality()
    expect(report.window.days).toBe(30)
    expect(report.matchRate).toMatchObject({ matched: 19, orders: 21, target: 'above 95%', met: false })
    expect(report.matchRate.value).toBeCloseTo(19 / 21, 10)
    expect(report.duplicateRate).toMatchObject({ duplicates: 2, contacts: 48, target: 'below 2%', met: false })
    expect(report.duplicateRate.value).toBeCloseTo(2 / 48, 10)
    expect(report.duplicateRate.examples).toEqual([
      { email: ' Buyer1@Example.com', reason: 'email_variant' },
      { email: 'second.address@example.com', reason: 'shared_customer_id' },
    ])
    // Nearest rank over 1..20 minutes: p50 = 10th, p90 = 18th, p95 = 19th, p99 = 20th.
    expect(report.eventLatency).toMatchObject({
      samples: 20, p50Ms: 10 * MINUTE, p90Ms: 18 * MINUTE, p95Ms: 19 * MINUTE, p99Ms: 20 * MINUTE, met: false,
    })
  })

  it('meets the targets on a clean data set, and says "no data" rather than passing on nothing', async () => {
    const empty = await quality()
    expect([empty.matchRate.met, empty.duplicateRate.met, empty.eventLatency.met]).toEqual([null, null, null])
    expect(empty.eventLatency.p50Ms).toBeNull()

    const now = Date.now()
    await plantContacts(Array.from({ length: 10 }, (_, i) => ({ email: `c${i}@example.com`, customerId: i + 1 })))
    await plantOrders(
      Array.from({ length: 10 }, (_, i) => ({
        orderId: i + 1,
        email: `c${i}@example.com`,
        eventCreatedAt: Math.floor(now / 1000) - 600,
        syncedAt: Math.floor(now / 1000) * 1000 - 600_000 + (i + 1) * 1000,
      })),
    )
    const clean = await quality('?days=7')
    expect(clean.window.days).toBe(7)
    expect(clean.matchRate).toMatchObject({ value: 1, met: true })
    expect(clean.duplicateRate).toMatchObject({ value: 0, duplicates: 0, met: true })
    expect(clean.eventLatency).toMatchObject({ samples: 10, p50Ms: 5000, p99Ms: 10_000, met: true })
  })

  it('rejects a window outside 1 to 365 days', async () => {
    const response = await adminCall('GET', '/admin/api/quality?days=0', { role: 'viewer' })
    expect(response.status).toBe(400)
    expect(((await response.json()) as { message: string }).message).toContain('query.days')
  })
})
