import { env } from 'cloudflare:workers'
import { adminCall } from '../support/admin'
import { readApiPauses } from '../../src/db/api-pauses'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { backfillStatus, runBackfill, startBackfill } from '../../src/backfill/history-import'
import { acquireLease } from '../../src/db/backfill-jobs'
import { contactObject } from '../../src/durable/stubs'
import { seedStore } from '../../standins/bigcommerce'
import { serveHost } from '../support/network'
import { deliverEvents, freshWorld, type useStandins } from '../support/worker'
import { expectHubSpotMatchesStore, expectLinksAndRegions, firedDecisions, flushAll, inTransit, runToEnd, cronEnv } from './support'

type Standins = ReturnType<typeof useStandins>
let bigcommerce: Standins['bigcommerce']
let hubspot: Standins['hubspot']

const NOW = Date.now()
vi.setConfig({ testTimeout: 60_000, hookTimeout: 30_000 })

beforeEach(async () => {
  ;({ bigcommerce, hubspot } = await freshWorld())
  // The quota is the client's business (tested with the client); here it would only make tests wait.
  bigcommerce.setRateLimit(1_000_000, 30_000)
  seedStore(bigcommerce.store, { customers: 10, orders: 40, seed: 11, now: NOW })
})

function requests(pattern: RegExp) {
  return bigcommerce.requests.filter((r) => pattern.test(r.path))
}

describe('a backfill from scratch', () => {
  it('brings every customer, subscriber, variant and synced order to HubSpot and fires no trigger', async () => {
    const { id } = await startBackfill(cronEnv)
    expect(await backfillStatus(env)).toMatchObject({ state: 'running', id, done: 0 })

    const outcomes = await runToEnd()
    expect(outcomes.at(-1)).toMatchObject({ ran: true, state: 'done', jobId: id })
    await flushAll()

    expectHubSpotMatchesStore(bigcommerce, hubspot)
    expectLinksAndRegions(bigcommerce, hubspot)
    expect(await firedDecisions()).toBe(0)

    const status = await backfillStatus(env)
    expect(status).toMatchObject({ state: 'done', id, phase: 'done', etaSeconds: 0, lastError: null })
    expect(status.done).toBe(status.total)
    expect(status.phases.customers.done).toBe(bigcommerce.store.customers.size)
    expect(status.phases.subscribers.done).toBe(bigcommerce.store.subscribers.size)
    expect(status.phases.products.done).toBe(bigcommerce.store.products.size)
    expect(status.phases.orders.done).toBe([...bigcommerce.store.orders.values()].filter((o) => !o.is_deleted).length)
    expect(status.rate).toBeGreaterThan(0)

    await expectHistoryWithoutTriggers()
    expectEconomicalCalls()
  })

  it('leaves the tracking of orders delivered long ago to live reads: a later webhook brings it, and fires nothing old', async () => {
    await startBackfill(cronEnv)
    await runToEnd()
    await flushAll()
    const { store } = bigcommerce
    const shipped = [...store.orders.values()].find(
      (o) => !o.is_deleted && o.status_id === 2 && !inTransit(o) && (store.shipments.get(o.id) ?? []).some((s) => s.tracking_number),
    )!
    const record = () => hubspot.portal.records('orders').find((r) => r.properties.bc_order_id === String(shipped.id))!
    expect(record().properties.hs_shipping_tracking_number ?? '').toBe('')

    // The merchant marks it completed: the webhook's hydration reads the shipments as a live read does.
    await deliverEvents(store.setOrderStatus(shipped.id, 10, shipped.modifiedAt + 60_000).events)
    await flushAll()
    const latest = store.shipments.get(shipped.id)!.filter((s) => s.tracking_number).at(-1)!
    expect(record().properties.hs_shipping_tracking_number).toBe(latest.tracking_number)
    // Shipments from before the import are history: no shipped trigger for them.
    expect(await firedDecisions()).toBe(0)
  })

  it('imports only what changed since the given date', async () => {
    const since = new Date(NOW - 120 * 86_400_000)
    await startBackfill(cronEnv, since.toISOString())
    await runToEnd()
    await flushAll()
    const recent = [...bigcommerce.store.orders.values()].filter(
      (o) => !o.is_deleted && o.status_id !== 0 && Math.floor(o.modifiedAt / 1000) * 1000 >= since.getTime(),
    )
    const old = [...bigcommerce.store.orders.values()].filter((o) => o.modifiedAt < since.getTime() - 1000)
    expect(recent.length).toBeGreaterThan(0)
    expect(old.length).toBeGreaterThan(0)
    const synced = new Set(hubspot.portal.records('orders').map((r) => r.properties.bc_order_id))
    expect(synced).toEqual(new Set(recent.map((o) => String(o.id))))
    expect((await backfillStatus(env)).since).toBe(since.toISOString())
  })
})

