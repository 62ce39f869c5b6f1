import { pruneClosedCarts } from './cart-status'
import { absorbContact } from './contact-merge'
import type { ContactState, ProductView } from './contact-state'
import {
  addProductViews,
  applyCartGone,
  applyCartUpdate,
  applyCustomerGone,
  applyCustomerUpdate,
  applyHubSpotOptOut,
  applyOrderUpdate,
  applySubscriberGone,
  applySubscriberUpdate,
} from './contact-updates'
import type { Cart, Customer, HubSpotOptOut, Order, Subscriber } from './model'

/** One call on a contact, as plain data: a hydrated record, a deletion, a merge, or a wake-up. */
export type ContactChange =
  | { kind: 'order'; order: Order }
  | { kind: 'cart'; cart: Cart; abandonedSignalAt: string | null }
  | { kind: 'cart_gone'; cartId: string; change: 'deleted' | 'converted' | 'moved'; orderId: number | null }
  | { kind: 'customer'; customer: Customer; subscriber: Subscriber | null }
  | { kind: 'subscriber'; subscriber: Subscriber }
  /** `replacement` is what the store has left for the email. */
  | { kind: 'subscriber_gone'; subscriberId: number; replacement: Subscriber | null; at: string }
  | { kind: 'customer_gone'; customerId: number }
  | { kind: 'hubspot_opt_out'; optOut: HubSpotOptOut | null }
  | { kind: 'product_views'; views: ProductView[] }
  /** Another contact of the same person handed its state over (null: it holds none, or already did). */
  | { kind: 'absorb'; handed: ContactState | null }
  /** Re-evaluation with the time only (the alarm, the sweep). */
  | { kind: 'wake' }

/** What one change touched, so only those records are written. */
export interface Touched {
  orders: Order[]
  /** Cart ids, possibly repeated. */
  carts: string[]
}

/**
 * Applies `change` to `state` (in place, by the rules of contact-updates.ts), after forgetting carts closed
 * long ago. Returns what to write again, or null when nothing changed and nothing needs writing: then the
 * contact neither evaluates nor saves anything.
 */
export function applyContactChange(state: ContactState, change: ContactChange, now: Date): Touched | null {
  pruneClosedCarts(state, now.getTime())
  const touched: Touched = { orders: [], carts: [] }
  const changed = apply(state, change, touched)
  return changed || touched.orders.length > 0 || touched.carts.length > 0 ? touched : null
}

function apply(state: ContactState, change: ContactChange, touched: Touched): boolean {
  switch (change.kind) {
    case 'order': {
      const changed = applyOrderUpdate(state, change.order)
      // Always write the newest known order: a retried event must still reach HubSpot even if state saw it.
      touched.orders.push(state.orders[String(change.order.orderId)]!)
      if (change.order.cartId && state.carts[change.order.cartId]) touched.carts.push(change.order.cartId)
      return changed
    }
    case 'cart':
      touched.carts.push(change.cart.cartId)
      return applyCartUpdate(state, change.cart, change.abandonedSignalAt)
    case 'cart_gone':
      // A moved cart is written by its new contact only.
      if (change.change !== 'moved') touched.carts.push(change.cartId)
      return applyCartGone(state, change.cartId, change.change, change.orderId)
    case 'customer': {
      const customerChanged = applyCustomerUpdate(state, change.customer)
      const subscriberChanged = change.subscriber ? applySubscriberUpdate(state, change.subscriber) : false
      return customerChanged || subscriberChanged
    }
    case 'subscriber':
      return applySubscriberUpdate(state, change.subscriber)
    case 'subscriber_gone':
      return applySubscriberGone(state, change.subscriberId, change.replacement, change.at)
    case 'customer_gone':
      return applyCustomerGone(state, change.customerId)
    case 'hubspot_opt_out':
      return applyHubSpotOptOut(state, change.optOut)
    case 'product_views':
      return addProductViews(state, change.views)
    case 'absorb':
      if (change.handed) {
        const merged = absorbContact(state, change.handed)
        touched.orders.push(...merged.orders)
        touched.carts.push(...merged.carts)
      }
      // The person is evaluated and written again as one, even when nothing was handed.
      return true
    case 'wake':
      return true
  }
}
