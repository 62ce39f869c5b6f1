import type { CartState } from './contact-state'
import { compare, type Amount } from './money'
import type { CartLine, Email, FiredTrigger, IsoDate } from './model'

/**
 * High-value abandoned carts (HIGH_VALUE_CART_PERCENTILE): when a contact's `cart_abandoned` trigger fires
 * for a cart worth more than the given percentile of the store's cart values, a sales task is due.
 * Thresholds are per currency: a cart is compared with carts in its own currency, so no exchange rate is
 * needed and a store selling in several currencies ranks each market on its own prices.
 */

/** Fewer carts than this in a currency give no threshold yet: a percentile of a handful means little. */
export const MIN_CARTS_FOR_THRESHOLD = 20

/** A task is due this long after the trigger fired. */
export const TASK_DUE_AFTER_MS = 2 * 3600_000

/** A cart's latest value, as ranked for the thresholds (carts with items and a value above zero). */
export interface CartValue {
  cartId: string
  currency: string
  amount: Amount
}

export interface CartValueThreshold {
  /** Carts ranked. */
  carts: number
  /** The cart value at the percentile's rank: carts worth more than this get a task. */
  threshold: Amount
}

export interface CartThresholds {
  /** The HIGH_VALUE_CART_PERCENTILE they were computed for. */
  percentile: number
  computedAt: IsoDate
  /** By cart currency; a currency with too few carts is absent. */
  currencies: Record<string, CartValueThreshold>
}

/**
 * The 1-based rank, lowest value first, of the value at `percentile` among `carts` values (nearest rank:
 * ceil(p% of n), at least 1), or null when there are too few carts for a threshold.
 */
export function thresholdRank(carts: number, percentile: number): number | null {
  if (carts < MIN_CARTS_FOR_THRESHOLD) return null
  return Math.min(carts, Math.max(1, Math.ceil((percentile / 100) * carts)))
}

export interface HighValueCartTask {
  /** The `cart_abandoned` trigger's key: one task per cart and quiet period, whatever replays. */
  key: string
  email: Email
  cartId: string
  /** When the cart became abandoned (the trigger's time). */
  abandonedAt: IsoDate
  dueAt: IsoDate
  currency: string
  value: Amount
  threshold: Amount
  recoveryUrl: string | null
  lines: CartLine[]
}

export interface HighValueCartInput {
  email: Email
  /** Triggers that fired now (deferred or suppressed ones are not here). */
  fired: FiredTrigger[]
  carts: Record<string, CartState>
  /** The stored thresholds, or null when none were computed. */
  thresholds: CartThresholds | null
  /** HIGH_VALUE_CART_PERCENTILE; null is `off`. */
  percentile: number | null
  now: Date
}

/**
 * The tasks to create for the abandoned carts that fired now. None when the feature is off, when the
 * thresholds were computed for another percentile (the job has not run since the setting changed), or
 * when the cart's currency has too few carts; a cart worth exactly the threshold is not above it.
 */
export function highValueCartTasks(input: HighValueCartInput): HighValueCartTask[] {
  const { thresholds, percentile } = input
  if (percentile === null || thresholds === null || thresholds.percentile !== percentile) return []
  const tasks: HighValueCartTask[] = []
  for (const fired of input.fired) {
    if (fired.trigger !== 'cart_abandoned') continue
    const cart = Object.values(input.carts).find((c) => fired.key.startsWith(`cart_abandoned:${c.cartId}:`))
    if (!cart) continue
    const threshold = thresholds.currencies[cart.currency]
    const value = fired.cartValue ?? cart.amount
    if (!threshold || compare(value, threshold.threshold) <= 0) continue
    const due = Math.max(Date.parse(fired.at), input.now.getTime()) + TASK_DUE_AFTER_MS
    tasks.push({
      key: fired.key,
      email: input.email,
      cartId: cart.cartId,
      abandonedAt: fired.at,
      dueAt: new Date(due).toISOString(),
      currency: cart.currency,
      value,
      threshold: threshold.threshold,
      recoveryUrl: fired.cartUrl ?? cart.recoveryUrl,
      lines: cart.lines,
    })
  }
  return tasks
}
