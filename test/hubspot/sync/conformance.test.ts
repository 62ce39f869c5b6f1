import { describe, expect } from 'vitest'
import { orderRecords } from '../../../src/hubspot/mapping/order-records'
import type { HubSpotRecord } from '../../../src/hubspot/records'
import { recordKey } from '../../../src/hubspot/sync/store'
import { serveHost } from '../../support/network'
import { order } from '../fixtures'
import { harness, HOST, it } from '../support'

/**
 * The writer against answers shaped as HubSpot documents them (issue 17): results in no promised order,
 * association failures inside a 200, a value a portal's enumeration refuses.
 */
const contact = (i: number): HubSpotRecord => ({
  objectType: 'contacts',
  key: `person${i}@example.com`,
  properties: { email: `person${i}@example.com`, firstname: `P${i}` },
})

/** Serves the stand-in, letting `rewrite` change an answer (by the request's path) before the writer reads it. */
function rewriting(h: ReturnType<typeof harness>, rewrite: (path: string, body: Record<string, unknown>) => Record<string, unknown> | null) {
  serveHost(HOST, async (request) => {
    const path = new URL(request.url).pathname
    const response = await h.standin.fetch(request)
    if (!response.ok) return response
    const body = (await response.clone().json().catch(() => null)) as Record<string, unknown> | null
    const changed = body && rewrite(path, body)
    return changed ? Response.json(changed, { status: response.status, headers: response.headers }) : response
  })
}

describe('HubSpot answers as documented', () => {
  it('matches each upsert result to its input by objectWriteTraceId, not by position or echoed properties', async () => {
    const h = harness()
    // HubSpot promises neither result order nor which properties come back: keep only id and trace id.
    rewriting(h, (path, body) =>
      path.endsWith('/contacts/batch/upsert')
        ? { ...body, results: (body.results as { id: string; objectWriteTraceId?: string }[]).map(({ id, objectWriteTraceId }) => ({ id, objectWriteTraceId, properties: {} })) }
        : null,
    )
    h.engine.enqueue([contact(1), contact(2), contact(3)])
    await h.drain()
    const keys = [1, 2, 3].map((i) => recordKey('contacts', `person${i}@example.com`))
    const known = h.store.knownIds('contacts', keys)
    for (const [i, key] of keys.entries()) {
      const record = h.portal.findByProperty('contacts', 'email', `person${i + 1}@example.com`)!
      expect(known.get(key)?.id, key).toBe(record.id)
    }
  })

  it('reads association failures inside a 200 answer: the failed pair is tried again, never marked done', async () => {
    const h = harness()
    let refused = 0
    serveHost(HOST, async (request) => {
      const path = new URL(request.url).pathname
      if (path.endsWith('/orders/contacts/batch/associate/default') || path.endsWith('/contacts/orders/batch/associate/default')) {
        if (refused++ === 0) {
          const { inputs } = (await request.clone().json()) as { inputs: { from: { id: string }; to: { id: string } }[] }
          const [first] = inputs
          return Response.json({
            status: 'COMPLETE',
            results: [],
            errors: [{ status: 'error', category: 'OBJECT_NOT_FOUND', message: 'could not associate', context: { fromId: [first!.from.id] }, errors: [] }],
            numErrors: 1,
            startedAt: new Date().toISOString(),
            completedAt: new Date().toISOString(),
          })
        }
      }
      return h.standin.fetch(request)
    })
    const [o] = orderRecords(order(7, { email: 'person1@example.com', lines: [] }))
    h.engine.enqueue([contact(1), o!])
    await h.drain(30 * 60_000)
    expect(refused).toBe(2)
    const written = h.portal.findByProperty('orders', 'bc_order_id', '7')!
    const person = h.portal.findByProperty('contacts', 'email', 'person1@example.com')!
    expect(h.portal.associations('orders', written.id, 'contacts').map((a) => a.toObjectId)).toEqual([person.id])
    expect(h.engine.status().associationsPending).toBe(0)
  })

  it('writes a record without a value HubSpot refuses as INVALID_OPTION on its own enumeration, counted in the status', async () => {
    const h = harness({ standin: { currencies: ['USD'] } })
    h.engine.enqueue(orderRecords(order(9, { currency: 'EUR', email: 'person1@example.com' })))
    h.engine.enqueue(orderRecords(order(10, { currency: 'USD', email: 'person1@example.com' })))
    await h.drain(30 * 60_000)
    expect(h.deadLetters).toEqual([])
    const eur = h.portal.findByProperty('orders', 'bc_order_id', '9')!
    expect(eur.properties.hs_currency_code ?? null).toBeNull()
    expect(eur.properties).toMatchObject({ hs_order_name: 'Order #9', bc_order_total: '47.25' })
    expect(h.portal.findByProperty('orders', 'bc_order_id', '10')!.properties.hs_currency_code).toBe('USD')
    const status = h.engine.status()
    expect(status.invalidOptionsDropped['orders.hs_currency_code']).toBe(1)
    expect(status.invalidOptionsDropped['line_items.hs_line_item_currency_code']).toBe(2)
    expect(status.queue.orders + status.queue.line_items).toBe(0)
  })

  it('fails a record whose refused option is on a property of ours (our definition drifted: nothing is silently dropped)', async () => {
    const h = harness({ engine: { maxAttempts: 1 } })
    h.engine.enqueue([contact(4)])
    await h.drain()
    // Someone removed an option of one of our enumerations in HubSpot.
    const definition = h.portal.property('contacts', 'bc_customer_status')!
    definition.options = definition.options.filter((o) => o.value !== 'lapsed')
    h.engine.enqueue([{ objectType: 'contacts', key: 'person4@example.com', properties: { bc_customer_status: 'lapsed' } }])
    await h.drain()
    expect(h.engine.status().invalidOptionsDropped).toEqual({})
    expect(h.deadLetters.map((d) => d.key)).toEqual(['person4@example.com'])
    expect(h.deadLetters[0]!.error).toContain('lapsed')
  })
})
