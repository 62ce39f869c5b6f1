import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it } from 'vitest'
import type { HubSpotRecord } from '../../src/hubspot/records'
import { valueTiers } from '../../src/cron/value-tiers-job'
import { recomputeValueTiers, tierThresholds } from '../../src/upkeep/value-tiers'
import { assignValueTiers } from '../../src/domain/customer-tiers'

const NOW = new Date('2026-08-01T10:07:00.000Z')

/** A writer that records what it is given instead of writing to HubSpot. */
function recordingWriter() {
  const sent: HubSpotRecord[][] = []
  const writer = { enqueue: async (records: HubSpotRecord[]) => void sent.push(records) }
  return { writer, sent }
}

async function plant(rows: { email: string; value: string; orders: number; tier?: string | null }[]) {
  await env.DB.prepare('DELETE FROM contacts').run()
  await env.DB.batch(
    rows.map((r) =>
      env.DB.prepare(
        'INSERT INTO contacts (email, paid_order_count, lifetime_value, lifetime_value_sort, value_tier, updated_at) ' +
          'VALUES (?1, ?2, ?3, ?4, ?5, 0)',
      ).bind(r.email, r.orders, r.value, Number(r.value), r.tier ?? null),
    ),
  )
}

async function storedTiers(): Promise<Record<string, string | null>> {
  const { results } = await env.DB.prepare('SELECT email, value_tier FROM contacts ORDER BY email')
    .all<{ email: string; value_tier: string | null }>()
  return Object.fromEntries(results.map((r) => [r.email, r.value_tier]))
}

// 23 customers with values 10, 20, ..., 230 (two tied at 210), and 3 prospects.
const customers = Array.from({ length: 23 }, (_, i) => ({
  email: `c${String(i).padStart(2, '0')}@example.com`,
  value: String(i === 21 ? 210 : (i + 1) * 10),
  orders: 1 + (i % 3),
}))
const prospects = ['p1', 'p2', 'p3'].map((p) => ({ email: `${p}@example.com`, value: '0', orders: 0 }))

describe('value-tier cron', () => {
  beforeEach(() => plant([...customers, ...prospects]))

  it('is registered on 7 * * * *', () => {
    expect(valueTiers.crons).toEqual(['7 * * * *'])
  })

  it('finds the thresholds at ranks ceil(10%) and ceil(30%) of the customers', async () => {
    // 23 customers: vip rank 3 (value 210, tied), high rank 7 (value 170)
    expect(await tierThresholds(env.DB)).toEqual({ customers: 23, vip: 210, high: 170 })
  })

  it('assigns the same tiers as the domain rule, ties in the better tier, prospects none', async () => {
    const { writer, sent } = recordingWriter()
    const changed = await recomputeValueTiers(env, NOW, { chunk: 5, writer })
    const expected = assignValueTiers(customers.map((c) => ({ email: c.email, lifetimeValue: c.value })))
    const stored = await storedTiers()
    for (const c of customers) expect(stored[c.email]).toBe(expected.get(c.email))
    expect(stored['c20@example.com']).toBe('vip')
    expect(stored['c21@example.com']).toBe('vip') // tied at 210 with c20
    expect(stored['c16@example.com']).toBe('high')
    expect(stored['c15@example.com']).toBe('standard')
    expect(stored['p1@example.com']).toBeNull()
    expect(changed).toBe(23)
    // Sent to HubSpot in chunks of at most 5, one record per changed contact.
    expect(sent.every((chunk) => chunk.length <= 5)).toBe(true)
    const records = sent.flat()
    expect(records).toHaveLength(23)
    expect(records.find((r) => r.key === 'c22@example.com')).toEqual({
      objectType: 'contacts', key: 'c22@example.com', properties: { email: 'c22@example.com', bc_value_tier: 'vip' },
    })
  })

  it('touches only the rows whose tier changes, and nothing on a repeat', async () => {
    const first = recordingWriter()
    await recomputeValueTiers(env, NOW, { writer: first.writer })
    const again = recordingWriter()
    expect(await recomputeValueTiers(env, NOW, { writer: again.writer })).toBe(0)
    expect(again.sent).toEqual([])

    // One customer jumps to the top; another loses every paid order.
    await env.DB.prepare("UPDATE contacts SET lifetime_value = '5000', lifetime_value_sort = 5000 WHERE email = 'c00@example.com'").run()
    await env.DB.prepare("UPDATE contacts SET paid_order_count = 0, lifetime_value = '0', lifetime_value_sort = 0 WHERE email = 'c05@example.com'").run()
    const next = recordingWriter()
    await recomputeValueTiers(env, NOW, { writer: next.writer })
    // 22 customers now, ranked 5000, 230, 210, 210, 200, 190, 180, 170, ...: vip rank 3 (210), high rank 7 (180).
    // c00 → vip, c05 loses its tier, c16 (170) high → standard; everyone else keeps theirs.
    const changes = Object.fromEntries(next.sent.flat().map((r) => [r.key, r.properties.bc_value_tier]))
    expect(changes).toEqual({
      'c00@example.com': 'vip',
      'c05@example.com': '',
      'c16@example.com': 'standard',
    })
    const stored = await storedTiers()
    expect([stored['c00@example.com'], stored['c05@example.com'], stored['c16@example.com']]).toEqual(['vip', null, 'standard'])
  })

  it('stops at maxRows and finishes on the next run', async () => {
    const first = recordingWriter()
    expect(await recomputeValueTiers(env, NOW, { chunk: 4, maxRows: 10, writer: first.writer })).toBe(10)
    const second = recordingWriter()
    expect(await recomputeValueTiers(env, NOW, { chunk: 4, maxRows: 10, writer: second.writer })).toBe(10)
    const third = recordingWriter()
    expect(await recomputeValueTiers(env, NOW, { chunk: 4, maxRows: 10, writer: third.writer })).toBe(3)
    const keys = [...first.sent, ...second.sent, ...third.sent].flat().map((r) => r.key)
    expect(new Set(keys).size).toBe(23)
  })

  it('with fewer than ten customers, still gives the top one vip', async () => {
    await plant([
      { email: 'a@example.com', value: '30', orders: 1 },
      { email: 'b@example.com', value: '20', orders: 1 },
      { email: 'c@example.com', value: '10', orders: 1 },
      { email: 'p@example.com', value: '0', orders: 0, tier: 'standard' },
    ])
    const { writer } = recordingWriter()
    await recomputeValueTiers(env, NOW, { writer })
    expect(await storedTiers()).toEqual({
      'a@example.com': 'vip', 'b@example.com': 'standard', 'c@example.com': 'standard', 'p@example.com': null,
    })
  })

  it('clears every tier when nobody has a paid order', async () => {
    await plant([{ email: 'p@example.com', value: '0', orders: 0, tier: 'vip' }])
    const { writer, sent } = recordingWriter()
    expect(await recomputeValueTiers(env, NOW, { writer })).toBe(1)
    expect(sent.flat()).toEqual([{ objectType: 'contacts', key: 'p@example.com', properties: { email: 'p@example.com', bc_value_tier: '' } }])
  })
})
