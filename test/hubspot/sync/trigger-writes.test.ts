import { describe, expect } from 'vitest'
import type { FiredTrigger } from '../../../src/domain/model'
import { contactRecord } from '../../../src/hubspot/mapping/contact-records'
import type { HubSpotRecord } from '../../../src/hubspot/records'
import { summary } from '../fixtures'
import { harness, it } from '../support'

const UPSERT = /\/crm\/v3\/objects\/contacts\/batch\/upsert$/
/** HubSpot refusing the one record of a batch (as a property value the portal no longer accepts would). */
const REFUSED = { status: 'error', category: 'VALIDATION_ERROR', message: 'Property values were not valid', context: { ids: ['ada@example.com'] } }

const placed = (orderId: number, at: string): FiredTrigger => ({ trigger: 'order_placed', key: `order_placed:${orderId}`, at })
const abandoned = (cartId: string, at: string): FiredTrigger => ({
  trigger: 'cart_abandoned',
  key: `cart_abandoned:${cartId}:${at}`,
  at,
  cartUrl: `https://shop.example.com/cart.php?action=load&id=${cartId}`,
  cartValue: '25',
})

function contactWith(email: string, fired: FiredTrigger[], extra: Parameters<typeof summary>[1] = {}): HubSpotRecord {
  return contactRecord(summary(email, extra), fired)
}

/** The values a property took in HubSpot, oldest first (the stand-in's property history). */
function changes(h: ReturnType<typeof harness>, email: string, property: string): string[] {
  return (h.portal.findByProperty('contacts', 'email', email)?.history[property] ?? []).map((c) => c.value)
}

