/**
 * A steady stream of live store activity for benchmarks: new orders, order status changes and shipments,
 * carts, customer updates, delivered as signed webhooks to the hooks setup registered (the stand-in's
 * `dispatch`), at a fixed number of deliveries per second. Remembers when each new order's
 * `store/order/created` was delivered, so a benchmark can measure how long it took to reach HubSpot.
 */
import type { BigCommerceStandin, StoreEvent } from '../../standins/bigcommerce'
import { createRandom } from '../../standins/shared/prng'

export interface LiveLoadOptions {
  standin: BigCommerceStandin
  clientSecret: string
  /** Webhook deliveries per second. */
  rate: number
  seed?: number
}

export class LiveLoad {
  /** Order id → when its `store/order/created` delivery started (epoch ms). */
  readonly orderCreatedAt = new Map<number, number>()
  delivered = 0
  refused = 0
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
    for (let n = 0; n < total; n++) {
      const due = start + (n * 1000) / this.options.rate
      const wait = due - Date.now()
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
      const delivery = this.deliverNext().finally(() => this.inFlight.delete(delivery))
      this.inFlight.add(delivery)
    }
    await Promise.all(this.inFlight)
  }

  private async deliverNext(): Promise<void> {
    // Some changes send nothing (a status set to what it was): draw until one does.
    while (!this.backlog.length) this.backlog.push(...this.nextChange())
    const event = this.backlog.shift()!
    const orderId = event.scope === 'store/order/created' ? Number(event.data.id) : null
    if (orderId !== null) this.orderCreatedAt.set(orderId, Date.now())
    const results = await this.options.standin.dispatch([event], { clientSecret: this.options.clientSecret })
    this.delivered++
    if (results.some((r) => r.status !== 200)) this.refused++
  }

  /** One store change, weighted like a busy store's webhook mix: half are new orders. */
  private nextChange(): StoreEvent[] {
    const { store } = this.options.standin
    const kind = this.random.weighted<'order' | 'status' | 'ship' | 'cart' | 'customer'>([
      ['order', this.recentOrders.length < 20 ? 8 : 5],
      ['status', this.recentOrders.length ? 1 : 0],
      ['ship', this.recentOrders.length ? 2 : 0],
      ['cart', 1],
      ['customer', 1],
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
