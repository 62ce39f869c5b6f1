import type { AutomationState } from './automation/state'
import type { Cart, CartStatus, Customer, Email, HubSpotOptOut, IsoDate, Order, Subscriber } from './model'

/** A cart as the contact knows it: the last hydrated cart plus what events told us about it. */
export interface CartState extends Cart {
  status: CartStatus
  /** When BigCommerce's own `store/cart/abandoned` arrived for it, if it did. */
  abandonedSignalAt: IsoDate | null
  convertedOrderId: number | null
}

export interface ProductView {
  productId: number
  productName: string | null
  at: IsoDate
}

/**
 * Everything one contact's Durable Object keeps. Plain data: the domain rules change it (contact-change.ts) and
 * plan what follows (contact-plan.ts); the Durable Object loads and stores it.
 */
export interface ContactState {
  email: Email
  /** The most recently changed of the person's accounts: names, phone, address and settings come from it. */
  customer: Customer | null
  /** Every account of the person by customer id: with Multi-Storefront, one per storefront channel. */
  customers: Record<string, Customer>
  subscriber: Subscriber | null
  /** Keyed by order id (as a string). Incomplete orders (status 0) are never here. */
  orders: Record<string, Order>
  /** Keyed by cart id. */
  carts: Record<string, CartState>
  /** Recent product views from the storefront beacon, newest last, bounded. */
  productViews: ProductView[]
  /** HubSpot's unsubscribe, as the consent job last read it (null or absent: none). */
  hubspotOptOut?: HubSpotOptOut | null
  /** Owned by domain/automation/ (state.ts, evaluate.ts): fired keys, deferred triggers, the cap ledger. */
  automation: AutomationState
}