describe('one backfill at a time', () => {
  it('returns the running job for a second start', async () => {
    const first = await startBackfill(cronEnv)
    const second = await startBackfill(cronEnv, '2020-01-01T00:00:00Z')
    expect(second.id).toBe(first.id)
    const { results } = await env.DB.prepare('SELECT id FROM backfill_jobs').all()
    expect(results).toHaveLength(1)
  })

  it('starts a new job once the last one is done', async () => {
    bigcommerce.store.orders.clear()
    const first = await startBackfill(cronEnv)
    await runToEnd()
    const second = await startBackfill(cronEnv)
    expect(second.id).not.toBe(first.id)
    expect(await backfillStatus(env)).toMatchObject({ state: 'running', id: second.id })
  })

  it('lets only one run work on the job at a time', async () => {
    await startBackfill(cronEnv)
    const [a, b] = await Promise.all([runBackfill(env, { maxChunks: 1 }), runBackfill(env, { maxChunks: 1 })])
    expect([a.ran, b.ran].sort()).toEqual([false, true])
    expect([a, b].find((o) => !o.ran)).toMatchObject({ reason: 'leased' })
  })

  it('takes over from a run that died holding the job, once its lease has lapsed', async () => {
    const { id } = await startBackfill(cronEnv)
    // A run that took the job and was killed before its first checkpoint.
    expect(await acquireLease(env.DB, id, 'dead-run', Date.now(), Date.now() + 60_000)).toBe(true)
    expect(await runBackfill(env)).toMatchObject({ ran: false, reason: 'leased' })
    const later = () => new Date(Date.now() + 61_000)
    expect(await runBackfill(env, { now: later, maxChunks: 1 })).toMatchObject({ ran: true, jobId: id, chunks: 1 })
  })

  it('rejects a since that is not a date', async () => {
    await expect(startBackfill(cronEnv, 'last tuesday')).rejects.toThrow(/since/)
  })

  it('reports idle before any backfill', async () => {
    expect(await backfillStatus(env)).toMatchObject({ state: 'idle', id: null, done: 0, total: 0, etaSeconds: null })
  })
})

