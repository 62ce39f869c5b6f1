import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it } from 'vitest'
import { contactObject } from '../../src/durable/stubs'
import { readApiPauses } from '../../src/db/api-pauses'
import { MAX_ATTEMPTS, RETRY_HORIZON_MS } from '../../src/db/webhook-inbox'
import { sweepDueEvents } from '../../src/pipeline/sweep'
import { deliverEvents, flushHubSpot, freshWorld, type useStandins } from '../support/worker'

type Standins = ReturnType<typeof useStandins>
let bigcommerce: Standins['bigcommerce']
let hubspot: Standins['hubspot']

beforeEach(async () => {
  ;({ bigcommerce, hubspot } = await freshWorld())
})

async function eventRows() {
  const { results } = await env.DB.prepare('SELECT scope, status, attempts, last_error FROM webhook_events ORDER BY received_at')
    .all<{ scope: string; status: string; attempts: number; last_error: string | null }>()
  return results
}

const noWaiting = { sleep: async () => {} }

function hubspotOrder(orderId: number) {
  return hubspot.portal.findByProperty('orders', 'bc_order_id', String(orderId))
}

describe('processing webhooks after the ack', () => {
  it('hydrates a placed order into the contact, the order and its line items in HubSpot', async () => {
    bigcommerce.store.createCustomer({ email: 'Ada.Lovelace@Example.com', firstName: 'Ada', lastName: 'Lovelace' })
    const { value: order, events } = bigcommerce.store.createOrder({ email: 'ada.lovelace@example.com', statusId: 11 })
    await deliverEvents(events)
    await flushHubSpot()

    const contact = hubspot.portal.findByProperty('contacts', 'email', 'ada.lovelace@example.com')
    expect(contact?.properties).toMatchObject({ bc_order_count: '1', bc_customer_status: 'customer' })
    expect(hubspotOrder(order.id)?.properties).toMatchObject({ hs_order_name: `Order #${order.id}`, bc_status: 'awaiting_fulfillment' })
    expect(hubspot.portal.records('line_items')).toHaveLength(bigcommerce.store.orderProducts.get(order.id)!.length)
    expect(await eventRows()).toEqual([expect.objectContaining({ status: 'done', attempts: 1 })])
  })

  it('stores one event and makes one effect when the same envelope arrives three times', async () => {
    const { events } = bigcommerce.store.createOrder({ email: 'dup@example.com' })
    const responses = await deliverEvents([...events, ...events, ...events], { webhookId: 'msg_same', createdAt: 1_700_000_000 })
    expect(await Promise.all(responses.map((r) => r.json()))).toEqual([
      { status: 'accepted' },
      { status: 'duplicate' },
      { status: 'duplicate' },
    ])
    await flushHubSpot()
    expect(await eventRows()).toHaveLength(1)
    const orderHydrations = bigcommerce.requests.filter((r) => /\/v2\/orders\/\d+$/.test(r.path))
    expect(orderHydrations).toHaveLength(1)
    expect(hubspot.portal.records('orders')).toHaveLength(1)
    const decisions = await env.DB.prepare("SELECT count(*) AS n FROM trigger_decisions WHERE trigger = 'order_placed' AND decision = 'fired'").first<{ n: number }>()
    expect(decisions?.n).toBe(1)
  })

  it('ends in the right state when the status update and shipment arrive before the order', async () => {
    const created = bigcommerce.store.createOrder({ email: 'late@example.com', statusId: 11 })
    const shipped = bigcommerce.store.addShipment(created.value.id)
    // Deliver in reverse: the shipment and status change first, then the original "created".
    await deliverEvents([...shipped.events].reverse())
    await deliverEvents(created.events)
    await flushHubSpot()

    const order = hubspotOrder(created.value.id)
    expect(order?.properties).toMatchObject({ bc_status: 'shipped', hs_fulfillment_status: 'shipped' })
    const state = await contactObject(env, 'late@example.com').snapshot()
    expect(state?.orders[String(created.value.id)]?.statusId).toBe(2)
    const fired = await env.DB.prepare("SELECT trigger FROM trigger_decisions WHERE decision = 'fired' ORDER BY trigger").all<{ trigger: string }>()
    expect(fired.results.map((r) => r.trigger).filter((t) => t.startsWith('order_'))).toEqual(['order_placed', 'order_shipped'])
  })

  it('resolves a guest checkout (customer_id 0) by its billing email', async () => {
    const { value: order, events } = bigcommerce.store.createOrder({ email: '  Guest.Buyer@Example.COM ', customerId: 0 })
    expect(order.customer_id).toBe(0)
    await deliverEvents(events)
    await flushHubSpot()
    const contact = hubspot.portal.findByProperty('contacts', 'email', 'guest.buyer@example.com')
    expect(contact).toBeDefined()
    expect(contact?.properties.bc_customer_id ?? '').toBe('')
    const associated = hubspot.portal.associations('orders', hubspotOrder(order.id)!.id, 'contacts')
    expect(associated.map((a) => a.toObjectId)).toEqual([contact!.id])
  })

  it('creates the contact of a new customer, with consent from their subscriber record', async () => {
    const subscriber = bigcommerce.store.upsertSubscriber('grace@example.com', ['marketing_newsletter'])
    const customer = bigcommerce.store.createCustomer({
      email: 'Grace@Example.com',
      firstName: 'Grace',
      lastName: 'Hopper',
      phone: '(512) 555-0147',
    })
    await deliverEvents([...customer.events, ...subscriber.events])
    await flushHubSpot()
    expect(hubspot.portal.findByProperty('contacts', 'email', 'grace@example.com')?.properties).toMatchObject({
      firstname: 'Grace',
      lastname: 'Hopper',
      phone: '+15125550147',
      bc_customer_id: String(customer.value.id),
      bc_customer_status: 'prospect',
      bc_email_consent: 'opted_in',
      bc_order_count: '0',
    })
  })

  it('keeps a multi-currency order in its currency and the contact in the store base currency, net of refunds', async () => {
    const email = 'euro@example.com'
    const { value: order, events } = bigcommerce.store.createOrder({ email, currency: 'EUR', exchangeRate: 0.8 })
    await deliverEvents(events)
    await deliverEvents(bigcommerce.store.addRefund(order.id, { amount: 10 }).events)
    await flushHubSpot()
    const total = Number(bigcommerce.store.orders.get(order.id)!.total_inc_tax)
    const written = hubspotOrder(order.id)!.properties
    expect(written).toMatchObject({ hs_currency_code: 'EUR', bc_refunded_amount: '10' })
    expect(Number(written.bc_net_revenue)).toBeCloseTo(total - 10, 2)
    // 1 USD = 0.8 EUR: the contact's lifetime value is the net EUR revenue / 0.8, in USD.
    const contact = hubspot.portal.findByProperty('contacts', 'email', email)!.properties
    expect(Number(contact.bc_lifetime_value)).toBeCloseTo((total - 10) / 0.8, 2)
    expect(Number(contact.bc_refunded_total)).toBeCloseTo(10 / 0.8, 2)
  })

  it('never syncs an incomplete order (status 0)', async () => {
    const { events } = bigcommerce.store.createOrder({ email: 'abandoned-checkout@example.com', statusId: 0 })
    await deliverEvents(events)
    await flushHubSpot()
    expect(hubspot.portal.records('orders')).toHaveLength(0)
    expect(await eventRows()).toEqual([expect.objectContaining({ status: 'done' })])
  })
})

