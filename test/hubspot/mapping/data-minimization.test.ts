import { describe, expect } from 'vitest'
import { generateCanonicalStore } from '../../../bench/support/demo-store'
import { contactRecord } from '../../../src/hubspot/mapping/contact-records'
import { orderRecords } from '../../../src/hubspot/mapping/order-records'
import { productRecords } from '../../../src/hubspot/mapping/product-records'
import { serveHost } from '../../support/network'
import { harness, HOST, it } from '../support'

const PAYMENT_WORDS = /payment|card|transaction|gateway|provider|iin|cvv|avs/i

describe('data minimization', () => {
  it('sends nothing about payments to HubSpot for a whole generated store', async () => {
    const store = generateCanonicalStore({ customers: 100, orders: 400, seed: 11 })
    expect(store.paymentValues.length).toBeGreaterThan(100) // the raw store is full of them
    const h = harness()
    const bodies: string[] = []
    serveHost(HOST, async (request) => {
      bodies.push(await request.clone().text())
      return h.standin.fetch(request)
    })
    const records = [
      ...productRecords(store.variants),
      ...store.orders.flatMap(orderRecords),
      ...store.summaries.map((s) => contactRecord(s)),
    ]
    for (const r of records) {
      for (const name of Object.keys(r.properties)) expect(name).not.toMatch(PAYMENT_WORDS)
    }
    h.engine.enqueue(records)
    await h.drain()
    expect(h.portal.records('orders')).toHaveLength(store.orders.length)

    const sent = bodies.join('\n')
    expect(sent.length).toBeGreaterThan(100_000)
    const leaked = store.paymentValues.filter((value) => value.length >= 4 && sent.includes(value))
    expect(leaked).toEqual([])
    // Property names in writes (setup's own descriptions aside) never name a payment concept.
    const written = bodies.filter((b) => b.includes('"idProperty"')).map((b) => JSON.parse(b) as { inputs: { properties: object }[] })
    for (const body of written) for (const input of body.inputs) for (const name of Object.keys(input.properties)) expect(name).not.toMatch(PAYMENT_WORDS)
    // And nothing landed in the portal under such a name.
    for (const type of ['contacts', 'orders', 'line_items', 'products'] as const) {
      for (const record of h.portal.records(type)) for (const name of Object.keys(record.properties)) expect(name).not.toMatch(PAYMENT_WORDS)
    }
  }, 60_000) // generating the store through serialization, schemas and the normalizer takes a few seconds
})
