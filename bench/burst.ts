/**
 * BigCommerce's shared quota under webhook load (`npm run bench:burst`), through the worker under `wrangler dev`
 * and both stand-ins (BigCommerce 150 ms a call at a Pro plan's 450 requests per 30 s; HubSpot 200 ms a call,
 * 100 per 10 s):
 *   1. a burst: 5,000 webhooks about 1,000 orders (each order created, then updated and re-statused) in a minute,
 *      processed on the webhook queue (WEBHOOK_PROCESSING=queue) against the waitUntil design
 *      (WEBHOOK_PROCESSING=inline) measured in the same run: BigCommerce calls, time to drain the inbox, time
 *      until every order is in HubSpot;
 *   2. a live mix of order, cart, shipment, refund, customer and product events at 10 deliveries a second for a
 *      minute, on the queue: BigCommerce calls per webhook delivery (target ≤ 1.5).
 *
 *   npm run bench:burst                (BURST_ORDERS=1000 BURST_SECONDS=60 MIX_SECONDS=60)
 */
import { stopAll } from '../scripts/demo/processes'
import type { StoreEvent } from '../standins/bigcommerce'
import { LiveLoad } from './support/live-load'
import { startStack } from './support/local-stack'

const ORDERS = Number(process.env.BURST_ORDERS ?? 1000)
const BURST_SECONDS = Number(process.env.BURST_SECONDS ?? 60)
const MIX_SECONDS = Number(process.env.MIX_SECONDS ?? 60)
const DRAIN_LIMIT_MS = 15 * 60_000
const STACK = {
  hubspot: { latencyMs: 200, rateLimit: { max: 100, intervalMs: 10_000 } },
  bigcommerce: { latencyMs: 150, rateLimit: { quota: 450, windowMs: 30_000 }, seed: { customers: 300, orders: 300, seed: 42 } },
}

interface BurstResult {
  design: string
  deliveries: number
  bigcommerceCalls: number
  drainS: number | null
  toHubSpotS: number | null
}

async function burst(design: 'queue' | 'inline'): Promise<BurstResult> {
  const stack = await startStack({ ...STACK, vars: { WEBHOOK_PROCESSING: design } })
  try {
    const { store } = stack.bigcommerce.standin
    const customers = [...store.customers.values()]
    // The store changes first (as a burst of checkouts would), the webhooks about them follow at a steady pace.
    const events: StoreEvent[] = []
    const orderIds: number[] = []
    for (let i = 0; i < ORDERS; i++) {
      const created = store.createOrder({ customerId: customers[i % customers.length]!.id, statusId: 11 })
      orderIds.push(created.value.id)
      events.push(...created.events.filter((e) => e.scope === 'store/order/created'))
    }
    for (let round = 0; events.length < ORDERS * 5; round++) {
      for (const id of orderIds) {
        if (events.length >= ORDERS * 5) break
        const change = round % 2 === 0 ? store.setOrderStatus(id, round % 4 === 0 ? 9 : 11) : store.updateOrder(id, { staff_notes: `note ${round}` })
        events.push(...change.events.filter((e) => e.scope === 'store/order/updated'))
      }
    }
    const callsBefore = stack.bigcommerce.standin.requests.length
    const started = Date.now()
    const pace = (BURST_SECONDS * 1000) / events.length
    const inFlight: Promise<unknown>[] = []
    for (const [n, event] of events.entries()) {
      const wait = started + n * pace - Date.now()
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
      inFlight.push(stack.bigcommerce.standin.dispatch([event], { clientSecret: stack.clientSecret }))
    }
    await Promise.all(inFlight)
    stack.cron.start()
    let drainS: number | null = null
    let toHubSpotS: number | null = null
    while (Date.now() - started < DRAIN_LIMIT_MS && (drainS === null || toHubSpotS === null)) {
      await new Promise((resolve) => setTimeout(resolve, 1_000))
      if (drainS === null && (await pendingDeliveries(stack)) === 0) drainS = (Date.now() - started) / 1000
      if (toHubSpotS === null && orderIds.every((id) => stack.hubspot.standin.portal.findByProperty('orders', 'bc_order_id', String(id)))) {
        toHubSpotS = (Date.now() - started) / 1000
      }
    }
    return { design, deliveries: events.length, bigcommerceCalls: stack.bigcommerce.standin.requests.length - callsBefore, drainS, toHubSpotS }
  } finally {
    await stack.stop()
  }
}

async function liveMix(): Promise<{ deliveries: number; calls: number }> {
  const stack = await startStack(STACK)
  try {
    stack.cron.start()
    const before = stack.bigcommerce.standin.requests.length
    const load = new LiveLoad({ standin: stack.bigcommerce.standin, clientSecret: stack.clientSecret, rate: 10 })
    await load.run(MIX_SECONDS)
    // Let the last batches finish before counting.
    const deadline = Date.now() + 120_000
    while (Date.now() < deadline && (await pendingDeliveries(stack)) !== 0) {
      await new Promise((resolve) => setTimeout(resolve, 1_000))
    }
    return { deliveries: load.delivered, calls: stack.bigcommerce.standin.requests.length - before }
  } finally {
    await stack.stop()
  }
}

/** Deliveries still waiting in the inbox; null when the worker, busy with the burst, does not answer in time. */
async function pendingDeliveries(stack: Awaited<ReturnType<typeof startStack>>): Promise<number | null> {
  try {
    const status = await stack.api.admin('GET', '/status')
    return status.body?.queue?.webhookEvents?.pending ?? null
  } catch {
    return null
  }
}

const s = (value: number | null) => (value === null ? `not within ${DRAIN_LIMIT_MS / 60_000} min` : `${value.toFixed(0)} s`)

async function main() {
  // Each figure is printed as soon as it is measured.
  const mix = await liveMix()
  const perDelivery = mix.calls / mix.deliveries
  console.log(`\nLive mix (orders, carts, shipments, refunds, customers, products; 10 deliveries/s for ${MIX_SECONDS} s, on the queue):`)
  console.log(`BigCommerce calls per webhook delivery: ${perDelivery.toFixed(2)} (${mix.calls} calls, ${mix.deliveries} deliveries; target ≤ 1.5: ${perDelivery <= 1.5 ? 'met' : 'NOT met'})`)
  if (perDelivery > 1.5) process.exitCode = 1

  console.log(`\nBurst: ${(ORDERS * 5).toLocaleString('en-US')} webhooks about ${ORDERS.toLocaleString('en-US')} orders in ${BURST_SECONDS} s (BigCommerce 450 requests / 30 s, 150 ms a call; HubSpot 100 / 10 s, 200 ms)\n`)
  console.log('| design | BigCommerce calls | calls per delivery | inbox drained | every order in HubSpot |')
  console.log('|---|---|---|---|---|')
  for (const design of ['queue', 'inline'] as const) {
    const r = await burst(design)
    console.log(`| ${r.design === 'queue' ? 'Cloudflare Queue (batches, one fetch per resource)' : 'waitUntil after each ack (the old design)'} | ${r.bigcommerceCalls.toLocaleString('en-US')} | ${(r.bigcommerceCalls / r.deliveries).toFixed(2)} | ${s(r.drainS)} | ${s(r.toHubSpotS)} |`)
    if (design === 'queue' && r.toHubSpotS === null) process.exitCode = 1
  }
}

try {
  await main()
} finally {
  await stopAll()
}
