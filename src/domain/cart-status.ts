import { cartAbandonment } from './automation/cart-abandonment'
import type { AutomationPolicy } from './automation/policy'
import type { ContactState } from './contact-state'

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
