import type { Trigger } from '../model'
import { REVIEW_REQUEST_MAX_WAIT_MS } from './policy'

export type TriggerKind = 'transactional' | 'marketing'

export interface TriggerDefinition {
  trigger: Trigger
  /** The HubSpot contact property set when it fires. */
  property: string
  /** Properties written with it. */
  companions: string[]
  /** Transactional triggers always fire; marketing ones pass consent, suppression and the cap. */
  kind: TriggerKind
  /** Order among marketing triggers competing for cap slots, lowest first. */
  priority: number
  /** The rule, for `/docs`. */
  rule: string
}

/**
 * Every trigger and its rule, as the code applies them (the `/docs` page renders this). A post-purchase
 * `day_0` step is transactional; later steps are marketing, so the step's kind is decided per step.
 */
export const TRIGGER_DEFINITIONS: Record<Trigger, TriggerDefinition> = {
  cart_abandoned: {
    trigger: 'cart_abandoned',
    property: 'bc_cart_abandoned_at',
    companions: ['bc_abandoned_cart_url', 'bc_abandoned_cart_value'],
    kind: 'marketing',
    priority: 1,
    rule:
      'A cart with a known email and items, idle for CART_ABANDON_AFTER since its last change (or marked abandoned ' +
      'by BigCommerce), not converted, emptied or deleted, and no order from the contact since its last change. ' +
      'Once per cart and quiet period.',
  },
  browse_abandoned: {
    trigger: 'browse_abandoned',
    property: 'bc_browse_abandoned_at',
    companions: ['bc_browse_abandoned_product'],
    kind: 'marketing',
    priority: 2,
    rule:
      'Product views after the contact’s last cart or order, followed by no view, cart or order for ' +
      'BROWSE_ABANDON_AFTER. Once per browsing spell (keyed by its last view).',
  },
  replenishment_due: {
    trigger: 'replenishment_due',
    property: 'bc_replenishment_due_at',
    companions: [],
    kind: 'marketing',
    priority: 3,
    rule:
      'A category (or, for uncategorized products, a SKU) bought in at least two paid orders: due at the last ' +
      'such purchase plus the median interval between them. Once per due date; a new order in it moves the date.',
  },
  post_purchase_step: {
    trigger: 'post_purchase_step',
    property: 'bc_post_purchase_step_at',
    companions: ['bc_post_purchase_step'],
    kind: 'marketing',
    priority: 4,
    rule:
      'Each POST_PURCHASE_STEPS entry once, after the contact’s first paid order. `day_0` is transactional; ' +
      'later steps are marketing and are skipped once a refund or a cancellation happened. The REVIEW_REQUEST_STEP ' +
      `fires only once that order is fully shipped (or completed), waiting for the shipment at most ${REVIEW_REQUEST_MAX_WAIT_MS / 86_400_000} days.`,
  },
  winback_due: {
    trigger: 'winback_due',
    property: 'bc_winback_due_at',
    companions: [],
    kind: 'marketing',
    priority: 5,
    rule: 'Once when a customer passes LAPSED_AFTER since their last paid order; again only after a new paid order.',
  },
  order_placed: {
    trigger: 'order_placed',
    property: 'bc_order_placed_at',
    companions: [],
    kind: 'transactional',
    priority: 0,
    rule: 'Once per order, when it first counts as paid (a pending order fires when it is paid).',
  },
  order_shipped: {
    trigger: 'order_shipped',
    property: 'bc_order_shipped_at',
    companions: [],
    kind: 'transactional',
    priority: 0,
    rule: 'Once per shipment.',
  },
  order_refunded: {
    trigger: 'order_refunded',
    property: 'bc_order_refunded_at',
    companions: [],
    kind: 'transactional',
    priority: 0,
    rule: 'Once per refund, partial ones too.',
  },
  order_cancelled: {
    trigger: 'order_cancelled',
    property: 'bc_order_cancelled_at',
    companions: [],
    kind: 'transactional',
    priority: 0,
    rule: 'Once per order cancelled or declined after it counted as paid.',
  },
}
