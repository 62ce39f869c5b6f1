/**
 * A steady stream of live store activity for benchmarks: new orders, order status changes and shipments,
 * carts, customer updates, delivered as signed webhooks to the hooks setup registered (the stand-in's
 * `dispatch`), at a fixed number of deliveries per second. Remembers when each new order's
 * `store/order/created` was delivered, so a benchmark can measure how long it took to reach HubSpot.
 */
import { StoreError, type BigCommerceStandin, type StoreEvent } from '../../standins/bigcommerce'
import { createRandom } from '../../standins/shared/prng'

export interface LiveLoadOptions {
  standin: BigCommerceStandin
  clientSecret: string
  /** Webhook deliveries per second. */
  rate: number
  seed?: number
  /**
   * Deliver again what the worker did not accept (no answer, or a 5xx), after these waits, as BigCommerce
   * does (60 s, 180 s, 300 s, ...); without it a failed delivery is only counted as refused.
   */
  redeliverAfterMs?: readonly number[]
}

export class LiveLoad {
  /** Order id → when its `store/order/created` delivery started (epoch ms). */
  readonly orderCreatedAt = new Map<number, number>()
  delivered = 0
  refused = 0
  /** Deliveries sent again because wrangler's local dev proxy lost its connection to the runtime (see `send`). */
  resentAfterDevProxyError = 0
  /** Deliveries the worker did not accept at first and got again later (`redeliverAfterMs`). */
  redelivered = 0
  /** Deliveries still not accepted after every redelivery. */
  undelivered = 0
  private stopped = false
  private readonly redeliveries = new Set<Promise<void>>()
  private readonly random
  private readonly backlog: StoreEvent[] = []
  private readonly recentOrders: number[] = []
  private readonly openCarts: string[] = []
  private readonly inFlight = new Set<Promise<void>>()

  constructor(private readonly options: LiveLoadOptions) {
    this.random = createRandom(options.seed ?? 9)
  }

  /** Delivers `rate` events a second for `seconds`, each on its own schedule (a slow answer delays nothing else). */
  async run(seconds: number): Promise<void> {
    const start = Date.now()
    const total = Math.round(seconds * this.options.rate)
    for (let n = 0; n < total && !this.stopped; n++) {
      const due = start + (n * 1000) / this.options.rate
      const wait = due - Date.now()
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
      const delivery = this.deliverNext().finally(() => this.inFlight.delete(delivery))
      this.inFlight.add(delivery)
    }
    await Promise.all(this.inFlight)
  }

  /** Ends `run` after the delivery in progress. */
  stop(): void {
    this.stopped = true
  }

  /** Waits for the redeliveries still scheduled. */
  async settle(): Promise<void> {
    while (this.redeliveries.size) await Promise.all(this.redeliveries)
  }

  /** Delivers `events` now, at once (a burst), each redelivered like the rest if refused. */
  async deliverAll(events: StoreEvent[]): Promise<void> {
    for (const event of events) if (event.scope === 'store/order/created') this.orderCreatedAt.set(Number(event.data.id), Date.now())
    await Promise.all(events.map((event) => this.dispatch(event)))
  }

  private async deliverNext(): Promise<void> {
    // Some changes send nothing (a status set to what it was) or are refused (a refund of a refunded order).
    while (!this.backlog.length) {
      try {
        this.backlog.push(...this.nextChange())
      } catch (err) {
        if (!(err instanceof StoreError)) throw err
      }
    }
    const event = this.backlog.shift()!
    const orderId = event.scope === 'store/order/created' ? Number(event.data.id) : null
    if (orderId !== null) this.orderCreatedAt.set(orderId, Date.now())
    await this.dispatch(event)
  }

  private async dispatch(event: StoreEvent, attempt = 0): Promise<void> {
    const statuses = await this.options.standin
      .dispatch([event], { clientSecret: this.options.clientSecret, target: (request) => this.send(request) })
      .then((results) => results.map((r) => r.status), () => ['error' as const])
    if (attempt === 0) this.delivered++
    if (statuses.every((status) => status === 200)) return
    // No answer or a 5xx: BigCommerce tries again later. Any other answer is the worker refusing it.
    const failed = statuses.some((status) => status === 'error' || status >= 500)
    const wait = failed ? this.options.redeliverAfterMs?.[attempt] : undefined
    if (wait === undefined) {
      if (failed && this.options.redeliverAfterMs) this.undelivered++
      else this.refused++
      return
    }
    const again: Promise<void> = new Promise<void>((resolve) => setTimeout(resolve, wait))
      .then(() => {
        this.redelivered++
        return this.dispatch(event, attempt + 1)
      })
      .finally(() => this.redeliveries.delete(again))
    this.redeliveries.add(again)
  }

  /**
   * Under load, wrangler's local dev proxy (in front of the runtime, absent in production) now and then loses
   * its connection to the runtime and answers 503 "Your worker restarted mid-request. Please try sending the
   * request again"; the worker never saw that request. Sent again at once (at most twice), the delivery keeps its
   * first attempt's time, so the resend counts in its latency. Any other answer, the worker's own, stands.
   */
  private async send(request: Request): Promise<Response> {
    for (let attempt = 1; ; attempt++) {
      const response = await fetch(request.clone())
      if (response.status !== 503 || attempt === 3) return response
      if (!(await response.clone().text()).includes('restarted mid-request')) return response
      this.resentAfterDevProxyError++
    }
  }

  /** One store change, weighted like a busy store's webhook mix: about half are new orders. */
  private nextChange(): StoreEvent[] {
    const { store } = this.options.standin
    const kind = this.random.weighted<'order' | 'status' | 'ship' | 'refund' | 'cart' | 'customer' | 'product'>([
      ['order', this.recentOrders.length < 20 ? 8 : 5],
      ['status', this.recentOrders.length ? 1 : 0],
      ['ship', this.recentOrders.length ? 2 : 0],
      ['refund', this.recentOrders.length ? 0.5 : 0],
      ['cart', 1],
      ['customer', 1],
      ['product', 0.3],
    ])
    const customers = [...store.customers.values()]
    switch (kind) {
      case 'order': {
        const customer = this.random.pick(customers)
        const created = store.createOrder({
          customerId: customer.id,
          lines: [{ productId: this.random.pick([...store.products.keys()]), quantity: this.random.int(1, 3) }],
        })
        this.recentOrders.push(created.value.id)
        if (this.recentOrders.length > 200) this.recentOrders.shift()
        return created.events
      }
      case 'status':
        return store.setOrderStatus(this.random.pick(this.recentOrders), 9).events
      case 'ship': {
        const orderId = this.recentOrders.shift()!
        return store.addShipment(orderId).events
      }
      case 'refund':
        return store.addRefund(this.random.pick(this.recentOrders), { amount: 1 }).events
      case 'product': {
        const product = this.random.pick([...store.products.values()])
        return store.updateProduct(product.id, { price: this.random.int(10, 90) }).events
      }
      case 'cart': {
        const cartId = this.openCarts.pop()
        if (cartId && store.carts.has(cartId)) {
          return store.updateCart(cartId, { lines: [{ productId: 1, quantity: this.random.int(1, 4) }] }).events
        }
        const customer = this.random.pick(customers)
        const cart = store.createCart({ customerId: customer.id, lines: [{ productId: 1, quantity: 1 }] })
        this.openCarts.push(cart.value.id)
        return cart.events
      }
      case 'customer': {
        const customer = this.random.pick(customers)
        return store.updateCustomer(customer.id, { phone: `+1555${String(this.random.int(1_000_000, 9_999_999))}` }).events
      }
    }
  }
}