describe('resuming after an interruption', () => {
  it('continues from the last checkpoint, chunk by chunk, and ends with one record per key', async () => {
    const { id } = await startBackfill(cronEnv)
    // The customers' page listed and staged, then applied.
    const first = await runBackfill(env, { maxChunks: 2 })
    expect(first).toMatchObject({ ran: true, state: 'running', chunks: 2 })
    let status = await backfillStatus(env)
    expect(status.done).toBeGreaterThan(0)
    expect(status.done).toBeLessThan(status.total)

    // Stop after every checkpoint: one run per listed page or applied chunk, each picking up where the last stopped.
    const outcomes = await runToEnd({ maxChunks: 1 })
    const listed = [...bigcommerce.store.orders.values()].filter((o) => !o.is_deleted).length
    // subscribers and products (a page, then its chunk), then the orders' page and its orders 25 at a time.
    expect(outcomes).toHaveLength(5 + Math.ceil(listed / 25))
    expect(outcomes.every((o) => o.ran && o.chunks === 1)).toBe(true)
    await flushAll()
    expectHubSpotMatchesStore(bigcommerce, hubspot)
    status = await backfillStatus(env)
    expect(status).toMatchObject({ state: 'done', id })
    expect(status.done).toBe(status.total)
    expect(await firedDecisions()).toBe(0)
  })

  it('replays the chunk a failing run left half-applied, without duplicates', async () => {
    await startBackfill(cronEnv)
    // Through customers, subscribers and products, into the orders.
    while ((await backfillStatus(env)).phase !== 'orders') await runBackfill(env, { maxChunks: 1 })
    // An order of the first chunk (25 by id) that needs a call of its own: its coupons.
    const byId = [...bigcommerce.store.orders.values()].filter((o) => !o.is_deleted).sort((a, b) => a.id - b.id)
    const victim = byId.slice(0, 25).find((o) => o.status_id !== 0 && Number(o.coupon_discount) !== 0)!
    bigcommerce.faults.fail({ method: 'GET', path: `/v2/orders/${victim.id}/coupons` }, { status: 500 }, 1000)

    const failed = await runBackfill(env, { sleep: async () => {} })
    expect(failed).toMatchObject({ ran: true, state: 'running', error: expect.stringMatching(/500/) })
    const stuck = await backfillStatus(env)
    expect(stuck.lastError).toMatch(/500/)
    expect(stuck.phases.orders.done).toBe(0)

    bigcommerce.faults.clear()
    expect((await runToEnd()).at(-1)).toMatchObject({ state: 'done' })
    await flushAll()
    expectHubSpotMatchesStore(bigcommerce, hubspot)
    const status = await backfillStatus(env)
    expect(status.lastError).toBeNull()
    expect(status.phases.orders.done).toBe([...bigcommerce.store.orders.values()].filter((o) => !o.is_deleted).length)
  })

  it('pauses BigCommerce when it refuses the token: the job waits (running, not failed) and goes on after the resume', async () => {
    await startBackfill(cronEnv)
    bigcommerce.faults.fail({ path: /\/v3\/customers$/ }, { status: 401, body: { status: 401, title: 'Unauthorized' } }, 1)
    const outcome = await runBackfill(env)
    expect(outcome).toMatchObject({ ran: true, state: 'running' })
    const waiting = await backfillStatus(env)
    expect(waiting).toMatchObject({ state: 'running', lastError: expect.stringMatching(/401/) })
    expect((await readApiPauses(env.DB)).bigcommerce).toMatchObject({ paused: true, cause: 'auth', status: 401, probePath: '/v3/customers' })

    // While paused, runs do nothing and call nothing.
    const calls = bigcommerce.requests.length
    expect(await runBackfill(env)).toEqual({ ran: false, reason: 'paused' })
    expect(bigcommerce.requests.length).toBe(calls)

    const resumed = await adminCall('POST', '/admin/api/pauses/bigcommerce/resume', { role: 'operator' })
    expect(resumed.status).toBe(200)
    expect(await runBackfill(env, { maxChunks: 2 })).toMatchObject({ ran: true, state: 'running', jobId: waiting.id, chunks: 2 })
    expect(await backfillStatus(env)).toMatchObject({ state: 'running', lastError: null, phase: 'subscribers' })
  })
})

describe('webhooks during the backfill', () => {
  it('keeps the newest state when a live update lands between the backfill listing an order and applying it', async () => {
    // A customer's order awaiting fulfillment, the newest: the seeded history need not hold one.
    const buyer = [...bigcommerce.store.customers.values()][0]!
    const target = bigcommerce.store.createOrder({ customerId: buyer.id, statusId: 11, at: NOW - 2 * 86_400_000 }).value
    const standinFetch = bigcommerce.fetch
    let raced = false
    // The backfill lists the order, with its line items, in its old state; the merchant ships it now and
    // the webhooks are processed before the backfill applies its snapshot.
    serveHost('bigcommerce.standin', async (request) => {
      const listed = await standinFetch(request)
      if (raced || !new URL(request.url).pathname.endsWith('/v2/orders') || listed.status !== 200) return listed
      const page = (await listed.json()) as { id: number }[]
      if (page.some((o) => o.id === target.id)) {
        raced = true
        const at = target.modifiedAt + 60_000
        const shipped = bigcommerce.store.addShipment(target.id, undefined, { at })
        await deliverEvents(shipped.events)
      }
      return Response.json(page, { headers: listed.headers })
    })

    await startBackfill(cronEnv)
    await runToEnd()
    await flushAll()
    expect(raced).toBe(true)

    const order = hubspot.portal.records('orders').filter((r) => r.properties.bc_order_id === String(target.id))
    expect(order).toHaveLength(1)
    expect(order[0]!.properties).toMatchObject({ bc_status: 'shipped', hs_fulfillment_status: 'shipped' })
    const state = await contactObject(env, target.billing_address.email.toLowerCase()).snapshot()
    expect(state?.orders[String(target.id)]?.statusId).toBe(2)
    expectHubSpotMatchesStore(bigcommerce, hubspot)
    // The live shipment is news after the import: it fires; the imported history does not.
    const fired = await env.DB.prepare("SELECT trigger FROM trigger_decisions WHERE decision = 'fired'").all<{ trigger: string }>()
    expect(fired.results.map((r) => r.trigger)).not.toContain('order_placed')
  })

  it('brings an order updated by webhook before the backfill reaches it to its newest state, once', async () => {
    const buyer = [...bigcommerce.store.customers.values()][0]!
    const lateId = bigcommerce.store.createOrder({ customerId: buyer.id, statusId: 11, at: NOW - 86_400_000 }).value.id
    await startBackfill(cronEnv)
    while ((await backfillStatus(env)).phase !== 'orders') await runBackfill(env, { maxChunks: 1 })
    await runBackfill(env, { maxChunks: 1 })
    // Placed before the backfill started, the newest order: the backfill reaches it last.
    const late = bigcommerce.store.orders.get(lateId)!
    const cancelled = bigcommerce.store.setOrderStatus(late.id, 5, late.modifiedAt + 120_000)
    await deliverEvents(cancelled.events)

    await runToEnd()
    await flushAll()
    const records = hubspot.portal.records('orders').filter((r) => r.properties.bc_order_id === String(late.id))
    expect(records).toHaveLength(1)
    expect(records[0]!.properties).toMatchObject({ bc_status: 'cancelled', bc_net_revenue: '0' })
    expectHubSpotMatchesStore(bigcommerce, hubspot)
  })
})

