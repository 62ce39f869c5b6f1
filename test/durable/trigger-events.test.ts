import { abortAllDurableObjects, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it } from 'vitest'
import { hubspotWriter } from '../../src/durable/stubs'
import { writerClock } from '../hubspot/support'
import { serveHost } from '../support/network'
import { deliverEvents, flushHubSpot, freshWorld, subscribe, wakeContact, type useStandins } from '../support/worker'

/**
 * Triggers are events (contract section 4): every fired trigger reaches HubSpot as its own change of its
 * property, in firing order, however the writer is held back. Read from the HubSpot stand-in's property
 * history, end to end: signed webhooks, contact Durable Objects, the writer Durable Object.
 */
type Standins = ReturnType<typeof useStandins>
let bigcommerce: Standins['bigcommerce']
let hubspot: Standins['hubspot']

const MINUTE = 60_000
const CONTACTS_UPSERT = /\/crm\/v3\/objects\/contacts\/batch\/upsert$/

beforeEach(async () => {
  ;({ bigcommerce, hubspot } = await freshWorld())
})

/** HubSpot answers contact writes with its daily-limit 429 until `release`: the writer holds everything back. */
function holdContactWrites() {
  hubspot.faults.fail(
    { method: 'POST', path: CONTACTS_UPSERT },
    { status: 429, headers: { 'retry-after': '1' }, body: { status: 'error', message: 'daily limit', policyName: 'DAILY', category: 'RATE_LIMITS' } },
    Infinity,
  )
}

/** Lets HubSpot answer again and flushes until the writer has nothing left (its daily-limit pause played out on the writer's clock, not waited for). */
async function releaseAndSettle() {
  hubspot.faults.clear()
  for (let i = 0; i < 20; i++) {
    const status = await hubspotWriter(env).status()
    if (!status.pausedUntil && status.triggersPending === 0 && Object.values(status.queue).every((n) => n === 0)) return
    const wait = status.pausedUntil ? Date.parse(status.pausedUntil) - Date.now() + 20 : 0
    if (wait > 0) (await writerClock()).advance(wait)
    await flushHubSpot()
  }
  throw new Error('the writer did not settle')
}

/** The values `property` took on the contact, oldest first. */
function changes(email: string, property: string): string[] {
  return (hubspot.portal.findByProperty('contacts', 'email', email)?.history[property] ?? []).map((c) => c.value)
}

const iso = (ms: number) => new Date(ms).toISOString()
/** BigCommerce's order dates have whole seconds. */
const wholeSecond = (ms: number) => Math.floor(ms / 1000) * 1000

