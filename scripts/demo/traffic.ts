/**
 * Live demo traffic: shoppers arriving from campaigns (beacon hits with UTMs, referrers and click ids),
 * browsing products, filling carts, checking out or abandoning, and the merchant shipping, completing and
 * refunding orders. Store changes happen on the BigCommerce stand-in and reach the worker as signed webhooks
 * through the hooks setup registered (`dispatch`), exactly as BigCommerce would send them. A signed-in
 * shopper's hits carry the storefront's Current Customer token (signed with the app's client secret), a
 * guest is known by the cart whose email checkout gives BigCommerce: hits never state an email or a customer id.
 */
import { createRandom, type Random } from '../../standins/shared/prng'
import { currentCustomerToken, type BigCommerceStandin, type StoreEvent } from '../../standins/bigcommerce'
import type { B2BStandin } from '../../standins/b2b'
import { orderAddress, PLACES, savedAddress, shipmentTo } from '../../standins/bigcommerce/geography'

export interface TrafficOptions {
  standin: BigCommerceStandin
  /** B2B Edition beside the store: now and then a buyer joins a company (its webhooks go through the same hooks). */
  b2b?: B2BStandin
  workerUrl: string
  storefrontOrigin: string
  /** A second storefront (Multi-Storefront): a share of the shoppers arrive on its site and buy there. */
  secondStorefront?: { channelId: number; origin: string }
  clientSecret: string
  /** BIGCOMMERCE_APP_CLIENT_ID: the audience of the Current Customer tokens of signed-in shoppers. */
  appClientId: string
  seed?: number
  log?: (line: string) => void
}

export interface TrafficCounts {
  webhooks: number
  webhooksFailed: number
  beacons: number
  beaconsFailed: number
  orders: number
  abandoned: number
  shipments: number
  refunds: number
  customers: number
  companyUsers: number
}

/** Where shoppers come from: the landing URL's query and the referrer. */
const ARRIVALS: readonly (readonly [{ query: string; referrer?: string }, number])[] = [
  [{ query: 'utm_source=google&utm_medium=cpc&utm_campaign=spring_sale&gclid=demo' }, 5],
  [{ query: 'utm_source=facebook&utm_medium=paid_social&utm_campaign=retargeting' }, 4],
  [{ query: 'utm_source=newsletter&utm_medium=email&utm_campaign=weekly_digest' }, 4],
  [{ query: '', referrer: 'https://www.google.com/' }, 5],
  [{ query: '', referrer: 'https://www.instagram.com/' }, 3],
  [{ query: '', referrer: 'https://www.homedesignblog.example/best-terrariums' }, 2],
  [{ query: 'utm_source=partner&utm_medium=affiliate&utm_campaign=creator_program' }, 2],
  [{ query: '' }, 5],
]

interface Shopper {
  anonymousId: string
  /** The storefront the shopper is on: its site, and its BigCommerce channel. */
  origin: string
  channelId: number
  customerId: number
  email: string
  cartId: string | null
  /** Steps left before checking out (or abandoning). */
  steps: number
  abandons: boolean
}

export class DemoTraffic {
  readonly counts: TrafficCounts = {
    webhooks: 0, webhooksFailed: 0, beacons: 0, beaconsFailed: 0, orders: 0, abandoned: 0, shipments: 0,
    refunds: 0, customers: 0, companyUsers: 0,
  }
  /** Orders this session placed, so the check can look for one in HubSpot. */
  readonly liveOrderIds: number[] = []
  private readonly random: Random
  private readonly shoppers: Shopper[] = []
  private readonly abandonedCarts: { cartId: string; at: number }[] = []
  private nextShopper = 1
  private stopped = false
  private running: Promise<void> | null = null

  constructor(private readonly options: TrafficOptions) {
    this.random = createRandom(options.seed ?? 2026)
  }

  /** Runs one action about every `intervalMs` until stopped. */
  start(intervalMs = 1200): void {
    const loop = async () => {
      while (!this.stopped) {
        try {
          await this.tick()
        } catch (err) {
          this.options.log?.(`traffic: ${err instanceof Error ? err.message : String(err)}`)
        }
        await sleep(intervalMs * (0.5 + this.random.next()))
      }
    }
    this.running = loop()
  }

  async stop(): Promise<void> {
    this.stopped = true
    await this.running
  }

  /** One step of the simulation. */
  async tick(): Promise<void> {
    const action = this.random.weighted<() => Promise<void>>([
      [() => this.arrive(), this.shoppers.length < 6 ? 5 : 1],
      [() => this.advanceShopper(), this.shoppers.length > 0 ? 8 : 0],
      [() => this.fulfil(), 3],
      [() => this.refund(), 1],
      [() => this.markAbandoned(), this.abandonedCarts.length > 0 ? 2 : 0],
      [() => this.signUp(), 1],
      [() => this.joinCompany(), this.options.b2b ? 1 : 0],
    ])
    await action()
  }

