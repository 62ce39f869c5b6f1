import type { Duration } from '../duration'
import type { OrderChannel } from '../model'
import type { FamilyModes } from './families'

/** The automation settings of contract section 2, as milliseconds (steps keep their configured text). */
export interface AutomationPolicy {
  cartAbandonAfterMs: number
  postPurchaseSteps: Duration[]
  lapsedAfterMs: number
  refundSuppressionMs: number
  marketingCap: number
  marketingCapWindowMs: number
  browseAbandonAfterMs: number
  /** TRIGGER_FAMILIES with the operator's overrides: live, shadow or off per family. */
  familyModes: FamilyModes
  /** MARKETING_EXCLUDED_ORDER_CHANNELS: buyers only from these get transactional triggers only. */
  excludedOrderChannels: readonly OrderChannel[]
  /** REVIEW_REQUEST_STEP as a step name (`day_21`), or null when no step waits for fulfilment. */
  reviewRequestStep: string | null
  /** HUBSPOT_MARKETING_SUBSCRIPTION_TYPES: opting out of one of these in HubSpot stops marketing (absent: none). */
  marketingSubscriptionTypes?: readonly string[]
}

/**
 * How long a review request that fell due before its order shipped waits for the shipment: past this it is
 * cancelled (an order still unshipped a month after the step is a problem for service, not a review).
 */
export const REVIEW_REQUEST_MAX_WAIT_MS = 30 * 86_400_000

/** The parsed configuration fields the policy is built from (a structural slice of `Config`). */
export interface AutomationSettings {
  CART_ABANDON_AFTER: Duration
  POST_PURCHASE_STEPS: Duration[]
  LAPSED_AFTER: Duration
  REFUND_SUPPRESSION: Duration
  MARKETING_CAP: number
  MARKETING_CAP_WINDOW: Duration
  BROWSE_ABANDON_AFTER: Duration
  TRIGGER_FAMILIES: FamilyModes
  MARKETING_EXCLUDED_ORDER_CHANNELS: readonly OrderChannel[]
  REVIEW_REQUEST_STEP: Duration | null
  HUBSPOT_MARKETING_SUBSCRIPTION_TYPES: readonly string[]
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
    familyModes: config.TRIGGER_FAMILIES,
    excludedOrderChannels: config.MARKETING_EXCLUDED_ORDER_CHANNELS,
    reviewRequestStep: config.REVIEW_REQUEST_STEP ? postPurchaseStepName(config.REVIEW_REQUEST_STEP) : null,
    marketingSubscriptionTypes: config.HUBSPOT_MARKETING_SUBSCRIPTION_TYPES,
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
