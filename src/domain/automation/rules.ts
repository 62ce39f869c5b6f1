import type { ContactState } from '../contact-state'
import type { FiredTrigger, Order, Trigger } from '../model'
import { countsAsPaid, isCancelled, PENDING_STATUSES, STATUS_NAMES } from '../order-status'
import { replenishmentSchedules } from '../replenishment'
import { cartAbandonment, cartClosedReason } from './cart-abandonment'
import { formatWindow, postPurchaseStepName, REVIEW_REQUEST_MAX_WAIT_MS, type AutomationPolicy } from './policy'
import type { AutomationState, DeferredTrigger } from './state'
import { toIso, toMs } from './time'

/** What every rule reads: the hydrated state, the automation memory (already updated), the policy. */
export interface RuleContext {
  state: ContactState
  now: number
  policy: AutomationPolicy
  memory: AutomationState
  /** Orders that count as paid now, oldest first. */
  paid: Order[]
}

/** A trigger some rule says is (or will be) due. */
export interface Candidate {
  trigger: Trigger
  key: string
  /** When it becomes due. */
  dueAt: number
  marketing: boolean
  /** Why it fires, for the decision record. */
  reason: string
  fired: FiredTrigger
  /** What it is about (cart id, order id, category, ...), kept with a deferred trigger. */
  subject: string
  /** Set when it comes due with its purpose gone: it is settled as cancelled with this reason. */
  skipReason?: string
  /**
   * Set when it is due but must wait for a condition (the review request for its order's shipment): it is
   * deferred until the condition holds, and cancelled with `expired` once `until` has come.
   */
  waitFor?: { reason: string; until: number; expired: string }
}

/** A refund or a cancellation of a paid order: what pauses marketing and ends the post-purchase series. */
export interface Setback {
  at: number
  what: string
}

export function setbacks(ctx: Pick<RuleContext, 'state' | 'memory'>): Setback[] {
  const list: Setback[] = []
  for (const order of Object.values(ctx.state.orders)) {
    for (const r of order.refunds) {
      list.push({ at: toMs(r.createdAt), what: `refund ${r.refundId} on order ${order.orderId} at ${toIso(toMs(r.createdAt))}` })
    }
  }
  for (const [orderId, m] of Object.entries(ctx.memory.paidOrders)) {
    if (m.cancelledAt) list.push({ at: toMs(m.cancelledAt), what: `cancellation of order ${orderId} at ${m.cancelledAt}` })
  }
  return list.sort((a, b) => a.at - b.at)
}

interface CandidateSpec {
  trigger: Trigger
  subject: string | number
  /** The key's tail after the trigger name; the subject when omitted. */
  keyTail?: string
  dueAt: number
  /** The cause's time, the value written; the due time when omitted. */
  at?: number
  marketing: boolean
  reason: string
  extra?: Partial<FiredTrigger>
}

function candidate(spec: CandidateSpec): Candidate {
  const key = `${spec.trigger}:${spec.keyTail ?? spec.subject}`
  const at = toIso(spec.at ?? spec.dueAt)
  const { trigger, dueAt, marketing, reason } = spec
  return { trigger, key, dueAt, marketing, reason, subject: String(spec.subject), fired: { trigger, key, at, ...spec.extra } }
}

// ---- transactional -----------------------------------------------------------------------------------

function orderPlaced(ctx: RuleContext): Candidate[] {
  return Object.entries(ctx.memory.paidOrders).map(([id, m]) => {
    const order = ctx.state.orders[id]
    const status = order ? STATUS_NAMES[order.statusId] : 'no longer known'
    const reason = `order ${id} counts as paid (status ${status})`
    return candidate({ trigger: 'order_placed', subject: id, dueAt: toMs(m.createdAt), marketing: false, reason })
  })
}

function orderShipped(ctx: RuleContext): Candidate[] {
  return Object.values(ctx.state.orders).flatMap((o) =>
    o.shipments.map((s) =>
      candidate({
        trigger: 'order_shipped',
        subject: `${o.orderId}:${s.shipmentId}`,
        dueAt: toMs(s.createdAt),
        marketing: false,
        reason: `shipment ${s.shipmentId} of order ${o.orderId}`,
      }),
    ),
  )
}

function orderRefunded(ctx: RuleContext): Candidate[] {
  return Object.values(ctx.state.orders).flatMap((o) =>
    o.refunds.map((r) =>
      candidate({
        trigger: 'order_refunded',
        subject: `${o.orderId}:${r.refundId}`,
        dueAt: toMs(r.createdAt),
        marketing: false,
        reason: `refund ${r.refundId} of ${r.amount} ${o.currency} on order ${o.orderId}`,
      }),
    ),
  )
}

function orderCancelled(ctx: RuleContext): Candidate[] {
  return Object.entries(ctx.memory.paidOrders).flatMap(([id, m]) => {
    if (!m.cancelledAt) return []
    const reason = `order ${id} was cancelled or declined after it counted as paid`
    return [candidate({ trigger: 'order_cancelled', subject: id, dueAt: toMs(m.cancelledAt), marketing: false, reason })]
  })
}