  /** A visitor lands from a campaign or referrer; some are known customers, some new guests. */
  private async arrive(): Promise<void> {
    const { store } = this.options.standin
    const customers = [...store.customers.values()]
    const returning = customers.length > 0 && this.random.chance(0.6)
    const customer = returning ? this.random.pick(customers) : null
    const n = this.nextShopper++
    const second = this.options.secondStorefront && this.random.chance(0.3) ? this.options.secondStorefront : null
    // On the second storefront a returning customer signs in with their account there, or checks out as a guest.
    const account = second && customer ? store.customerByEmail(customer.email, second.channelId) : customer
    const shopper: Shopper = {
      anonymousId: `demo-${Date.now().toString(36)}-${n}`,
      origin: second?.origin ?? this.options.storefrontOrigin,
      channelId: second?.channelId ?? 1,
      customerId: account?.id ?? 0,
      email: customer?.email ?? `guest.shopper${n}.${Date.now().toString(36)}@example.com`,
      cartId: null,
      steps: this.random.int(2, 5),
      abandons: this.random.chance(0.3),
    }
    const arrival = this.random.weighted(ARRIVALS)
    await this.beacon(shopper, {
      url: `${shopper.origin}/${arrival.query ? `?${arrival.query}` : ''}`,
      ...(arrival.referrer && { referrer: arrival.referrer }),
      ...(await this.signedIn(shopper)),
    })
    this.shoppers.push(shopper)
  }

  /** The shopper views a product, adds to the cart, and eventually checks out or walks away. */
  private async advanceShopper(): Promise<void> {
    const { store } = this.options.standin
    const shopper = this.random.pick(this.shoppers)
    const products = [...store.products.values()].filter((p) => p.is_visible)
    const product = this.random.pick(products)
    await this.beacon(shopper, {
      url: `${shopper.origin}${product.custom_url.url}`,
      productId: product.id,
      ...(shopper.cartId && { cartId: shopper.cartId }),
    })
    shopper.steps--

    if (!shopper.cartId) {
      const created = store.createCart({
        channelId: shopper.channelId,
        ...(shopper.customerId > 0 ? { customerId: shopper.customerId } : {}),
        lines: [{ productId: product.id, quantity: this.random.int(1, 2) }],
      })
      shopper.cartId = created.value.id
      await this.dispatch(created.events)
      await this.beacon(shopper, { url: `${shopper.origin}/cart.php`, cartId: shopper.cartId })
      return
    }
    if (shopper.steps > 0) return

    this.shoppers.splice(this.shoppers.indexOf(shopper), 1)
    // The email reaches the cart at checkout (store/cart/updated): from then on it belongs to a contact.
    if (shopper.customerId === 0) await this.dispatch(store.updateCart(shopper.cartId, { email: shopper.email }).events)
    await this.beacon(shopper, { url: `${shopper.origin}/checkout`, cartId: shopper.cartId, ...(await this.signedIn(shopper)) })
    if (shopper.abandons) {
      this.abandonedCarts.push({ cartId: shopper.cartId, at: Date.now() })
      return
    }
    const converted = store.convertCart(shopper.cartId, {
      statusId: this.random.chance(0.85) ? 11 : 7,
      isEmailOptIn: this.random.chance(0.5),
      ...(this.random.chance(0.2) && { coupons: [{ code: 'WELCOME10', type: 1 as const, amount: 10 }] }),
      // A customer is billed at their saved address; a guest types one in.
      ...(shopper.customerId === 0 && { billing: orderAddress(this.random.weighted(PLACES)) }),
    })
    this.liveOrderIds.push(converted.value.order.id)
    this.counts.orders++
    await this.dispatch(converted.events)
    await this.beacon(shopper, { url: `${shopper.origin}/checkout/order-confirmation`, cartId: shopper.cartId })
  }

  /** BigCommerce's own abandoned-cart signal, for carts left alone a while (after an hour, really). */
  private async markAbandoned(): Promise<void> {
    const { store } = this.options.standin
    const due = this.abandonedCarts.findIndex((c) => Date.now() - c.at > 20_000)
    if (due < 0) return
    const [cart] = this.abandonedCarts.splice(due, 1)
    if (!store.carts.has(cart!.cartId)) return
    this.counts.abandoned++
    await this.dispatch(store.abandonCart(cart!.cartId).events)
  }

  /** The merchant ships an order awaiting fulfillment, or completes a shipped one, or takes a payment. */
  private async fulfil(): Promise<void> {
    const { store } = this.options.standin
    const recent = [...store.orders.values()].filter((o) => !o.is_deleted).slice(-200)
    const awaiting = recent.filter((o) => o.status_id === 11 || o.status_id === 9)
    const pending = recent.filter((o) => o.status_id === 7)
    const shipped = recent.filter((o) => o.status_id === 2)
    if (pending.length > 0 && this.random.chance(0.3)) {
      await this.dispatch(store.setOrderStatus(this.random.pick(pending).id, 11).events)
    } else if (awaiting.length > 0 && this.random.chance(0.7)) {
      const order = this.random.pick(awaiting)
      // The usual carrier for where the parcel goes, with a tracking number in its format.
      await this.dispatch(store.addShipment(order.id, undefined, shipmentTo(order.billing_address.country_iso2, this.random)).events)
      this.counts.shipments++
    } else if (shipped.length > 0) {
      await this.dispatch(store.setOrderStatus(this.random.pick(shipped).id, 10).events)
    }
  }

