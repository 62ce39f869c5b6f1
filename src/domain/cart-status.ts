import { cartAbandonment } from './automation/cart-abandonment'
import type { AutomationPolicy } from './automation/policy'
import type { ContactState } from './contact-state'
import { toMs } from './automation/time'

type Policy = Pick<AutomationPolicy, 'cartAbandonAfterMs'>

/**
 * A cart's status follows the cart, not its trigger: an open cart becomes `abandoned` once its quiet period
 * ends (or BigCommerce says so), whatever consent, suppression, the cap or its family's mode decide about
 * the abandoned-cart trigger. A later change of the cart makes it `open` again (contact-updates). Returns
 * the ids of the carts it marked.
 */
export function markAbandonedCarts(state: ContactState, now: number, policy: Policy): string[] {
  const marked: string[] = []
  for (const [cartId, cart] of Object.entries(state.carts)) {
    if (cart.status !== 'open') continue
    const abandonment = cartAbandonment(state, cart, policy)
    if (!abandonment || abandonment.at > now) continue
    state.carts[cartId] = { ...cart, status: 'abandoned' }
    marked.push(cartId)
  }
  return marked
}

/** The next moment an open cart becomes abandoned, or null: the contact wakes then, consent or not. */
export function nextCartAbandonmentAt(state: ContactState, now: number, policy: Policy): number | null {
  const moments = Object.values(state.carts)
    .filter((cart) => cart.status === 'open')
    .map((cart) => cartAbandonment(state, cart, policy)?.at ?? Number.POSITIVE_INFINITY)
    .filter((at) => at > now)
  const next = Math.min(...moments)
  return Number.isFinite(next) ? next : null
}

/**
 * How long a cart stays in the contact's state after its last change. BigCommerce keeps a cart 30 days after
 * its last change, so by then it has converted, been deleted or expired, whatever its status says, and its
 * trigger was decided long ago: it is closed for good.
 */
export const CART_STATE_RETENTION_MS = 30 * 86_400_000

/**
 * Closed carts leave the contact's state, which is stored and rewritten whole on every change. Product views
 * up to the newest pruned cart's last change leave with them: that cart followed them, and without it they
 * would look like browsing nobody followed up. Returns the ids of the carts removed.
 */
export function pruneClosedCarts(state: ContactState, now: number, retentionMs = CART_STATE_RETENTION_MS): string[] {
  const closed = Object.values(state.carts).filter((cart) => toMs(cart.updatedAt) <= now - retentionMs)
  if (closed.length === 0) return []
  for (const cart of closed) delete state.carts[cart.cartId]
  const followedUntil = Math.max(...closed.map((cart) => toMs(cart.updatedAt)))
  state.productViews = state.productViews.filter((view) => toMs(view.at) > followedUntil)
  return closed.map((cart) => cart.cartId)
}
