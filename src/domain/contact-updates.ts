import type { CartState, ContactState, ProductView } from './contact-state'
import type { Cart, Customer, HubSpotOptOut, IsoDate, Order, Subscriber } from './model'

/**
 * How hydrated BigCommerce records change a contact's state. Deliveries come late, twice and out of order,
 * but each carries a re-fetched state, so the rule is: keep the newest state of each record, never roll back.
 * Each function mutates `state` and returns whether anything changed.
 */

const MAX_PRODUCT_VIEWS = 50

/** An order replaces the stored one unless it is older (by `modifiedAt`). Equal ages merge refunds and shipments. */
export function applyOrderUpdate(state: ContactState, incoming: Order): boolean {
  const key = String(incoming.orderId)
  const existing = state.orders[key]
  let next = incoming
  if (existing) {
    if (incoming.modifiedAt < existing.modifiedAt) return false
    if (incoming.modifiedAt === existing.modifiedAt) next = withKnownChildren(incoming, existing)
    if (JSON.stringify(next) === JSON.stringify(existing)) return false
  }
  state.orders[key] = next
  if (incoming.cartId) markCartConverted(state, incoming.cartId, incoming.orderId)
  return true
}

/** Two fetches at the same modification time may differ only by children fetched separately: keep both. */
function withKnownChildren(incoming: Order, existing: Order): Order {
  const refunds = new Map([...existing.refunds, ...incoming.refunds].map((r) => [r.refundId, r]))
  const shipments = new Map([...existing.shipments, ...incoming.shipments].map((s) => [s.shipmentId, s]))
  return { ...incoming, refunds: [...refunds.values()], shipments: [...shipments.values()] }
}

/**
 * A cart as re-fetched. Older snapshots are ignored; a cart that converted or was deleted stays so.
 * `abandonedSignalAt` records BigCommerce's own `store/cart/abandoned` (kept once set).
 */
export function applyCartUpdate(state: ContactState, cart: Cart, abandonedSignalAt: string | null): boolean {
  const existing = state.carts[cart.cartId]
  if (existing && (existing.status === 'converted' || existing.status === 'deleted')) return false
  const signal = existing?.abandonedSignalAt ?? abandonedSignalAt
  if (existing && cart.updatedAt < existing.updatedAt) {
    if (signal === existing.abandonedSignalAt) return false
    state.carts[cart.cartId] = { ...existing, abandonedSignalAt: signal }
    return true
  }
  const next: CartState = {
    ...cart,
    // 'abandoned' is set by the contact after the trigger fires; a changed cart starts a new quiet period.
    status: cart.lines.length === 0 ? 'emptied' : existing && cart.updatedAt === existing.updatedAt ? existing.status : 'open',
    abandonedSignalAt: signal,
    convertedOrderId: null,
  }
  if (existing && JSON.stringify(next) === JSON.stringify(existing)) return false
  state.carts[cart.cartId] = next
  return true
}

/**
 * A cart that is no longer the contact's to abandon: it became an order, BigCommerce deleted it (its last item
 * removed, or a DELETE: `deleted`, shown as emptied unless an order from it arrives), or the shopper gave the
 * checkout another email (`moved`: it is the other contact's now, and leaves this one's state).
 */
export function applyCartGone(
  state: ContactState,
  cartId: string,
  change: 'deleted' | 'converted' | 'moved',
  orderId: number | null,
): boolean {
  const existing = state.carts[cartId]
  if (!existing) return false
  if (change === 'converted') return markCartConverted(state, cartId, orderId)
  if (change === 'moved') {
    delete state.carts[cartId]
    return true
  }
  if (existing.status === 'converted' || existing.status === 'deleted') return false
  state.carts[cartId] = { ...existing, status: 'deleted' }
  return true
}

function markCartConverted(state: ContactState, cartId: string, orderId: number | null): boolean {
  const existing = state.carts[cartId]
  if (!existing || (existing.status === 'converted' && existing.convertedOrderId === orderId)) return false
  state.carts[cartId] = { ...existing, status: 'converted', convertedOrderId: orderId ?? existing.convertedOrderId }
  return true
}

