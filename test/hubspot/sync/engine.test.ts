import { describe, expect } from 'vitest'
import { contactRecord } from '../../../src/hubspot/mapping/contact-records'
import { orderRecords } from '../../../src/hubspot/mapping/order-records'
import { productRecords } from '../../../src/hubspot/mapping/product-records'
import { cartRecord } from '../../../src/hubspot/mapping/cart-records'
import type { HubSpotRecord } from '../../../src/hubspot/records'
import { nextUtcMidnight } from '../../../src/hubspot/sync/calls'
import { WriterEngine } from '../../../src/hubspot/sync/engine'
import { serveHost } from '../../support/network'
import { cart, order, summary, variant } from '../fixtures'
import { harness, HOST, it, memorySink } from '../support'

const contact = (i: number, extra: Record<string, string | number> = {}): HubSpotRecord => ({
  objectType: 'contacts',
  key: `person${i}@example.com`,
  properties: { email: `person${i}@example.com`, firstname: `P${i}`, bc_order_count: i, ...extra },
})

const DAY = 86_400_000
const UPSERT = (type: string) => new RegExp(`/crm/v3/objects/${type}/batch/upsert$`)

describe('HubSpot writer engine', () => {
  it('batches 250 contacts into 3 upserts after setup, and writes each once', async () => {
    const h = harness()
    h.engine.enqueue(Array.from({ length: 250 }, (_, i) => contact(i)))
    const result = await h.drain()
    expect(result.nextRunAt).toBeNull()
    const upserts = h.calls('POST', UPSERT('contacts'))
    expect(upserts.map((r) => r.inputs)).toEqual([100, 100, 50])
    expect(upserts.every((r) => r.status === 200)).toBe(true)
    expect(h.portal.records('contacts')).toHaveLength(250)
    expect(h.portal.findByProperty('contacts', 'email', 'person42@example.com')!.properties).toMatchObject({
      firstname: 'P42',
      bc_order_count: '42',
    })
    expect(h.engine.status().queue.contacts).toBe(0)
    // Setup ran first, exactly once.
    expect(h.standin.requests[0]!.path).toBe('/crm/v3/properties/contacts/groups')
    expect(h.calls('POST', /properties\/contacts\/batch\/create$/)).toHaveLength(1)
  })

  it('coalesces pending writes by key: later properties win one by one, associations are unioned', async () => {
    const h = harness()
    h.engine.enqueue([contact(1, { lastname: 'First', bc_customer_status: 'customer' })])
    h.engine.enqueue([{ objectType: 'contacts', key: ' Person1@Example.com ', properties: { bc_customer_status: 'repeat_customer' } }])
    expect(h.store.pendingCounts().contacts).toBe(1)
    const o = orderRecords(order(5, { email: 'person1@example.com', lines: [] }))[0]!
    h.engine.enqueue([o, { ...o, properties: { bc_status: 'shipped' }, associations: [{ toObjectType: 'contacts', toKey: 'person1@example.com' }] }])
    expect(h.store.pendingCounts().orders).toBe(1)
    expect(h.store.associationCount()).toBe(1)
    await h.drain()
    const person = h.portal.findByProperty('contacts', 'email', 'person1@example.com')!
    expect(person.properties).toMatchObject({ lastname: 'First', firstname: 'P1', bc_customer_status: 'repeat_customer' })
    const written = h.portal.findByProperty('orders', 'bc_order_id', '5')!
    expect(written.properties.bc_status).toBe('shipped')
    expect(written.properties.hs_order_name).toBe('Order #5')
    expect(h.portal.associations('orders', written.id, 'contacts').map((a) => a.toObjectId)).toEqual([person.id])
  })

  it('writes a store in dependency order with associations in bulk and products linked by hs_product_id', async () => {
    const h = harness()
    const orders = Array.from({ length: 30 }, (_, i) => order(i + 1, { email: `person${i % 10}@example.com`, cartId: `c${i}` }))
    const records = [
      ...orders.flatMap(orderRecords),
      ...productRecords(Array.from({ length: 7 }, (_, i) => variant(1000 + i))),
      ...Array.from({ length: 10 }, (_, i) => contactRecord(summary(`person${i}@example.com`))),
      cartRecord(cart('c0', { email: 'person0@example.com', status: 'converted', convertedOrderId: 1 })),
    ]
    h.engine.enqueue(records)
    await h.drain()
    const writes = h.standin.requests.filter((r) => /batch\/upsert$/.test(r.path)).map((r) => r.path.split('/')[4])
    expect(writes).toEqual(['contacts', 'products', 'orders', 'line_items', 'carts'])
    const associates = h.standin.requests.filter((r) => /associate\/default$/.test(r.path))
    expect(associates.map((r) => [r.path.split('/')[4], r.path.split('/')[5], r.inputs])).toEqual([
      ['carts', 'contacts', 1],
      ['carts', 'orders', 1],
      ['contacts', 'orders', 30],
      ['line_items', 'orders', 60],
    ])
    const o1 = h.portal.findByProperty('orders', 'bc_order_id', '1')!
    expect(h.portal.associations('orders', o1.id, 'line_items')).toHaveLength(2)
    const buyer = h.portal.findByProperty('contacts', 'email', 'person0@example.com')!
    expect(h.portal.associations('orders', o1.id, 'contacts').map((a) => a.toObjectId)).toEqual([buyer.id])
    const item = h.portal.findByProperty('line_items', 'bc_line_item_id', '11')!
    const product = h.portal.findByProperty('products', 'bc_variant_id', String(1000 + (11 % 7)))!
    expect(item.properties.hs_product_id).toBe(product.id)
    const c0 = h.portal.findByProperty('carts', 'bc_cart_id', 'c0')!
    expect(h.portal.associations('carts', c0.id, 'orders').map((a) => a.toObjectId)).toEqual([o1.id])
    expect(h.engine.status()).toMatchObject({ associationsPending: 0, queue: { contacts: 0, orders: 0, line_items: 0 } })
    expect([...h.synced.keys()].sort()).toEqual(orders.map((o) => String(o.orderId)).sort())
  })

  it('updates a line item with hs_product_id when its product arrives later', async () => {
    const h = harness()
    h.engine.enqueue(orderRecords(order(1, { lines: [order(1).lines[0]!] })))
    await h.drain()
    const item = h.portal.findByProperty('line_items', 'bc_line_item_id', '11')!
    expect(item.properties.hs_product_id).toBeUndefined()
    h.engine.enqueue(productRecords([variant(1000 + (11 % 7))]))
    await h.drain()
    const product = h.portal.findByProperty('products', 'bc_variant_id', String(1000 + (11 % 7)))!
    expect(h.portal.findByProperty('line_items', 'bc_line_item_id', '11')!.properties.hs_product_id).toBe(product.id)
    expect(h.portal.records('line_items')).toHaveLength(1)
  })

  it('keeps under the rate limit from the headers: no 429 and no faster than the window allows', async () => {
    const h = harness({ standin: { rateLimit: { max: 10, intervalMs: 10_000 } } })
    h.engine.enqueue(Array.from({ length: 2000 }, (_, i) => contact(i)))
    const start = h.time.now()
    await h.drain(10 * 60_000)
    expect(h.standin.requests.filter((r) => r.status === 429)).toEqual([])
    expect(h.portal.records('contacts')).toHaveLength(2000)
    const calls = h.standin.requests.length
    // The budget learns max = 10 from the first response's headers; at most 10 calls in any 10 s window.
    const times = h.standin.requests.map((r) => r.at)
    for (let i = 10; i < times.length; i++) expect(times[i]! - times[i - 10]!).toBeGreaterThan(10_000 - 1)
    expect(h.time.now() - start).toBeGreaterThanOrEqual(Math.floor((calls - 1) / 10) * 10_000)
  })

  it('waits out a ten-secondly 429 and retries the same batch', async () => {
    const h = harness()
    h.engine.enqueue([contact(1), contact(2)])
    h.standin.faults.fail({ path: '/crm/v3/objects/contacts/batch/upsert' }, { status: 429 }, 1)
    const before = h.time.now()
    await h.drain()
    const upserts = h.calls('POST', UPSERT('contacts'))
    expect(upserts.map((r) => r.status)).toEqual([429, 200])
    expect(upserts[1]!.at - upserts[0]!.at).toBeGreaterThanOrEqual(10_000)
    expect(h.time.now() - before).toBeGreaterThanOrEqual(10_000)
    expect(h.portal.records('contacts')).toHaveLength(2)
    expect(h.engine.status().errors.rateLimited).toBe(1)
  })

  it('pauses until the daily reset on a DAILY 429 and reports it', async () => {
    const h = harness()
    await h.drain() // setup
    h.engine.enqueue([contact(1)])
    h.standin.faults.fail(
      { path: '/crm/v3/objects/contacts/batch/upsert' },
      { status: 429, body: { status: 'error', message: 'You have reached your daily limit.', errorType: 'RATE_LIMIT', policyName: 'DAILY' } },
    )
    const first = await h.engine.flush()
    const midnight = nextUtcMidnight(h.time.now())
    expect(first).toMatchObject({ stoppedBy: 'daily_limit', nextRunAt: midnight })
    const status = h.engine.status()
    expect(status.pausedUntil).toBe(new Date(midnight).toISOString())
    expect(status.pauseReason).toMatch(/daily/i)
    expect(status.queue.contacts).toBe(1)
    // While paused, a flush sends nothing.
    const count = h.standin.requests.length
    h.time.advance(3600_000)
    expect((await h.engine.flush()).calls).toBe(0)
    expect(h.standin.requests.length).toBe(count)
    h.time.advance(midnight - h.time.now())
    await h.drain()
    expect(h.portal.records('contacts')).toHaveLength(1)
    expect(h.engine.status().pausedUntil).toBeNull()
  })

  it('retries 5xx and timeouts with backoff, then succeeds', async () => {
    const h = harness()
    await h.drain()
    h.engine.enqueue([contact(1)])
    h.standin.faults.fail({ path: '/crm/v3/objects/contacts/batch/upsert' }, { status: 502 }, 2)
    h.standin.faults.fail({ path: '/crm/v3/objects/contacts/batch/upsert' }, { status: 504 }, 1)
    const before = h.time.now()
    await h.drain()
    expect(h.calls('POST', UPSERT('contacts')).map((r) => r.status)).toEqual([502, 502, 504, 200])
    expect(h.time.now() - before).toBeGreaterThanOrEqual(250 + 500 + 1000)
    expect(h.engine.status().errors).toMatchObject({ transient: 3, recordFailures: 0, deadLettered: 0 })
    expect(h.portal.records('contacts')).toHaveLength(1)
  })

  it('on a 207 retries only the failed inputs', async () => {
    const h = harness()
    await h.drain()
    const good = orderRecords(order(1, { lines: [order(1).lines[0]!] }))
    const bad: HubSpotRecord = { objectType: 'line_items', key: '999', properties: { bc_line_item_id: '999', name: 'Bad', price: -5 } }
    h.engine.enqueue([...good, bad])
    await h.engine.flush()
    const first = h.calls('POST', UPSERT('line_items'))
    expect(first.map((r) => [r.status, r.inputs])).toEqual([[207, 2]])
    expect(h.portal.findByProperty('line_items', 'bc_line_item_id', '11')).toBeDefined()
    expect(h.store.pendingCounts().line_items).toBe(1)
    await h.drain(5_000)
    const later = h.calls('POST', UPSERT('line_items'))
    expect(later.slice(1).every((r) => r.inputs === 1)).toBe(true)
    expect(h.portal.records('line_items')).toHaveLength(1)
  })

  it('isolates a refused contact in an all-or-nothing email upsert by halving the batch', async () => {
    const h = harness()
    await h.drain()
    const contacts = Array.from({ length: 8 }, (_, i) => contact(i))
    contacts[5]!.properties.bc_customer_status = 'legendary' as never
    // The registry would drop an invalid option, so send it past validation the way a portal change would.
    h.engine.enqueue(contacts)
    await h.drain(1_000)
    expect(h.portal.records('contacts')).toHaveLength(8)
    expect(h.engine.status().droppedProperties['contacts.bc_customer_status']).toBe('invalid value')
  })

  it('resolves a 409 by updating the existing record by id', async () => {
    const h = harness()
    h.engine.enqueue([contact(1)])
    await h.drain()
    const existing = h.portal.findByProperty('contacts', 'email', 'person1@example.com')!
    h.engine.enqueue([contact(1, { lastname: 'Updated' })])
    h.standin.faults.fail(
      { path: '/crm/v3/objects/contacts/batch/upsert' },
      { status: 409, body: { status: 'error', category: 'CONFLICT', message: `Contact already exists. Existing ID: ${existing.id}` } },
    )
    await h.drain()
    const updates = h.calls('POST', /contacts\/batch\/update$/)
    expect(updates.map((r) => r.status)).toEqual([200])
    expect(h.calls('POST', UPSERT('contacts')).map((r) => r.status)).toEqual([200, 409])
    expect(h.portal.records('contacts')).toHaveLength(1)
    expect(h.portal.record('contacts', existing.id)!.properties.lastname).toBe('Updated')
    expect(h.engine.status().errors.recordFailures).toBe(0)
  })

  it('dead-letters a record after 5 failed attempts without holding up the others', async () => {
    const h = harness()
    const bad: HubSpotRecord = { objectType: 'line_items', key: '999', properties: { bc_line_item_id: '999', name: 'Bad', price: -5 } }
    h.engine.enqueue([bad, ...orderRecords(order(2))])
    await h.drain(10 * 60_000)
    expect(h.deadLetters).toHaveLength(1)
    expect(h.deadLetters[0]).toMatchObject({
      objectType: 'line_items',
      key: '999',
      attempts: 5,
      record: { objectType: 'line_items', key: '999', properties: bad.properties },
    })
    expect(h.deadLetters[0]!.error).toMatch(/negative/)
    expect(h.store.pendingCounts().line_items).toBe(0)
    expect(h.portal.records('line_items')).toHaveLength(2)
    expect(h.engine.status().errors).toMatchObject({ recordFailures: 5, deadLettered: 1 })
    expect(h.calls('POST', UPSERT('line_items')).filter((r) => r.inputs === 1)).toHaveLength(4)
  })

  it('leaves out HubSpot properties the account lacks and reports them', async () => {
    const h = harness({ standin: { missingProperties: { orders: ['hs_fulfillment_status'] } } })
    h.engine.enqueue(orderRecords(order(1)))
    await h.drain()
    expect(h.standin.requests.filter((r) => r.status >= 400)).toEqual([])
    const o = h.portal.findByProperty('orders', 'bc_order_id', '1')!
    expect(o.properties.hs_fulfillment_status).toBeUndefined()
    expect(o.properties.hs_total_price).toBe('47.25')
    expect(h.engine.status().missingProperties).toEqual({ orders: ['hs_fulfillment_status'] })
  })

  it('drops an hs_ property HubSpot says does not exist, retries without it, and reports it', async () => {
    const h = harness({ standin: { missingProperties: { orders: ['hs_tax'] } } })
    await h.engine.runSetup()
    // A portal that lost the property after setup read it.
    const setup = h.store.getValue<{ available: Record<string, string[]>; missing: Record<string, string[]> }>('setup')!
    setup.available.orders!.push('hs_tax')
    setup.missing = {}
    h.store.setValue('setup', setup)
    h.engine.enqueue(orderRecords(order(1, { lines: [] })))
    await h.drain()
    expect(h.calls('POST', UPSERT('orders')).map((r) => r.status)).toEqual([400, 200])
    expect(h.portal.findByProperty('orders', 'bc_order_id', '1')!.properties.hs_tax).toBeUndefined()
    expect(h.engine.status().missingProperties).toEqual({ orders: ['hs_tax'] })
    expect(h.engine.status().errors.recordFailures).toBe(0)
  })

  it('loses and duplicates nothing when HubSpot accepted a batch but the answer never arrived', async () => {
    const h = harness()
    let dropped = 0
    serveHost(HOST, async (request) => {
      const response = await h.standin.fetch(request)
      if (/orders\/batch\/upsert$/.test(new URL(request.url).pathname) && dropped++ === 0) throw new TypeError('connection reset')
      return response
    })
    h.engine.enqueue(Array.from({ length: 5 }, (_, i) => orderRecords(order(i + 1))).flat())
    await h.drain()
    expect(h.calls('POST', UPSERT('orders'))).toHaveLength(2)
    expect(h.portal.records('orders')).toHaveLength(5)
    expect(h.portal.records('line_items')).toHaveLength(10)
    expect(h.engine.status().queue.orders).toBe(0)
  })

  it('survives a restart mid-flush: a new engine on the same store finishes without duplicates', async () => {
    const h = harness()
    const store = h.store
    let allowed = 4 // object writes that get through before the "eviction"
    serveHost(HOST, async (request) => {
      if (new URL(request.url).pathname.includes('/objects/') && allowed-- <= 0) throw new TypeError('evicted')
      return h.standin.fetch(request)
    })
    const contacts = Array.from({ length: 150 }, (_, i) => contact(i))
    const orders = Array.from({ length: 120 }, (_, i) => orderRecords(order(i + 1, { email: `person${i % 50}@example.com` }))).flat()
    const products = productRecords(Array.from({ length: 7 }, (_, i) => variant(1000 + i)))
    h.engine.enqueue([...contacts, ...orders, ...products])
    await h.engine.flush()
    expect(h.portal.records('contacts').length).toBeGreaterThan(0)
    expect(h.engine.hasPendingWork()).toBe(true)
    // The restart: a fresh engine (nothing in memory) over the same durable store, the network healthy again.
    serveHost(HOST, h.standin.fetch)
    const engine = new WriterEngine({ store, client: h.client, sink: memorySink().sink, clock: h.time.clock })
    for (let i = 0; i < 50 && engine.hasPendingWork(); i++) {
      const r = await engine.flush()
      if (r.nextRunAt && r.nextRunAt > h.time.now()) h.time.advance(r.nextRunAt - h.time.now())
    }
    expect(engine.status()).toMatchObject({ associationsPending: 0, queue: { contacts: 0, orders: 0, line_items: 0 } })
    expect(h.portal.records('contacts')).toHaveLength(150)
    expect(h.portal.records('products')).toHaveLength(7)
    expect(h.portal.records('orders')).toHaveLength(120)
    expect(h.portal.records('line_items')).toHaveLength(240)
    const o = h.portal.findByProperty('orders', 'bc_order_id', '77')!
    expect(h.portal.associations('orders', o.id, 'line_items')).toHaveLength(2)
    expect(h.portal.associations('orders', o.id, 'contacts')).toHaveLength(1)
    expect(h.portal.records('line_items').every((li) => li.properties.hs_product_id)).toBe(true)
  })

  it('re-sends a record that changed while its batch was in flight', async () => {
    const h = harness()
    await h.drain()
    let injected = false
    serveHost(HOST, async (request) => {
      if (!injected && /contacts\/batch\/upsert$/.test(new URL(request.url).pathname)) {
        injected = true
        h.engine.enqueue([contact(1, { lastname: 'Newer' })])
      }
      return h.standin.fetch(request)
    })
    h.engine.enqueue([contact(1, { lastname: 'Older' })])
    await h.drain()
    expect(h.calls('POST', UPSERT('contacts'))).toHaveLength(2)
    expect(h.portal.findByProperty('contacts', 'email', 'person1@example.com')!.properties.lastname).toBe('Newer')
    expect(h.store.pendingCounts().contacts).toBe(0)
  })

  it('under a steady stream of orders, writes each type in turn rather than one type a record at a time', async () => {
    const h = harness()
    await h.drain()
    // A new order (with its line items) arrives during every orders call, twelve in all.
    let next = 2
    serveHost(HOST, async (request) => {
      if (next <= 12 && /orders\/batch\/upsert$/.test(new URL(request.url).pathname)) h.engine.enqueue(orderRecords(order(next++)))
      return h.standin.fetch(request)
    })
    h.engine.enqueue(orderRecords(order(1)))
    await h.drain()
    const writes = h.standin.requests.filter((r) => /batch\/upsert$/.test(r.path)).map((r) => r.path.split('/')[4])
    // Line items follow each orders call: they do not wait until the stream of orders stops.
    expect(writes.slice(0, 4)).toEqual(['orders', 'line_items', 'orders', 'line_items'])
    expect(h.portal.records('orders')).toHaveLength(12)
    expect(h.portal.records('line_items')).toHaveLength(24)
  })

  it('keeps an association whose other end has no id yet for as long as it takes, and links it once that end is written', async () => {
    const h = harness()
    h.engine.enqueue([
      { ...cartRecord(cart('c1', { email: 'person1@example.com', status: 'converted', convertedOrderId: 404 })) },
      contact(1),
    ])
    const first = await h.drain()
    expect(h.portal.records('carts')).toHaveLength(1)
    expect(h.store.associationCount()).toBe(1) // cart → order 404 waits for its order
    // Nothing to do until its order comes: no wake-up for it.
    expect(first.nextRunAt).toBeNull()
    h.time.advance(3 * DAY)
    await h.engine.flush()
    expect(h.store.associationCount()).toBe(1)
    // The order arrives at last (a backfill reached it, a webhook named it): the pair is written with it.
    h.engine.enqueue(orderRecords(order(404, { email: 'person1@example.com', lines: [] })))
    await h.drain()
    expect(h.store.associationCount()).toBe(0)
    const c1 = h.portal.findByProperty('carts', 'bc_cart_id', 'c1')!
    const o404 = h.portal.findByProperty('orders', 'bc_order_id', '404')!
    expect(h.portal.associations('carts', c1.id, 'contacts')).toHaveLength(1)
    expect(h.portal.associations('carts', c1.id, 'orders').map((a) => a.toObjectId)).toEqual([o404.id])
    expect(h.engine.status().errors.associationsAbandoned).toBe(0)
  })

  it('keeps an association through three days of a paused writer, and links it when the writer resumes', async () => {
    const h = harness()
    h.engine.enqueue([contact(1)])
    await h.drain()
    const person = h.portal.findByProperty('contacts', 'email', 'person1@example.com')!
    // Each day the daily limit runs out before the order is written (a long backfill on a small portal).
    const daily = { status: 429, body: { status: 'error', message: 'You have reached your daily limit.', errorType: 'RATE_LIMIT', policyName: 'DAILY' } }
    h.standin.faults.fail({ path: '/crm/v3/objects/orders/batch/upsert' }, daily, 4)
    const enqueuedAt = h.time.now()
    h.engine.enqueue(orderRecords(order(7, { email: 'person1@example.com', lines: [] })), 'bulk')
    for (let day = 0; day < 4; day++) {
      const paused = await h.engine.flush()
      expect(paused.stoppedBy).toBe('daily_limit')
      h.time.advance(paused.nextRunAt! - h.time.now())
    }
    expect(h.time.now() - enqueuedAt).toBeGreaterThan(3 * DAY)
    expect(h.store.associationCount()).toBe(1)
    await h.drain()
    const written = h.portal.findByProperty('orders', 'bc_order_id', '7')!
    expect(h.portal.associations('orders', written.id, 'contacts').map((a) => a.toObjectId)).toEqual([person.id])
    expect(h.store.associationCount()).toBe(0)
    expect(h.engine.status().errors.associationsAbandoned).toBe(0)
  })

  it('drops the associations of a dead-lettered record, which carries them to its replay', async () => {
    const h = harness()
    const bad: HubSpotRecord = {
      objectType: 'line_items',
      key: '999',
      properties: { bc_line_item_id: '999', name: 'Bad', price: -5 },
      associations: [{ toObjectType: 'orders', toKey: '2' }],
    }
    h.engine.enqueue([bad, ...orderRecords(order(2, { lines: [] }))])
    await h.drain(10 * 60_000)
    expect(h.deadLetters).toHaveLength(1)
    expect(h.deadLetters[0]!.record.associations).toEqual([{ toObjectType: 'orders', toKey: '2' }])
    expect(h.store.associationsInvolving('line_items', '999')).toEqual([])
    expect(h.engine.status().errors.associationsAbandoned).toBe(1)
    // Its replay brings the association back with it.
    h.engine.enqueue([{ ...h.deadLetters[0]!.record, properties: { ...bad.properties, price: 5 } }])
    await h.drain()
    const line = h.portal.findByProperty('line_items', 'bc_line_item_id', '999')!
    const o2 = h.portal.findByProperty('orders', 'bc_order_id', '2')!
    expect(h.portal.associations('line_items', line.id, 'orders').map((a) => a.toObjectId)).toEqual([o2.id])
  })
})
