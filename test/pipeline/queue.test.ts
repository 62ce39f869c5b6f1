import { createExecutionContext } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it } from 'vitest'
import worker from '../../src/index'
import { deliver } from '../../standins/bigcommerce'
import { claimEvents, markEventFailed, MAX_ATTEMPTS, PROCESSING_LEASE_MS, readEvents, renewLeases } from '../../src/db/webhook-inbox'
import { Invocation } from '../../src/invocation/invocation'
import { processEvents } from '../../src/pipeline/process-event'
import { sweepDueEvents } from '../../src/pipeline/sweep'
import { adminCall } from '../support/admin'
import { CapturingQueue, consumeBatch, WEBHOOK_QUEUE } from '../support/queue'
import { contactObject } from '../../src/durable/stubs'
import { deliverEvents, deliverQueued, fetchWorker, flushHubSpot, freshWorld, SECRETS, wakeContact, WEBHOOK_URL, type useStandins } from '../support/worker'

/**
 * Webhook processing on the queue: the route records and queues; the consumer batches, fetches each resource
 * once per batch, paces retries to what BigCommerce asks, and hands what keeps failing to the dead letters.
 */
type Standins = ReturnType<typeof useStandins>
let bigcommerce: Standins['bigcommerce']
let hubspot: Standins['hubspot']

beforeEach(async () => {
  ;({ bigcommerce, hubspot } = await freshWorld())
})

const orderCalls = (orderId: number) => bigcommerce.requests.filter((r) => r.path === `/stores/teststore/v2/orders/${orderId}`)

async function statuses() {
  const { results } = await env.DB.prepare('SELECT status, count(*) AS n FROM webhook_events GROUP BY status').all<{ status: string; n: number }>()
  return Object.fromEntries(results.map((r) => [r.status, r.n]))
}