  /** A partial refund on a shipped or completed order. */
  private async refund(): Promise<void> {
    const { store } = this.options.standin
    const candidates = [...store.orders.values()]
      .filter((o) => !o.is_deleted && (o.status_id === 2 || o.status_id === 10) && Number(o.refunded_amount) === 0)
      .slice(-100)
    if (candidates.length === 0) return
    const order = this.random.pick(candidates)
    const amount = Math.max(1, Math.round(Number(order.total_inc_tax) * 0.25 * 100) / 100)
    await this.dispatch(store.addRefund(order.id, { amount, reason: 'Damaged in transit' }).events)
    this.counts.refunds++
  }

  /** A new buyer joins one of the B2B companies: a BigCommerce customer and `store/company/user/created`. */
  private async joinCompany(): Promise<void> {
    const b2b = this.options.b2b!
    const companies = [...b2b.store.companies.values()]
    if (!companies.length) return
    const company = this.random.pick(companies)
    const n = this.nextShopper++
    const joined = b2b.store.createUser({
      companyId: company.companyId,
      email: `buyer${n}.${Date.now().toString(36)}@${company.companyName.toLowerCase().replace(/[^a-z]+/g, '')}.example`,
      firstName: 'Buyer',
      lastName: `${n}`,
      role: 2,
      channelIds: [1],
    })
    this.counts.companyUsers++
    await this.dispatch(joined.events)
  }

  /** A new customer account, often with newsletter consent. */
  private async signUp(): Promise<void> {
    const { store } = this.options.standin
    const n = this.nextShopper++
    const created = store.createCustomer({
      email: `new.customer${n}.${Date.now().toString(36)}@example.com`,
      firstName: 'New',
      lastName: `Customer ${n}`,
      acceptsAbandonedCartEmails: this.random.chance(0.5),
      address: savedAddress(this.random.weighted(PLACES), `${this.random.int(1, 999)} Harbour Street`),
    })
    this.counts.customers++
    await this.dispatch(created.events)
    if (this.random.chance(0.6)) {
      await this.dispatch(store.upsertSubscriber(created.value.email, ['marketing_newsletter', 'abandoned_cart']).events)
    }
  }

  /** Delivers to the registered hooks; a refused delivery is retried once, as BigCommerce retries. */
  private async dispatch(events: StoreEvent[]): Promise<void> {
    for (const event of events) {
      let results = await this.options.standin.dispatch([event], { clientSecret: this.options.clientSecret })
      if (results.some((r) => r.status !== 200)) {
        await sleep(1_000)
        results = await this.options.standin.dispatch([event], { clientSecret: this.options.clientSecret })
      }
      for (const result of results) {
        if (result.status === 200) this.counts.webhooks++
        else {
          this.counts.webhooksFailed++
          this.options.log?.(`webhook ${result.scope} → ${result.status}${result.error ? ` (${result.error})` : ''}`)
        }
      }
    }
  }

  /** A signed-in shopper's Current Customer token, as the storefront's /customer/current.jwt gives it. */
  private async signedIn(shopper: Shopper): Promise<{ customerToken?: string }> {
    if (shopper.customerId === 0) return {}
    const { standin, appClientId, clientSecret } = this.options
    const customerToken = await currentCustomerToken({
      customer: { id: shopper.customerId, email: shopper.email },
      storeHash: standin.store.storeHash,
      clientId: appClientId,
      clientSecret,
    })
    return { customerToken }
  }

  private async beacon(shopper: Shopper, hit: Record<string, unknown>): Promise<void> {
    const send = () =>
      fetch(`${this.options.workerUrl}/beacon`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', origin: shopper.origin },
        body: JSON.stringify({ anonymousId: shopper.anonymousId, ...hit }),
        signal: AbortSignal.timeout(10_000),
      })
    try {
      let response = await send()
      // wrangler dev answers 503 while it restarts the worker; a second try lands.
      if (response.status === 503) {
        await response.body?.cancel()
        await sleep(1_000)
        response = await send()
      }
      if (response.status === 204) this.counts.beacons++
      else {
        this.counts.beaconsFailed++
        this.options.log?.(`beacon → ${response.status} ${(await response.text()).slice(0, 200)}`)
      }
    } catch (err) {
      this.counts.beaconsFailed++
      this.options.log?.(`beacon failed: ${err instanceof Error ? err.message : String(err)}`)
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
