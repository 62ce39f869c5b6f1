import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { publishContactFigures, type ContactPublication } from '../../src/db/contacts'
import type { ContactSummary } from '../../src/domain/model'

// A contact's publication adds its decisions, real and shadowed, once: a retried publish (same id) adds none.

const summary: ContactSummary = {
  email: 'shadow@example.com', customerId: null, customerIds: [], firstName: null, lastName: null, phone: null, orderCount: 0,
  baseCurrency: null, lifetimeValue: '0', averageOrderValue: '0', firstOrderAt: null, lastOrderAt: null, customerStatus: 'prospect',
  categoryAffinity: [], emailConsent: 'unknown', refundedTotal: '0', lastRefundAt: null, firstOrderChannel: null, lastOrderChannel: null,
  firstStorefront: null, storefronts: [], address: null, consentRegion: 'other', firstSeenAt: null,
}

function publication(id: string): ContactPublication {
  const at = '2026-12-05T12:00:00.000Z'
  return {
    id, summary, orders: [], eventCreatedAt: null, at, wakeAt: null,
    decisions: [
      { trigger: 'cart_abandoned', key: `cart_abandoned:c-${id}:1`, decision: 'shadowed', reason: 'family in shadow mode', at,
        shadow: { outcome: 'fired' }, wouldWrite: { bc_cart_abandoned: 'true' } },
      { trigger: 'order_placed', key: `order_placed:${id}`, decision: 'fired', reason: 'new order', at },
    ],
  }
}

const rows = async (table: string) =>
  (await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE email = 'shadow@example.com'`).first<{ n: number }>())!.n

describe('publishing decisions', () => {
  it('adds the shadowed and the real decisions once per publication', async () => {
    await publishContactFigures(env.DB, publication('p1'))
    await publishContactFigures(env.DB, publication('p1'))
    expect([await rows('shadow_decisions'), await rows('trigger_decisions')]).toEqual([1, 1])
    const shadowed = await env.DB.prepare("SELECT family, trigger_key, outcome, would_write FROM shadow_decisions WHERE email = 'shadow@example.com'").first()
    expect(shadowed).toEqual({ family: 'cart_abandoned', trigger_key: 'cart_abandoned:c-p1:1', outcome: 'fired', would_write: '{"bc_cart_abandoned":"true"}' })

    await publishContactFigures(env.DB, publication('p2'))
    expect([await rows('shadow_decisions'), await rows('trigger_decisions')]).toEqual([2, 2])
  })
})