// ---- post-purchase -----------------------------------------------------------------------------------

/** The contact's first paid order: the oldest that ever counted as paid (a later cancellation keeps it). */
function firstPaidOrder(ctx: RuleContext): { orderId: string; at: number } | null {
  let first: { orderId: string; at: number } | null = null
  for (const [orderId, m] of Object.entries(ctx.memory.paidOrders)) {
    const at = toMs(m.createdAt)
    if (!first || at < first.at || (at === first.at && Number(orderId) < Number(first.orderId))) first = { orderId, at }
  }
  return first
}

function postPurchaseSteps(ctx: RuleContext): Candidate[] {
  const first = firstPaidOrder(ctx)
  if (!first) return []
  const setback = setbacks(ctx).find((s) => s.at <= ctx.now)
  const seen = new Set<string>()
  return ctx.policy.postPurchaseSteps.flatMap((step) => {
    const name = postPurchaseStepName(step)
    if (seen.has(name)) return []
    seen.add(name)
    const dueAt = first.at + step.ms
    const marketing = step.ms > 0
    const c = candidate({
      trigger: 'post_purchase_step',
      subject: name,
      dueAt,
      marketing,
      reason: `post-purchase step ${name} after the first paid order (order ${first.orderId} at ${toIso(first.at)})`,
      extra: { step: name },
    })
    if (marketing && setback) c.skipReason = `later post-purchase steps are skipped after a setback: ${setback.what}`
    else if (marketing && name === ctx.policy.reviewRequestStep) reviewRequest(ctx, c, first.orderId)
    return [c]
  })
}

/** Fully shipped, or completed (picked up, digital): what a review request needs (status ids, never labels). */
const FULFILLED_STATUSES: ReadonlySet<number> = new Set([2, 10])

/**
 * REVIEW_REQUEST_STEP: the step fires only once the order that started the sequence is fully shipped (or
 * completed); until then it waits, at most REVIEW_REQUEST_MAX_WAIT_MS past its due time. Refunds and
 * cancellations already skip it like every later step.
 */
function reviewRequest(ctx: RuleContext, c: Candidate, orderId: string): void {
  const order = ctx.state.orders[orderId]
  const fulfilled = order && (order.fulfillment === 'shipped' || FULFILLED_STATUSES.has(order.statusId))
  if (fulfilled) {
    c.reason += `; review request (REVIEW_REQUEST_STEP): order ${orderId} is fully shipped and nothing was refunded or cancelled`
    return
  }
  const why = order
    ? `order ${orderId} is not fully shipped (${order.fulfillment.replace('_', ' ')}, status ${STATUS_NAMES[order.statusId] ?? order.statusId})`
    : `order ${orderId} is no longer known`
  const until = c.dueAt + REVIEW_REQUEST_MAX_WAIT_MS
  c.waitFor = {
    until,
    reason: `review request (REVIEW_REQUEST_STEP) waits for the shipment: ${why}; cancelled if still not shipped at ${toIso(until)}`,
    expired: `review request (REVIEW_REQUEST_STEP) cancelled: ${why} ${formatWindow(REVIEW_REQUEST_MAX_WAIT_MS)} after the step fell due`,
  }
}

// ---- abandoned cart ----------------------------------------------------------------------------------

function cartsAbandoned(ctx: RuleContext): Candidate[] {
  return Object.values(ctx.state.carts).flatMap((cart) => {
    const abandonment = cartAbandonment(ctx.state, cart, ctx.policy)
    if (!abandonment) return []
    const changed = toMs(cart.updatedAt)
    const dueAt = abandonment.at
    const reason = abandonment.bySignal
      ? `BigCommerce marked cart ${cart.cartId} abandoned at ${toIso(dueAt)}`
      : `cart ${cart.cartId} idle for ${formatWindow(ctx.policy.cartAbandonAfterMs)} since ${toIso(changed)}`
    const extra: Partial<FiredTrigger> = { cartValue: cart.amount, cartCurrency: cart.currency }
    if (cart.recoveryUrl) extra.cartUrl = cart.recoveryUrl
    const keyTail = `${cart.cartId}:${toIso(changed)}`
    return [candidate({ trigger: 'cart_abandoned', subject: cart.cartId, keyTail, dueAt, marketing: true, reason, extra })]
  })
}

function cartGoneReason(ctx: RuleContext, d: DeferredTrigger): string {
  const cart = ctx.state.carts[d.subject]
  if (!cart) return `cart ${d.subject} is no longer known`
  return cartClosedReason(ctx.state, cart) ?? `cart ${cart.cartId} changed again; its new quiet period is a new trigger`
}

// ---- browse abandoned --------------------------------------------------------------------------------

/** The last moment the contact carted or ordered: views before it were followed by a cart or an order. */
function lastShoppingActivity(state: ContactState): number {
  const moments = [
    ...Object.values(state.carts).flatMap((c) => [toMs(c.createdAt), toMs(c.updatedAt)]),
    ...Object.values(state.orders).map((o) => toMs(o.createdAt)),
  ]
  return moments.length ? Math.max(...moments) : Number.NEGATIVE_INFINITY
}

