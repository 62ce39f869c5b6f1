import { evaluateAutomation } from './automation/evaluate'
import type { AutomationPolicy } from './automation/policy'
import { markAbandonedCarts, nextCartAbandonmentAt } from './cart-status'
import type { Touched } from './contact-change'
import type { CartState, ContactState } from './contact-state'
import { highValueCartTasks, type CartThresholds, type CartValue, type HighValueCartInput, type HighValueCartTask } from './high-value-cart'
import { summarizeContact } from './lifecycle'
import { compare } from './money'
import type { ContactSummary, FiredTrigger, Order, TriggerDecision } from './model'
import type { SupportTicket } from './support'

/** What a contact's evaluation needs besides its state, the time and the policy: facts read elsewhere. */
export interface ContactPlanInputs {
  /** What the change touched (contact-change.ts). */
  touched: Touched
  /** `live` fires triggers; `import` (historical backfill) sets state and properties but fires nothing. */
  mode: 'live' | 'import'
  /** The contact's open escalated tickets (the cache of the last ticket search); null when not known. */
  supportTickets: readonly SupportTicket[] | null
  /** HIGH_VALUE_CART_PERCENTILE; null is `off`. */
  highValueCartPercentile: number | null
}

/** Everything that follows from one change: what to keep, write to HubSpot, publish, and when to look again. */
export interface ContactPlan {
  /** The new state (the one given, changed in place). */
  state: ContactState
  /** The contact's figures, for its HubSpot record and the `contacts` read model. */
  summary: ContactSummary
  fired: FiredTrigger[]
  decisions: TriggerDecision[]
  /** Orders to write and publish, as the contact holds them. */
  orders: Order[]
  /** Carts to write: those touched, and those that became abandoned now. */
  carts: CartState[]
  /** Sales tasks for high-value abandoned carts: none until priced (`withHighValueCartTasks`). */
  tasks: HighValueCartTask[]
  /** The written carts that rank among the store's cart values. */
  cartValues: CartValue[]
  /** The next moment something falls due (epoch ms), or null. */
  wakeAt: number | null
  /**
   * The abandoned carts that fired now, to price against the store's thresholds; null when none fired or the
   * feature is off, so the thresholds are read only when they can matter.
   */
  cartsToPrice: Omit<HighValueCartInput, 'thresholds'> | null
}

/**
 * The heart of the product, after a change was applied to `state`: re-evaluates automation (merge rules,
 * escalations, caps, deferrals), marks carts abandoned, derives lifecycle figures, and says what to write and
 * when to wake. Pure over plain data; the contact's Durable Object loads the inputs and carries the plan out.
 */
export function planContactChange(state: ContactState, now: Date, policy: AutomationPolicy, inputs: ContactPlanInputs): ContactPlan {
  const outcome = evaluateAutomation({ state, now, policy, mode: inputs.mode, supportTickets: inputs.supportTickets })
  state.automation = outcome.automation
  const touchedCarts = [...inputs.touched.carts, ...markAbandonedCarts(state, now.getTime(), policy)]
  const summary = summarizeContact(state, now, policy)
  const carts = [...new Set(touchedCarts)]
    .map((cartId) => state.carts[cartId])
    .filter((cart): cart is CartState => cart !== undefined && cart.email !== null)
  const percentile = inputs.highValueCartPercentile
  return {
    state,
    summary,
    fired: outcome.fired,
    decisions: outcome.decisions,
    orders: inputs.touched.orders,
    carts,
    tasks: [],
    cartValues: carts.filter(hasValue).map(cartValue),
    wakeAt: earliest(outcome.nextWakeAt ? Date.parse(outcome.nextWakeAt) : null, nextCartAbandonmentAt(state, now.getTime(), policy)),
    cartsToPrice:
      percentile !== null && outcome.fired.some((f) => f.trigger === 'cart_abandoned')
        ? { email: state.email, fired: outcome.fired, carts: state.carts, percentile, now }
        : null,
  }
}

/** The plan with the sales tasks its abandoned carts call for, given the store's thresholds (null: none computed). */
export function withHighValueCartTasks(plan: ContactPlan, thresholds: CartThresholds | null): ContactPlan {
  return plan.cartsToPrice ? { ...plan, tasks: highValueCartTasks({ ...plan.cartsToPrice, thresholds }) } : plan
}

function earliest(...moments: (number | null)[]): number | null {
  const known = moments.filter((m): m is number => m !== null)
  return known.length ? Math.min(...known) : null
}

/** Carts with items and a value rank among the store's cart values (HIGH_VALUE_CART_PERCENTILE). */
function hasValue(cart: CartState): boolean {
  return cart.lines.length > 0 && compare(cart.amount, '0') > 0
}

function cartValue(cart: CartState): CartValue {
  return { cartId: cart.cartId, currency: cart.currency, amount: cart.amount }
}