describe('hydration failures', () => {
  it('waits and retries when BigCommerce answers 429 and 500', async () => {
    const { value: order, events } = bigcommerce.store.createOrder({ email: 'retry@example.com' })
    bigcommerce.faults.fail({ method: 'GET', path: `/stores/teststore/v2/orders/${order.id}` }, {
      status: 429,
      headers: { 'X-Rate-Limit-Time-Reset-Ms': '50', 'X-Rate-Limit-Requests-Left': '0', 'X-Rate-Limit-Requests-Quota': '150', 'X-Rate-Limit-Time-Window-Ms': '30000' },
    })
    bigcommerce.faults.fail({ method: 'GET', path: `/stores/teststore/v2/orders/${order.id}/products` }, { status: 500 })
    await deliverEvents(events)
    await flushHubSpot()
    expect(hubspotOrder(order.id)).toBeDefined()
    const attempts = bigcommerce.requests.filter((r) => r.path === `/stores/teststore/v2/orders/${order.id}`)
    expect(attempts.map((r) => r.status)).toEqual([429, 200])
    expect(await eventRows()).toEqual([expect.objectContaining({ status: 'done', attempts: 1 })])
  })

  it("keeps a failed event for the retry sweep, and dead-letters it only past BigCommerce's 48-hour horizon", async () => {
    const { value: order, events } = bigcommerce.store.createOrder({ email: 'dead@example.com' })
    bigcommerce.faults.fail({ method: 'GET', path: `/stores/teststore/v2/orders/${order.id}` }, { status: 503 }, 1000)
    await deliverEvents(events)
    let [row] = await eventRows()
    expect(row).toMatchObject({ status: 'pending', attempts: 1 })
    expect(row!.last_error).toMatch(/503/)
    const firstFailure = Date.now()

    // Each sweep runs when the event is due again; one resource failing never pauses BigCommerce.
    let clock = firstFailure
    const failedAt: number[] = []
    for (let i = 0; i < 30 && row!.status === 'pending'; i++) {
      clock = (await env.DB.prepare('SELECT next_attempt_at AS at FROM webhook_events').first<{ at: number }>())!.at
      await sweepDueEvents(env, new Date(clock), { tuning: noWaiting })
      ;[row] = await eventRows()
      failedAt.push(clock)
    }
    expect(row).toMatchObject({ status: 'dead', attempts: MAX_ATTEMPTS })
    expect(clock - firstFailure).toBeGreaterThanOrEqual(RETRY_HORIZON_MS)
    // The attempt before was still within the horizon: nothing died early.
    expect(failedAt.at(-2)! - firstFailure).toBeLessThan(RETRY_HORIZON_MS)
    const dead = await env.DB.prepare('SELECT source, error, attempts FROM dead_letters').all()
    expect(dead.results).toEqual([expect.objectContaining({ source: 'webhook', attempts: MAX_ATTEMPTS, error: expect.stringMatching(/503/) })])
    expect(hubspotOrder(order.id)).toBeUndefined()
    expect((await readApiPauses(env.DB)).bigcommerce.paused).toBe(false)
  }, 60_000)

  it('dead-letters at once what no retry can fix: an order with no usable email', async () => {
    const { value: order, events } = bigcommerce.store.createOrder({ customerId: 0, billing: { email: 'not an email' } })
    await deliverEvents(events)
    expect(await eventRows()).toEqual([expect.objectContaining({ status: 'dead', attempts: 1 })])
    const dead = await env.DB.prepare('SELECT error FROM dead_letters').first<{ error: string }>()
    expect(dead?.error).toMatch(/email/i)
    expect(hubspotOrder(order.id)).toBeUndefined()
  })

  it('after an outage, re-fetches an order once for all the events that piled up about it', async () => {
    const created = bigcommerce.store.createOrder({ email: 'backlog@example.com', statusId: 11 })
    const shipped = bigcommerce.store.addShipment(created.value.id)
    const orderPath = `/stores/teststore/v2/orders/${created.value.id}`
    bigcommerce.faults.fail({ method: 'GET', path: orderPath }, { status: 503 }, 1000)
    await deliverEvents([...created.events, ...shipped.events])
    const piledUp = await eventRows()
    expect(piledUp.length).toBeGreaterThanOrEqual(3)
    expect(piledUp.every((row) => row.status === 'pending')).toBe(true)

    bigcommerce.faults.clear()
    const before = bigcommerce.requests.filter((r) => r.path === orderPath && r.status === 200).length
    await sweepDueEvents(env, new Date(Date.now() + 10 * 60_000), { tuning: noWaiting })
    await flushHubSpot()
    expect(bigcommerce.requests.filter((r) => r.path === orderPath && r.status === 200).length - before).toBe(1)
    expect((await eventRows()).every((row) => row.status === 'done')).toBe(true)
    expect(hubspotOrder(created.value.id)?.properties).toMatchObject({ bc_status: 'shipped' })
  }, 30_000)

  it('a sweep after BigCommerce recovers completes the event', async () => {
    const { value: order, events } = bigcommerce.store.createOrder({ email: 'recover@example.com' })
    bigcommerce.faults.fail({ method: 'GET', path: `/stores/teststore/v2/orders/${order.id}` }, { status: 503 }, 20)
    await deliverEvents(events)
    bigcommerce.faults.clear()
    await sweepDueEvents(env, new Date(Date.now() + 10 * 60_000), { tuning: noWaiting })
    await flushHubSpot()
    expect(await eventRows()).toEqual([expect.objectContaining({ status: 'done', attempts: 2 })])
    expect(hubspotOrder(order.id)).toBeDefined()
  })
})