function browseAbandoned(ctx: RuleContext): Candidate[] {
  const since = lastShoppingActivity(ctx.state)
  const views = ctx.state.productViews
    .filter((v) => toMs(v.at) > since)
    .sort((a, b) => toMs(a.at) - toMs(b.at))
  if (views.length === 0) return []
  const last = views[views.length - 1]
  const lastAt = toMs(last.at)
  const dueAt = lastAt + ctx.policy.browseAbandonAfterMs
  const productName = last.productName ?? [...views].reverse().find((v) => v.productName)?.productName ?? undefined
  const reason =
    `${views.length} product view(s), the last at ${toIso(lastAt)}` +
    `${productName ? ` (${productName})` : ''}, then no cart or order for ${formatWindow(ctx.policy.browseAbandonAfterMs)}`
  const extra = productName ? { productName } : {}
  return [candidate({ trigger: 'browse_abandoned', subject: toIso(lastAt), dueAt, marketing: true, reason, extra })]
}

function browseGoneReason(ctx: RuleContext, d: DeferredTrigger): string {
  return lastShoppingActivity(ctx.state) >= toMs(d.subject)
    ? 'a cart or an order came after the product views'
    : 'more product views came since; the browse window restarted'
}

// ---- winback -----------------------------------------------------------------------------------------

function winback(ctx: RuleContext): Candidate[] {
  const last = ctx.paid[ctx.paid.length - 1]
  if (!last) return []
  const lastAt = toMs(last.createdAt)
  // An order awaiting payment is a customer coming back, not one to win back.
  if (Object.values(ctx.state.orders).some((o) => PENDING_STATUSES.has(o.statusId) && toMs(o.createdAt) > lastAt)) return []
  const dueAt = lastAt + ctx.policy.lapsedAfterMs
  const reason = `no paid order for ${formatWindow(ctx.policy.lapsedAfterMs)} since order ${last.orderId} at ${toIso(lastAt)}`
  return [candidate({ trigger: 'winback_due', subject: last.orderId, dueAt, marketing: true, reason })]
}

function winbackGoneReason(ctx: RuleContext, d: DeferredTrigger): string {
  const orderId = d.subject
  const lastAt = ctx.memory.paidOrders[orderId] ? toMs(ctx.memory.paidOrders[orderId].createdAt) : 0
  const newer = Object.values(ctx.state.orders).find((o) => toMs(o.createdAt) > lastAt && !isCancelled(o.statusId))
  return newer ? `a new order came (order ${newer.orderId})` : `order ${orderId} no longer counts as paid`
}

// ---- replenishment -----------------------------------------------------------------------------------

function replenishment(ctx: RuleContext): Candidate[] {
  return replenishmentSchedules(ctx.paid).map((s) =>
    candidate({
      trigger: 'replenishment_due',
      subject: s.group,
      keyTail: `${s.group}:${toIso(s.dueAt)}`,
      dueAt: s.dueAt,
      marketing: true,
      reason:
        `${s.group} bought in ${s.purchases.length} paid orders, median interval ` +
        `${formatWindow(s.medianIntervalMs)}, last on ${toIso(s.purchases[s.purchases.length - 1])}`,
    }),
  )
}

function replenishmentGoneReason(ctx: RuleContext, d: DeferredTrigger): string {
  const group = d.subject
  const schedule = replenishmentSchedules(ctx.paid).find((s) => s.group === group)
  return schedule && schedule.dueAt > toMs(d.at)
    ? `a new order in ${group} came; next due ${toIso(schedule.dueAt)}`
    : `the orders behind ${group} no longer count`
}

// ---- registry ----------------------------------------------------------------------------------------

type Rule = (ctx: RuleContext) => Candidate[]

export const RULES: Rule[] = [
  orderPlaced,
  orderShipped,
  orderRefunded,
  orderCancelled,
  postPurchaseSteps,
  cartsAbandoned,
  browseAbandoned,
  winback,
  replenishment,
]

/** Why a deferred trigger is no longer a candidate: its cause is gone. */
export function goneReason(ctx: RuleContext, d: DeferredTrigger): string {
  switch (d.trigger) {
    case 'cart_abandoned':
      return cartGoneReason(ctx, d)
    case 'browse_abandoned':
      return browseGoneReason(ctx, d)
    case 'winback_due':
      return winbackGoneReason(ctx, d)
    case 'replenishment_due':
      return replenishmentGoneReason(ctx, d)
    default:
      return 'its cause is gone'
  }
}

/** Updates the memory of orders that counted as paid, and when such an order was first seen cancelled. */
export function rememberPaidOrders(memory: AutomationState, state: ContactState): void {
  for (const order of Object.values(state.orders)) {
    const id = String(order.orderId)
    if (countsAsPaid(order.statusId) && !memory.paidOrders[id]) {
      memory.paidOrders[id] = { createdAt: toIso(toMs(order.createdAt)), cancelledAt: null }
    }
    const m = memory.paidOrders[id]
    if (m && isCancelled(order.statusId) && !m.cancelledAt) m.cancelledAt = toIso(toMs(order.modifiedAt))
  }
}