describe('webhook queue', () => {
  it('queues each new delivery once and makes one order call for five events about one order in a batch', async () => {
    const created = bigcommerce.store.createOrder({ email: 'burst@example.com', statusId: 11 })
    const id = created.value.id
    const events = [
      ...created.events,
      ...bigcommerce.store.setOrderStatus(id, 9).events,
      ...bigcommerce.store.updateOrder(id, { staff_notes: 'gift wrap' }).events,
      ...bigcommerce.store.setOrderStatus(id, 11).events,
    ].filter((e) => e.scope.startsWith('store/order/'))
    expect(events.length).toBeGreaterThanOrEqual(5)
    const { messages, workerEnv } = await deliverQueued(events)
    expect(messages).toHaveLength(events.length)
    expect(orderCalls(id)).toHaveLength(0) // nothing fetched before the consumer runs

    const result = await consumeBatch(messages, workerEnv)
    expect(result.explicitAcks).toHaveLength(messages.length)
    expect(orderCalls(id)).toHaveLength(1)
    expect(await statuses()).toEqual({ done: events.length })
    await flushHubSpot()
    expect(hubspot.portal.findByProperty('orders', 'bc_order_id', String(id))?.properties.bc_status).toBe('awaiting_fulfillment')

    // At-least-once: the same batch delivered again costs nothing.
    const again = await consumeBatch(messages, workerEnv)
    expect(again.explicitAcks).toHaveLength(messages.length)
    expect(orderCalls(id)).toHaveLength(1)
  })

  describe('a cart BigCommerce deleted without an order', () => {
    const email = 'vanishing@example.com'
    const cartStatus = async (cartId: string) => {
      await flushHubSpot()
      return hubspot.portal.findByProperty('carts', 'bc_cart_id', cartId)?.properties.hs_external_status
    }
    async function openCart() {
      const { value: cart, events } = bigcommerce.store.createCart({ email, lines: [{ productId: 1, quantity: 1 }] })
      await deliverEvents(events)
      expect(await cartStatus(cart.id)).toBe('open')
      return cart
    }

    it('is emptied when its last item is removed and it is deleted within one queue batch', async () => {
      const cart = await openCart()
      const { events } = bigcommerce.store.updateCart(cart.id, { lines: [] })
      expect(events.map((e) => e.scope)).toEqual(['store/cart/lineItem/deleted', 'store/cart/deleted', 'store/cart/updated'])
      const { messages, workerEnv } = await deliverQueued(events)
      const result = await consumeBatch(messages, workerEnv)
      expect(result.explicitAcks).toHaveLength(events.length)
      expect(await cartStatus(cart.id)).toBe('emptied')
      // Gone is gone: the quiet period ends without an abandoned cart.
      await wakeContact(email, Date.now() + 46 * 60_000)
      expect(await cartStatus(cart.id)).toBe('emptied')
      const handled = Object.keys((await contactObject(env, email).snapshot())!.automation.handled)
      expect(handled.filter((key) => key.startsWith('cart_abandoned'))).toEqual([])
    })

    it('is emptied whatever order its events are processed in, one batch each', async () => {
      const cart = await openCart()
      const { events } = bigcommerce.store.updateCart(cart.id, { lines: [] })
      await deliverEvents([...events].reverse())
      expect(await cartStatus(cart.id)).toBe('emptied')
      await deliverEvents(events)
      expect(await cartStatus(cart.id)).toBe('emptied')
    })

    it('is converted, not emptied, when the order it became arrives after its deletion', async () => {
      const cart = await openCart()
      const { value, events } = bigcommerce.store.convertCart(cart.id)
      await deliverEvents([{ scope: 'store/cart/deleted', data: { type: 'cart', id: cart.id } }])
      expect(await cartStatus(cart.id)).toBe('emptied')
      await deliverEvents(events)
      expect(await cartStatus(cart.id)).toBe('converted')
      expect(value.order.cart_id).toBe(cart.id)
    })
  })

  it("retries a message when BigCommerce's quota resets, honouring X-Rate-Limit-Time-Reset-Ms", async () => {
    const created = bigcommerce.store.createOrder({ email: 'throttled@example.com' })
    const { messages, workerEnv } = await deliverQueued(created.events.filter((e) => e.scope === 'store/order/created'))
    bigcommerce.faults.fail(
      { method: 'GET', path: `/stores/teststore/v2/orders/${created.value.id}` },
      {
        status: 429,
        headers: { 'X-Rate-Limit-Time-Reset-Ms': '95000', 'X-Rate-Limit-Requests-Left': '0', 'X-Rate-Limit-Requests-Quota': '150', 'X-Rate-Limit-Time-Window-Ms': '30000' },
      },
      Infinity,
    )
    const result = await consumeBatch(messages, workerEnv)
    expect(result.retryMessages).toHaveLength(1)
    expect(result.delays.get(messages[0]!.id)).toBeGreaterThanOrEqual(95)
    expect(result.delays.get(messages[0]!.id)).toBeLessThanOrEqual(96)
    expect(await statuses()).toEqual({ pending: 1 })
  })

  it('the dead-letter consumer leaves an event with attempts left to the sweep, and dead-letters one whose attempts are spent', async () => {
    const created = bigcommerce.store.createOrder({ email: 'given-up@example.com' })
    const { messages, workerEnv } = await deliverQueued(created.events.filter((e) => e.scope === 'store/order/created'))
    bigcommerce.faults.fail({ method: 'GET', path: `/stores/teststore/v2/orders/${created.value.id}` }, { status: 500 }, Infinity)
    const first = await consumeBatch(messages, workerEnv)
    expect(first.retryMessages).toHaveLength(1)
    // The queue gave up on the message (max_retries), but the event has attempts left: the inbox keeps it.
    const early = await consumeBatch(messages, workerEnv, { queue: `${WEBHOOK_QUEUE}-dlq`, attempts: 11 })
    expect(early.explicitAcks).toHaveLength(1)
    expect(await statuses()).toEqual({ pending: 1 })
    expect(await env.DB.prepare('SELECT count(*) AS n FROM dead_letters').first('n')).toBe(0)

    // Its attempts spent and no attempt holding it, the same message is dead-lettered.
    await env.DB.prepare('UPDATE webhook_events SET attempts = ?, next_attempt_at = ?').bind(MAX_ATTEMPTS, Date.now() - 1).run()
    const late = await consumeBatch(messages, workerEnv, { queue: `${WEBHOOK_QUEUE}-dlq`, attempts: 11 })
    expect(late.explicitAcks).toHaveLength(1)
    expect(await statuses()).toEqual({ dead: 1 })
    const letters = (await (await adminCall('GET', '/admin/api/dead-letters', { role: 'viewer' })).json()) as {
      deadLetters: { id: number; source: string; error: string }[]
    }
    const letter = letters.deadLetters.find((d) => d.source === 'webhook')!
    expect(letter.error).toContain('the webhook queue gave up')

    bigcommerce.faults.clear()
    const replay = await adminCall('POST', `/admin/api/dead-letters/${letter.id}/replay`, { role: 'operator' })
    expect(replay.status).toBe(200)
    expect(await replay.json()).toMatchObject({ result: 'processed' })
    await flushHubSpot()
    expect(hubspot.portal.findByProperty('orders', 'bc_order_id', String(created.value.id))).toBeDefined()
  })

  it('the dead-letter consumer never dead-letters an event an attempt holds, even with its last attempt running', async () => {
    const created = bigcommerce.store.createOrder({ email: 'held@example.com' })
    const { messages, workerEnv } = await deliverQueued(created.events.filter((e) => e.scope === 'store/order/created'))
    // The sweep claimed its last attempt a moment ago: leased for two minutes.
    await env.DB.prepare('UPDATE webhook_events SET attempts = ?, started_at = ?, next_attempt_at = ?')
      .bind(MAX_ATTEMPTS, Date.now(), Date.now() + PROCESSING_LEASE_MS)
      .run()
    const result = await consumeBatch(messages, workerEnv, { queue: `${WEBHOOK_QUEUE}-dlq`, attempts: 11 })
    expect(result.explicitAcks).toHaveLength(1)
    expect(await statuses()).toEqual({ pending: 1 })
    expect(await env.DB.prepare('SELECT count(*) AS n FROM dead_letters').first('n')).toBe(0)
  })

  it("acknowledges a message whose event the sweep holds (the inbox owns retries), and the sweep finishes it", async () => {
    const created = bigcommerce.store.createOrder({ email: 'leased@example.com' })
    const { messages, workerEnv } = await deliverQueued(created.events.filter((e) => e.scope === 'store/order/created'))
    // Another attempt holds the event (as a sweep that claimed it would).
    await env.DB.prepare('UPDATE webhook_events SET attempts = 1, next_attempt_at = ?').bind(Date.now() + 60_000).run()
    const result = await consumeBatch(messages, workerEnv)
    expect(orderCalls(created.value.id)).toHaveLength(0)
    expect(result.explicitAcks).toHaveLength(1)
    expect(result.retryMessages).toHaveLength(0)
    expect(await env.DB.prepare('SELECT attempts FROM webhook_events').first('attempts')).toBe(1)

    // The lease ends (the holder died): the sweep takes it, no message needed.
    await sweepDueEvents(env, new Date(Date.now() + 61_000))
    expect(await statuses()).toEqual({ done: 1 })
    expect(orderCalls(created.value.id)).toHaveLength(1)
  })

  it('processes one resource in one attempt at a time: an event whose order another attempt holds comes back in seconds, no attempt spent', async () => {
    const created = bigcommerce.store.createOrder({ email: 'one-at-a-time@example.com', statusId: 11 })
    const orderId = created.value.id
    const first = await deliverQueued(created.events.filter((e) => e.scope === 'store/order/created'))
    // Another invocation (a concurrent batch, the sweep) is processing the order's first event.
    const [held] = await claimEvents(env.DB, [first.messages[0]!.id], Date.now())
    expect(held).toBeDefined()
    const shipped = await deliverQueued(bigcommerce.store.setOrderStatus(orderId, 2).events)
    const waiting = await consumeBatch(shipped.messages, shipped.workerEnv)
    expect(waiting.explicitAcks).toHaveLength(0)
    expect(waiting.retryMessages).toHaveLength(shipped.messages.length)
    expect(new Set(waiting.delays.values())).toEqual(new Set([3]))
    expect(orderCalls(orderId)).toHaveLength(0)
    for (const message of shipped.messages) {
      expect(await env.DB.prepare('SELECT attempts FROM webhook_events WHERE id = ?').bind(message.id).first('attempts')).toBe(0)
    }

    // That attempt failed and waits for its retry: it holds the order no more, and the next delivery reads it.
    await markEventFailed(env.DB, held!, { error: 'BigCommerce 500' }, Date.now())
    const next = await consumeBatch(shipped.messages, shipped.workerEnv)
    expect(next.explicitAcks).toHaveLength(shipped.messages.length)
    expect(orderCalls(orderId)).toHaveLength(1)
    await flushHubSpot()
    expect(hubspot.portal.findByProperty('orders', 'bc_order_id', String(orderId))?.properties.bc_status).toBe('shipped')
  })

  it('reads again an order changed after the last read, even when an event in between was settled as superseded', async () => {
    const created = bigcommerce.store.createOrder({ email: 'chain@example.com', statusId: 11 })
    const orderId = created.value.id
    const placed = await deliverQueued(created.events.filter((e) => e.scope === 'store/order/created'))
    const awaiting = await deliverQueued(bigcommerce.store.setOrderStatus(orderId, 9).events.slice(0, 1))
    const inbox = (ids: string[], receivedAt: number) =>
      env.DB.prepare(`UPDATE webhook_events SET received_at = ?1 WHERE id IN (${ids.map(() => '?').join(',')})`).bind(receivedAt, ...ids).run()
    const process = async (ids: string[], at: number) => processEvents(new Invocation(env), await readEvents(env.DB, ids), at)
    const ids = (delivered: { messages: { id: string }[] }) => delivered.messages.map((m) => m.id)
    await inbox(ids(placed), 1_000)
    await inbox(ids(awaiting), 2_000)
    // The created event is processed late (a backlog): its read at 3,000 already sees the status change.
    await process(ids(placed), 3_000)
    expect(orderCalls(orderId)).toHaveLength(1)
    // Then the order ships; the status change's own event comes later still and is settled by that read.
    const shipped = await deliverQueued(bigcommerce.store.addShipment(orderId).events)
    await inbox(ids(shipped), 5_000)
    await process(ids(awaiting), 6_000)
    expect(orderCalls(orderId)).toHaveLength(1)
    // The shipment's events came after the last read (3,000): they are read again, not taken as superseded.
    await process(ids(shipped), 7_000)
    expect(orderCalls(orderId)).toHaveLength(2)
    await flushHubSpot()
    expect(hubspot.portal.findByProperty('orders', 'bc_order_id', String(orderId))?.properties.bc_status).toBe('shipped')
  })

  it('an attempt that died with its process holds its events half a minute at most; a running one renews its lease', async () => {
    const created = bigcommerce.store.createOrder({ email: 'crashed@example.com' })
    const { messages } = await deliverQueued(created.events.filter((e) => e.scope === 'store/order/created'))
    const claimedAt = Date.now()
    const [claimed] = await claimEvents(env.DB, [messages[0]!.id], claimedAt)
    expect(claimed!.nextAttemptAt).toBe(claimedAt + PROCESSING_LEASE_MS)
    // Renewed by the attempt that holds it (and only by that one).
    await renewLeases(env.DB, [claimed!.id], claimedAt, claimedAt + 20_000)
    await renewLeases(env.DB, [claimed!.id], claimedAt - 1, claimedAt + 90_000)
    expect(await env.DB.prepare('SELECT next_attempt_at FROM webhook_events').first('next_attempt_at')).toBe(claimedAt + 20_000 + PROCESSING_LEASE_MS)

    // The process died: no renewal. Half a minute after the last one, the sweep finishes it.
    expect(await sweepDueEvents(env, new Date(claimedAt + 20_000 + PROCESSING_LEASE_MS - 1_000))).toMatchObject({ taken: 0 })
    await sweepDueEvents(env, new Date(claimedAt + 20_000 + PROCESSING_LEASE_MS))
    expect(await statuses()).toEqual({ done: 1 })
    expect(await env.DB.prepare('SELECT attempts FROM webhook_events').first('attempts')).toBe(2)
  })

  it('with WEBHOOK_PROCESSING=inline processes in the request instead (no queue); an unknown mode is a 503', async () => {
    const created = bigcommerce.store.createOrder({ email: 'inline@example.com' })
    const queue = new CapturingQueue()
    const inlineEnv = { ...env, WEBHOOK_QUEUE: queue, WEBHOOK_PROCESSING: 'inline' }
    const event = created.events.find((e) => e.scope === 'store/order/created')!
    const response = await deliver(
      (request) => fetchWorker(request, inlineEnv),
      WEBHOOK_URL,
      event,
      { storeHash: 'teststore', ...SECRETS },
    )
    expect(response.status).toBe(200)
    expect(queue.take()).toEqual([])
    expect(await statuses()).toEqual({ done: 1 })

    const invalid = await worker.fetch(new Request('https://worker.example.com/admin/api/status'), { ...env, WEBHOOK_PROCESSING: 'cron' }, createExecutionContext())
    expect(invalid.status).toBe(503)
    expect(await invalid.json()).toMatchObject({ error: 'invalid_configuration', variable: 'WEBHOOK_PROCESSING' })
  })
})