/** A refunded, shipped history sets properties but enrolls nobody. */
async function expectHistoryWithoutTriggers() {
  const refunded = [...bigcommerce.store.orders.values()].find((o) => (bigcommerce.store.orderRefunds.get(o.id) ?? []).length > 0)
  expect(refunded).toBeDefined()
  const email = refunded!.billing_address.email.toLowerCase()
  const contact = hubspot.portal.records('contacts').find((r) => r.properties.email === email)
  expect(Number(contact?.properties.bc_refunded_total)).toBeGreaterThan(0)
  for (const trigger of ['bc_order_placed_at', 'bc_order_refunded_at', 'bc_order_shipped_at', 'bc_winback_due_at']) {
    expect(contact?.properties[trigger] ?? '').toBe('')
  }
  const state = await contactObject(env, email).snapshot()
  expect(state?.orders[String(refunded!.id)]?.refunds.length).toBeGreaterThan(0)
}

/** Pages of 250 with their line items, batched refunds, no needless per-order calls. */
function expectEconomicalCalls() {
  const orders = [...bigcommerce.store.orders.values()].filter((o) => !o.is_deleted && o.status_id !== 0)
  const lists = bigcommerce.requests.filter((r) => /\/v2\/orders$|\/v3\/customers$|\/v3\/catalog\/products$/.test(r.path))
  // Every list call is a page of 250: v3 collections are counted from their first page, not a one-record page.
  for (const list of lists) expect(list.query).toContain('limit=250')
  for (const list of requests(/\/v2\/orders$/)) {
    expect(new URLSearchParams(list.query).get('include')).toBe('consignments.line_items')
    expect(new URLSearchParams(list.query).get('consignment_structure')).toBe('object')
  }
  expect(requests(/\/v3\/orders\/\d+\/payment_actions\/refunds$/)).toHaveLength(0)
  expect(requests(/\/v3\/orders\/payment_actions\/refunds$/).length).toBeGreaterThan(0)
  expect(requests(/\/v2\/orders\/\d+\/products$/)).toHaveLength(0)
  // History reads no shipments (no trigger needs them, and old parcels' tracking is not worth a call each),
  // but an order still in transit is read with them: one call each.
  const shipmentReads = requests(/\/v2\/orders\/\d+\/shipments$/).map((r) => Number(r.path.split('/').at(-2)))
  expect(shipmentReads.sort((a, b) => a - b)).toEqual(orders.filter((o) => inTransit(o)).map((o) => o.id).sort((a, b) => a - b))
  const withCoupons = orders.filter((o) => Number(o.coupon_discount) !== 0)
  expect(requests(/\/v2\/orders\/\d+\/coupons$/)).toHaveLength(withCoupons.length)
  // Categories and brands come from list calls; products are never fetched one by one.
  expect(requests(/\/v3\/catalog\/products\/\d+$/)).toHaveLength(0)
  expect(requests(/\/v3\/catalog\/categories\/\d+$/)).toHaveLength(0)
  expect(requests(/\/v2\/orders\/\d+$/)).toHaveLength(0)
}
