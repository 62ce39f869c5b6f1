import type { Duration } from '../duration'

/** The automation settings of contract section 2, as milliseconds (steps keep their configured text). */
export interface AutomationPolicy {
  cartAbandonAfterMs: number
  postPurchaseSteps: Duration[]
  lapsedAfterMs: number
  refundSuppressionMs: number
  marketingCap: number
  marketingCapWindowMs: number
  browseAbandonAfterMs: number
}

/** The parsed configuration fields the policy is built from (a structural slice of `Config`). */
export interface AutomationSettings {
  CART_ABANDON_AFTER: Duration
  POST_PURCHASE_STEPS: Duration[]
  LAPSED_AFTER: Duration
  REFUND_SUPPRESSION: Duration
  MARKETING_CAP: number
  MARKETING_CAP_WINDOW: Duration
  BROWSE_ABANDON_AFTER: Duration
}

export function policyFromConfig(config: AutomationSettings): AutomationPolicy {
  return {
    cartAbandonAfterMs: config.CART_ABANDON_AFTER.ms,
    postPurchaseSteps: config.POST_PURCHASE_STEPS,
    lapsedAfterMs: config.LAPSED_AFTER.ms,
    refundSuppressionMs: config.REFUND_SUPPRESSION.ms,
    marketingCap: config.MARKETING_CAP,
    marketingCapWindowMs: config.MARKETING_CAP_WINDOW.ms,
    browseAbandonAfterMs: config.BROWSE_ABANDON_AFTER.ms,
  }
}

const STEP_UNIT_NAMES = { d: 'day', h: 'hour', m: 'minute', s: 'second' } as const

/** `bc_post_purchase_step` for a configured step: `0d` → `day_0`, `12h` → `hour_12`, `45m` → `minute_45`. */
export function postPurchaseStepName(step: Duration): string {
  return `${STEP_UNIT_NAMES[step.unit]}_${step.value}`
}

/** A window in the largest whole unit, for reasons a person reads: 2592000000 → `30d`. */
export function formatWindow(ms: number): string {
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1_000]] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`
  }
  return `${ms}ms`
}