describe('every fired trigger reaches HubSpot as its own change', () => {
  it('two orders a few seconds apart, while HubSpot answers 429: two changes of bc_order_placed_at, in order', async () => {
    const email = 'two-orders@example.com'
    holdContactWrites()
    const t0 = wholeSecond(Date.now() - 10_000)
    const first = bigcommerce.store.createOrder({ email, at: t0 })
    const second = bigcommerce.store.createOrder({ email, at: t0 + 4_000 })
    await deliverEvents([...first.events, ...second.events])
    await releaseAndSettle()
    expect(changes(email, 'bc_order_placed_at')).toEqual([iso(t0), iso(t0 + 4_000)])
    expect(hubspot.portal.findByProperty('contacts', 'email', email)!.properties.bc_order_count).toBe('2')
  })

  it('two shipments and two refunds of one order: two changes of each, in order', async () => {
    const email = 'ships-twice@example.com'
    const t0 = wholeSecond(Date.now() - 60_000)
    const order = bigcommerce.store.createOrder({ email, at: t0, lines: [{ productId: 1, quantity: 1 }, { productId: 2, quantity: 1 }] })
    await deliverEvents(order.events)
    await flushHubSpot()
    holdContactWrites()
    const products = bigcommerce.store.orderProducts.get(order.value.id)!
    const shipments = [
      bigcommerce.store.addShipment(order.value.id, [{ orderProductId: products[0]!.id, quantity: 1 }], { at: t0 + 10_000 }),
      bigcommerce.store.addShipment(order.value.id, [{ orderProductId: products[1]!.id, quantity: 1 }], { at: t0 + 15_000 }),
    ]
    const refunds = [
      bigcommerce.store.addRefund(order.value.id, { amount: 1, at: t0 + 20_000 }),
      bigcommerce.store.addRefund(order.value.id, { amount: 2, at: t0 + 25_000 }),
    ]
    await deliverEvents([...shipments, ...refunds].flatMap((m) => m.events))
    await releaseAndSettle()
    expect(changes(email, 'bc_order_shipped_at')).toEqual([iso(t0 + 10_000), iso(t0 + 15_000)])
    expect(changes(email, 'bc_order_refunded_at')).toEqual([iso(t0 + 20_000), iso(t0 + 25_000)])
  })

  it('three abandoned carts under a cap of 3: three changes of bc_cart_abandoned_at, each with its cart', async () => {
    const email = 'three-carts@example.com'
    await subscribe(bigcommerce, email)
    const carts = []
    for (let i = 0; i < 3; i++) {
      const cart = bigcommerce.store.createCart({ email, lines: [{ productId: 1, quantity: i + 1 }], at: Date.now() - 60_000 + i * 1_000 })
      await deliverEvents(cart.events)
      carts.push(cart.value)
    }
    await flushHubSpot()
    holdContactWrites()
    await wakeContact(email, Date.now() + 46 * MINUTE)
    await releaseAndSettle()
    const abandonedAt = changes(email, 'bc_cart_abandoned_at')
    expect(abandonedAt).toHaveLength(3)
    expect([...abandonedAt].sort()).toEqual(abandonedAt)
    expect(changes(email, 'bc_abandoned_cart_url')).toHaveLength(3)
    for (const cart of carts) expect(hubspot.portal.findByProperty('carts', 'bc_cart_id', cart.id)!.properties.hs_external_status).toBe('abandoned')
  })

  it('a trigger delivered three times is written once', async () => {
    const email = 'replayed@example.com'
    const order = bigcommerce.store.createOrder({ email })
    for (let i = 0; i < 3; i++) await deliverEvents(order.events, { webhookId: `msg_replay_${i}` })
    await flushHubSpot()
    // And the same record re-sent to the writer three times (a contact retrying after a failed save).
    const writer = hubspotWriter(env)
    const written = (await writer.status()).triggersWritten
    const contact = hubspot.portal.findByProperty('contacts', 'email', email)!
    const at = contact.properties.bc_order_placed_at!
    const replay = { objectType: 'contacts' as const, key: email, properties: { email }, triggers: [{ property: 'bc_order_placed_at', properties: { bc_order_placed_at: at } }] }
    for (let i = 0; i < 3; i++) await writer.enqueue([replay])
    await flushHubSpot()
    expect(changes(email, 'bc_order_placed_at')).toEqual([at])
    expect((await writer.status()).triggersWritten).toBe(written)
  })

  it('a restart of the writer between the two writes loses neither', async () => {
    const email = 'restart@example.com'
    holdContactWrites()
    const t0 = wholeSecond(Date.now() - 10_000)
    const orders = [bigcommerce.store.createOrder({ email, at: t0 }), bigcommerce.store.createOrder({ email, at: t0 + 3_000 })]
    await deliverEvents(orders.flatMap((o) => o.events))
    hubspot.faults.clear()
    const paused = (await hubspotWriter(env).status()).pausedUntil
    if (paused) (await writerClock()).advance(Date.parse(paused) - Date.now() + 20)
    // The first value is accepted; the writer is then cut off (a long outage ends its flush) and evicted.
    await runInDurableObject(hubspotWriter(env), async (instance) => {
      Object.assign(instance.tuning, { transientBaseMs: 60_000 })
    })
    let upserts = 0
    serveHost('hubspot.standin', async (request) => {
      if (CONTACTS_UPSERT.test(new URL(request.url).pathname) && ++upserts > 1) throw new TypeError('network lost')
      return hubspot.fetch(request)
    })
    await flushHubSpot()
    expect(changes(email, 'bc_order_placed_at')).toEqual([iso(t0)])
    await abortAllDurableObjects()
    serveHost('hubspot.standin', (request) => hubspot.fetch(request))
    await releaseAndSettle()
    expect(changes(email, 'bc_order_placed_at')).toEqual([iso(t0), iso(t0 + 3_000)])
  })
})

describe('a cart is abandoned whatever the trigger decided', () => {
  it('without consent: abandoned in HubSpot after the quiet period, suppressed, no trigger written', async () => {
    const email = 'no-consent@example.com'
    const cart = bigcommerce.store.createCart({ email, lines: [{ productId: 1, quantity: 1 }] })
    await deliverEvents(cart.events)
    await wakeContact(email, Date.now() + 46 * MINUTE)
    await flushHubSpot()
    expect(hubspot.portal.findByProperty('carts', 'bc_cart_id', cart.value.id)!.properties.hs_external_status).toBe('abandoned')
    expect(await decisionsOf(email)).toEqual(['suppressed'])
    expect(changes(email, 'bc_cart_abandoned_at')).toEqual([])
  })

  it('within refund suppression: abandoned in HubSpot, suppressed, no trigger written; a change reopens it', async () => {
    const email = 'refunded@example.com'
    await subscribe(bigcommerce, email)
    const order = bigcommerce.store.createOrder({ email, at: Date.now() - 3_600_000 })
    await deliverEvents([...order.events, ...bigcommerce.store.addRefund(order.value.id, { amount: 1 }).events])
    const cart = bigcommerce.store.createCart({ email, lines: [{ productId: 1, quantity: 1 }] })
    await deliverEvents(cart.events)
    await wakeContact(email, Date.now() + 46 * MINUTE)
    await flushHubSpot()
    const status = () => hubspot.portal.findByProperty('carts', 'bc_cart_id', cart.value.id)!.properties.hs_external_status
    expect(status()).toBe('abandoned')
    expect(await decisionsOf(email)).toEqual(['suppressed'])
    expect(changes(email, 'bc_cart_abandoned_at')).toEqual([])
    await deliverEvents(bigcommerce.store.updateCart(cart.value.id, { lines: [{ productId: 1, quantity: 3 }], at: Date.now() + 5_000 }).events)
    await flushHubSpot()
    expect(status()).toBe('open')
  })
})

async function decisionsOf(email: string): Promise<string[]> {
  const { results } = await env.DB.prepare("SELECT decision FROM trigger_decisions WHERE email = ? AND trigger = 'cart_abandoned' ORDER BY id")
    .bind(email)
    .all<{ decision: string }>()
  return results.map((r) => r.decision)
}