describe('trigger writes in the HubSpot writer', () => {
  it('costs no extra call when no trigger collides', async () => {
    const h = harness()
    await h.drain()
    h.engine.enqueue(
      Array.from({ length: 150 }, (_, i) => contactWith(`p${i}@example.com`, [placed(i, '2026-11-02T09:00:00.000Z')])),
    )
    await h.drain()
    expect(h.calls('POST', UPSERT).map((r) => r.inputs)).toEqual([100, 50])
    expect(changes(h, 'p7@example.com', 'bc_order_placed_at')).toEqual(['2026-11-02T09:00:00.000Z'])
  })

  it('writes two values of one trigger as two changes, in firing order, each in its own call', async () => {
    const h = harness()
    await h.drain()
    h.engine.enqueue([contactWith('ada@example.com', [placed(1, '2026-11-02T09:00:00.000Z')], { orderCount: 1 })])
    h.engine.enqueue([contactWith('ada@example.com', [placed(2, '2026-11-02T09:00:04.000Z')], { orderCount: 2 })])
    h.engine.enqueue([contactWith('bob@example.com', [placed(3, '2026-11-02T09:00:02.000Z')])])
    expect(h.engine.status().triggersPending).toBe(3)
    await h.drain()
    expect(changes(h, 'ada@example.com', 'bc_order_placed_at')).toEqual(['2026-11-02T09:00:00.000Z', '2026-11-02T09:00:04.000Z'])
    expect(changes(h, 'bob@example.com', 'bc_order_placed_at')).toEqual(['2026-11-02T09:00:02.000Z'])
    // The first call carries both contacts and the merged state; the second only Ada's queued value.
    expect(h.calls('POST', UPSERT).map((r) => r.inputs)).toEqual([2, 1])
    expect(h.portal.findByProperty('contacts', 'email', 'ada@example.com')!.properties.bc_order_count).toBe('2')
    expect(h.engine.status()).toMatchObject({ triggersPending: 0, triggersWritten: 3, queue: { contacts: 0 } })
  })

  it('keeps each trigger with its companions: three abandoned carts are three changes of url and value', async () => {
    const h = harness()
    await h.drain()
    const carts = [abandoned('c1', '2026-11-02T09:00:00.000Z'), abandoned('c2', '2026-11-02T09:01:00.000Z'), abandoned('c3', '2026-11-02T09:02:00.000Z')]
    h.engine.enqueue([contactWith('ada@example.com', carts)])
    await h.drain()
    expect(changes(h, 'ada@example.com', 'bc_cart_abandoned_at')).toEqual(carts.map((c) => c.at))
    expect(changes(h, 'ada@example.com', 'bc_abandoned_cart_url')).toEqual(carts.map((c) => c.cartUrl))
    expect(h.calls('POST', UPSERT)).toHaveLength(3)
  })

  it('writes a replayed trigger once, whether the replay comes while it waits or after it was written', async () => {
    const h = harness()
    await h.drain()
    const first = contactWith('ada@example.com', [placed(1, '2026-11-02T09:00:00.000Z')])
    h.engine.enqueue([first])
    h.engine.enqueue([first])
    await h.drain()
    h.engine.enqueue([first])
    await h.drain()
    expect(changes(h, 'ada@example.com', 'bc_order_placed_at')).toEqual(['2026-11-02T09:00:00.000Z'])
    // The replay after the write sent the state again, but not the trigger.
    const upserts = h.calls('POST', UPSERT)
    expect(upserts).toHaveLength(2)
    expect(h.engine.status().triggersWritten).toBe(1)
    // An older value replayed after a newer one was written does not roll the property back.
    h.engine.enqueue([contactWith('ada@example.com', [placed(2, '2026-11-02T10:00:00.000Z')])])
    await h.drain()
    h.engine.enqueue([first])
    await h.drain()
    expect(changes(h, 'ada@example.com', 'bc_order_placed_at')).toEqual(['2026-11-02T09:00:00.000Z', '2026-11-02T10:00:00.000Z'])
  })

  it('loses and reorders nothing through 429s, 5xx and a refusal of the record', async () => {
    const h = harness({ engine: { recordRetryBaseMs: 10 } })
    await h.drain()
    const rateLimited = { status: 'error', message: 'ten-secondly', category: 'RATE_LIMITS', policyName: 'TEN_SECONDLY_ROLLING' }
    h.standin.faults.fail({ method: 'POST', path: UPSERT }, { status: 429, body: rateLimited }, 2)
    h.standin.faults.fail({ method: 'POST', path: UPSERT }, { status: 502, body: 'bad gateway' }, 2)
    h.standin.faults.fail({ method: 'POST', path: UPSERT }, { status: 400, body: REFUSED })
    const times = ['2026-11-02T09:00:00.000Z', '2026-11-02T09:00:03.000Z', '2026-11-02T09:00:06.000Z']
    for (const [i, at] of times.entries()) h.engine.enqueue([contactWith('ada@example.com', [placed(i, at)])])
    await h.drain()
    expect(h.calls('POST', UPSERT).filter((r) => r.status !== 200).map((r) => r.status)).toEqual([429, 429, 502, 502, 400])
    expect(changes(h, 'ada@example.com', 'bc_order_placed_at')).toEqual(times)
    expect(h.engine.status().errors).toMatchObject({ recordFailures: 1, deadLettered: 0 })
  })

  it('dead-letters a failing record with its queued triggers, and a replay writes them in order', async () => {
    const h = harness({ engine: { maxAttempts: 1 } })
    await h.drain()
    h.standin.faults.fail({ method: 'POST', path: UPSERT }, { status: 400, body: REFUSED })
    const times = ['2026-11-02T09:00:00.000Z', '2026-11-02T09:00:05.000Z']
    h.engine.enqueue(times.map((at, i) => contactWith('ada@example.com', [placed(i, at)])))
    await h.drain()
    expect(h.deadLetters).toHaveLength(1)
    const letter = h.deadLetters[0]!.record
    expect(letter.triggers?.map((t) => t.properties.bc_order_placed_at)).toEqual(times)
    expect(h.engine.status()).toMatchObject({ triggersPending: 0, queue: { contacts: 0 } })
    h.engine.enqueue([letter])
    await h.drain()
    expect(changes(h, 'ada@example.com', 'bc_order_placed_at')).toEqual(times)
  })

  it('writes live records before bulk ones, and a live change moves a bulk record to the live lane', async () => {
    const h = harness()
    await h.drain()
    h.engine.enqueue(Array.from({ length: 250 }, (_, i) => contactWith(`old${i}@example.com`, [])), 'bulk')
    h.engine.enqueue([contactWith('old249@example.com', [placed(9, '2026-11-02T09:00:00.000Z')])])
    h.engine.enqueue([contactWith('new@example.com', [placed(10, '2026-11-02T09:00:01.000Z')])])
    expect(h.engine.status().lanes).toEqual({ live: 2, bulk: 249 })
    await h.drain()
    const [first, ...rest] = h.calls('POST', UPSERT)
    expect(first!.inputs).toBe(2)
    expect(rest.map((r) => r.inputs)).toEqual([100, 100, 49])
    expect(h.portal.records('contacts')).toHaveLength(251)
  })
})
