/**
 * A generated store in the canonical model: A1's deterministic seed (standins/bigcommerce/seed.ts) run
 * through the same path the worker takes: the stand-in's REST serialization, the zod resource schemas and
 * the normalizer, then the lifecycle summary per contact. Used by the HubSpot sync benchmark and by the
 * data-minimization test, which also needs the payment details the raw store holds.
 */
import { normalizeCustomer, normalizeSubscriber } from '../../src/bigcommerce/normalize/normalize-customer'
import { normalizeOrder } from '../../src/bigcommerce/normalize/normalize-order'
import { normalizeProductVariants } from '../../src/bigcommerce/normalize/normalize-product'
import { backfillReadPurpose } from '../../src/bigcommerce/order-reads'
import {
  v2Coupon as v2CouponSchema,
  v2Order as v2OrderSchema,
  v2OrderProduct as v2OrderProductSchema,
  v2Shipment as v2ShipmentSchema,
  v3Customer as v3CustomerSchema,
  v3Product as v3ProductSchema,
  v3Refund as v3RefundSchema,
  v3Subscriber as v3SubscriberSchema,
  v3Variant as v3VariantSchema,
} from '../../src/bigcommerce/resources'
import { initialAutomationState } from '../../src/domain/automation/state'
import { orderStatusUrl } from '../../src/domain/multi-storefront'
import type { ContactState } from '../../src/domain/contact-state'
import { summarizeContact } from '../../src/domain/lifecycle'
import type { ContactSummary, Customer, Order, ProductVariant, Subscriber } from '../../src/domain/model'
import { siteOrigin } from '../../standins/bigcommerce/channels'
import { BigCommerceStore } from '../../standins/bigcommerce/store'
import { seedStore, type SeedSummary } from '../../standins/bigcommerce/seed'
import {
  v2Order,
  v2OrderProduct,
  v2Shipment,
  v3Customer,
  v3Product,
  v3Refund,
  v3Subscriber,
  v3Variant,
} from '../../standins/bigcommerce/serialize'

const DAY = 86_400_000

export interface CanonicalStore {
  seed: SeedSummary
  orders: Order[]
  variants: ProductVariant[]
  summaries: ContactSummary[]
  /** Payment values the raw store holds (methods, providers, gateways, card types, transaction ids). */
  paymentValues: string[]
}

export function generateCanonicalStore(options: { customers: number; orders: number; seed?: number; now?: number }): CanonicalStore {
  const now = options.now ?? Date.UTC(2026, 10, 1)
  const store = new BigCommerceStore({ seed: options.seed ?? 7, clock: () => now })
  const seed = seedStore(store, { customers: options.customers, orders: options.orders, seed: options.seed ?? 7, now })
  return { seed, ...canonicalStoreOf(store, now) }
}

/**
 * What the worker's path makes of an existing store's records, summaries as of `now`. With
 * `couponsOnlyWithDiscount`, an order's coupons are read only when it has a coupon discount, as the worker
 * does (a coupon that discounted nothing is not worth a call). With `readAsHistory`, shipments are read only
 * for the orders in transit at its `at` (within `shipmentsWindowMs`), as the backfill does.
 */
export function canonicalStoreOf(
  store: BigCommerceStore,
  now: number,
  options: { couponsOnlyWithDiscount?: boolean; readAsHistory?: { at: number; shipmentsWindowMs: number } } = {},
): Omit<CanonicalStore, 'seed'> {
  const history = options.readAsHistory
  const categoryName = (id: number) => store.categories.get(id)?.name ?? null
  const productCategory = new Map<number, string | null>(
    [...store.products.values()].map((p) => [p.id, p.categories[0] !== undefined ? categoryName(p.categories[0]) : null]),
  )

  const orders: Order[] = []
  for (const raw of store.orders.values()) {
    if (raw.status_id === 0) continue // Incomplete: never synced
    const channel = store.channels.get(raw.channel_id ?? 1)
    // The worker's order page link: the order's storefront site, else the default storefront's.
    const site = channel?.site ?? store.channels.get(1)?.site
    const order = v2OrderSchema.parse(v2Order(store, raw))
    const readsShipments = !history || backfillReadPurpose(order, history.at, history.shipmentsWindowMs) === 'in_transit'
    orders.push(
      normalizeOrder({
        order,
        products: (store.orderProducts.get(raw.id) ?? []).map((p) => v2OrderProductSchema.parse(v2OrderProduct(p))),
        shipments: readsShipments ? (store.shipments.get(raw.id) ?? []).map((s) => v2ShipmentSchema.parse(v2Shipment(s))) : [],
        coupons:
          options.couponsOnlyWithDiscount && Number(raw.coupon_discount) === 0
            ? []
            : (store.orderCoupons.get(raw.id) ?? []).map((c) => v2CouponSchema.parse(c)),
        refunds: (store.orderRefunds.get(raw.id) ?? []).map((r) => v3RefundSchema.parse(v3Refund(r))),
        categories: productCategory,
        channel: channel ? { type: channel.type, platform: channel.platform, name: channel.name } : null,
        statusUrl: orderStatusUrl(channel ?? null, site ? siteOrigin(site) : null, { orderId: raw.id, customerId: raw.customer_id }),
        storeHash: store.storeHash,
      }),
    )
  }

  const variants: ProductVariant[] = []
  for (const product of store.products.values()) {
    const v3 = v3ProductSchema.parse(v3Product(store, product, new Set()))
    const own = [...store.variants.values()].filter((v) => v.product_id === product.id)
    variants.push(
      ...normalizeProductVariants(v3, own.map((v) => v3VariantSchema.parse(v3Variant(v))), {
        category: productCategory.get(product.id) ?? null,
        brand: store.brands.get(product.brand_id)?.name ?? null,
      }),
    )
  }

  const customers = new Map<string, Customer>()
  for (const c of store.customers.values()) {
    const customer = normalizeCustomer(v3CustomerSchema.parse(v3Customer(store, c, new Set())))
    customers.set(customer.email, customer)
  }
  const subscribers = new Map<string, Subscriber>()
  for (const s of store.subscribers.values()) {
    const subscriber = normalizeSubscriber(v3SubscriberSchema.parse(v3Subscriber(s)))
    subscribers.set(subscriber.email, subscriber)
  }

  const byEmail = new Map<string, Order[]>()
  for (const o of orders) byEmail.set(o.email, [...(byEmail.get(o.email) ?? []), o])
  const emails = new Set([...customers.keys(), ...byEmail.keys(), ...subscribers.keys()])
  const summaries = [...emails].map((email) => {
    const state: ContactState = {
      email,
      customer: customers.get(email) ?? null,
      customers: {},
      subscriber: subscribers.get(email) ?? null,
      orders: Object.fromEntries((byEmail.get(email) ?? []).map((o) => [String(o.orderId), o])),
      carts: {},
      productViews: [],
      automation: initialAutomationState(),
    }
    return summarizeContact(state, new Date(now), { lapsedAfterMs: 120 * DAY })
  })

  const paymentValues = new Set<string>()
  for (const o of store.orders.values()) {
    if (o.payment_method) paymentValues.add(o.payment_method)
    if (o.payment_provider_id) paymentValues.add(o.payment_provider_id)
  }
  for (const list of store.transactions.values()) {
    for (const t of list) {
      for (const v of [t.gateway, t.gateway_transaction_id, t.payment_method_id, t.credit_card?.card_type, t.credit_card?.card_iin]) {
        if (v) paymentValues.add(String(v))
      }
    }
  }
  return { orders, variants, summaries, paymentValues: [...paymentValues] }
}