/**
 * A customer account as re-fetched. The same email may be one account per storefront channel: each is kept by
 * its id (newest state wins), and the most recently changed one is the contact's `customer`.
 */
export function applyCustomerUpdate(state: ContactState, customer: Customer): boolean {
  // A linked email's own account (another customer id, another email) never replaces the person's.
  if (state.customer && customer.customerId !== state.customer.customerId && customer.email !== state.email) return false
  const key = String(customer.customerId)
  if (!replaces(state.customers[key] ?? null, customer)) return false
  state.customers[key] = customer
  state.customer = Object.values(state.customers).reduce((a, b) =>
    b.modifiedAt > a.modifiedAt || (b.modifiedAt === a.modifiedAt && b.customerId > a.customerId) ? b : a)
  return true
}

export function applySubscriberUpdate(state: ContactState, subscriber: Subscriber): boolean {
  if (!replaces(state.subscriber, subscriber)) return false
  state.subscriber = subscriber
  return true
}

/**
 * HubSpot's unsubscribe as the consent job read it (null: HubSpot shows none). The same opt-outs read again keep
 * their first time: re-reading never makes an unsubscribe look newer than a store opt-in that followed it.
 */
export function applyHubSpotOptOut(state: ContactState, optOut: HubSpotOptOut | null): boolean {
  const existing = state.hubspotOptOut ?? null
  if (!optOut) {
    if (!existing) return false
    state.hubspotOptOut = null
    return true
  }
  const same = existing && existing.allEmail === optOut.allEmail && sameSet(existing.types, optOut.types)
  if (same && existing.at <= optOut.at) return false
  state.hubspotOptOut = { allEmail: optOut.allEmail, types: [...optOut.types].sort(), at: optOut.at }
  return true
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x))
}

/**
 * BigCommerce deleted a subscriber record: the store's other record for the email takes its place (read again
 * by email), or, with none left, the contact holds no consent from then on: an opt-out at the deletion.
 */
export function applySubscriberGone(
  state: ContactState,
  subscriberId: number,
  replacement: Subscriber | null,
  at: IsoDate,
): boolean {
  const existing = state.subscriber
  if (existing && existing.subscriberId !== subscriberId) return replacement ? applySubscriberUpdate(state, replacement) : false
  if (replacement) {
    if (existing && JSON.stringify(existing) === JSON.stringify(replacement)) return false
    state.subscriber = replacement
    return true
  }
  if (existing && !existing.newsletter && !existing.abandonedCart) return false
  const modifiedAt = existing && existing.modifiedAt > at ? existing.modifiedAt : at
  state.subscriber = { subscriberId, email: state.email, newsletter: false, abandonedCart: false, modifiedAt }
  return true
}

/** BigCommerce deleted the customer account: the contact stays (HubSpot owns identity), without that account. */
export function applyCustomerGone(state: ContactState, customerId: number): boolean {
  if (state.customer?.customerId !== customerId) return false
  state.customer = null
  return true
}

/** A record without children replaces the stored one unless it is older (by `modifiedAt`) or the same. */
function replaces<T extends { modifiedAt: string }>(existing: T | null, incoming: T): boolean {
  if (!existing) return true
  return incoming.modifiedAt >= existing.modifiedAt && JSON.stringify(existing) !== JSON.stringify(incoming)
}

/** Product views from the beacon, deduplicated by product and time, newest last, bounded. */
export function addProductViews(state: ContactState, views: ProductView[]): boolean {
  const known = new Set(state.productViews.map((v) => `${v.productId}@${v.at}`))
  const fresh = views.filter((v) => !known.has(`${v.productId}@${v.at}`))
  if (fresh.length === 0) return false
  state.productViews = [...state.productViews, ...fresh]
    .sort((a, b) => a.at.localeCompare(b.at))
    .slice(-MAX_PRODUCT_VIEWS)
  return true
}
