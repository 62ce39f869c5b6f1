import type { CartState, ContactState } from '../contact-state'
import type { Order } from '../model'
import type { AutomationPolicy } from './policy'
import { toMs } from './time'

/**
 * When a cart is abandoned: a fact about the cart, the same for its status in HubSpot and for the
 * abandoned-cart trigger (which consent, suppression and the cap then decide on).
 */
export interface CartAbandonment {
  /** The moment it is (or will be) abandoned. */
  at: number
  /** BigCommerce's own `store/cart/abandoned` came first. */
  bySignal: boolean
}

/** Why a cart cannot be abandoned (now or ever, until it changes), or null when it can. */
export function cartClosedReason(state: ContactState, cart: CartState): string | null {
  const convertedBy = cart.convertedOrderId ?? Object.values(state.orders).find((o) => o.cartId === cart.cartId)?.orderId
  if (convertedBy !== undefined && convertedBy !== null) return `cart ${cart.cartId} converted to order ${convertedBy}`
  if (cart.status === 'converted') return `cart ${cart.cartId} converted`
  if (cart.status === 'deleted') return `cart ${cart.cartId} was deleted`
  if (cart.status === 'emptied' || cart.lines.length === 0) return `cart ${cart.cartId} was emptied`
  if (!cart.email) return `cart ${cart.cartId} has no email`
  const order = orderSince(state, toMs(cart.updatedAt))
  if (order) return `order ${order.orderId} was placed after cart ${cart.cartId} last changed`
  return null
}

/** When the cart's current quiet period ends in abandonment, or null when it cannot be abandoned. */
export function cartAbandonment(state: ContactState, cart: CartState, policy: Pick<AutomationPolicy, 'cartAbandonAfterMs'>): CartAbandonment | null {
  if (cartClosedReason(state, cart)) return null
  const changed = toMs(cart.updatedAt)
  const idleEnds = changed + policy.cartAbandonAfterMs
  // BigCommerce's own signal counts only for the current quiet period (sent after the last change).
  const signal = cart.abandonedSignalAt ? toMs(cart.abandonedSignalAt) : null
  const bySignal = signal !== null && signal >= changed && signal < idleEnds
  return { at: bySignal ? (signal as number) : idleEnds, bySignal }
}

function orderSince(state: ContactState, since: number): Order | undefined {
  return Object.values(state.orders).find((o) => toMs(o.createdAt) >= since)
}
