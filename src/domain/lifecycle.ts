import { add, divide, ZERO, type Amount } from './money'
import type { ContactState } from './contact-state'
import type { ContactSummary, CustomerStatus, Order } from './model'
import { countsAsPaid, netRevenue, refundedTotal, toBase } from './order-status'
import { emailConsent } from './marketing-consent'
import type { AutomationPolicy } from './automation/policy'
import { byCreation, toIso, toMs } from './automation/time'
import { consentRegion, contactAddress } from './region'

/** How many times the median gap between orders makes a repeat customer `at_risk`. */
export const AT_RISK_GAP_FACTOR = 1.5
export const MAX_CATEGORY_AFFINITY = 3

type LapsePolicy = Pick<AutomationPolicy, 'lapsedAfterMs' | 'marketingSubscriptionTypes'>

export function paidOrdersOldestFirst(state: Pick<ContactState, 'orders'>): Order[] {
  return byCreation(Object.values(state.orders).filter((o) => countsAsPaid(o.statusId)))
}

/** The median; of an even count, the mean of the two middle values. Null when empty. */
export function median(values: number[]): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** Milliseconds between consecutive instants (given oldest first). */
export function gaps(instants: number[]): number[] {
  return instants.slice(1).map((t, i) => t - instants[i])
}

/** When a customer becomes `lapsed`: the last paid order plus LAPSED_AFTER (lapsed from that instant on). */
export function lapseAt(paid: Order[], policy: LapsePolicy): number | null {
  return paid.length === 0 ? null : toMs(paid[paid.length - 1].createdAt) + policy.lapsedAfterMs
}

/** The first instant a repeat customer counts as `at_risk` (strictly more than 1.5× the median gap). */
export function atRiskAt(paid: Order[]): number | null {
  if (paid.length < 2) return null
  const instants = paid.map((o) => toMs(o.createdAt))
  const medianGap = median(gaps(instants)) as number
  return instants[instants.length - 1] + Math.floor(AT_RISK_GAP_FACTOR * medianGap) + 1
}

/**
 * `bc_customer_status`. A prospect (no paid order) is never lapsed: lapsing is about customers who have
 * ordered and stopped, so a subscriber who never bought stays a prospect however long ago they signed up.
 */
export function customerStatus(paid: Order[], now: Date, policy: LapsePolicy): CustomerStatus {
  if (paid.length === 0) return 'prospect'
  const t = now.getTime()
  if (t >= (lapseAt(paid, policy) as number)) return 'lapsed'
  if (paid.length === 1) return 'customer'
  return t >= (atRiskAt(paid) as number) ? 'at_risk' : 'repeat_customer'
}

/** The next instant after `now` when the status changes with no new event (for the Durable Object's alarm). */
export function nextStatusChangeAt(state: Pick<ContactState, 'orders'>, now: Date, policy: LapsePolicy): number | null {
  const paid = paidOrdersOldestFirst(state)
  const lapse = lapseAt(paid, policy)
  const atRisk = atRiskAt(paid)
  // Once lapsed, reaching the at-risk moment changes nothing.
  const moments = [lapse, atRisk !== null && lapse !== null && atRisk < lapse ? atRisk : null]
  const future = moments.filter((m): m is number => m !== null && m > now.getTime())
  return future.length ? Math.min(...future) : null
}

/** A line whose every unit was refunded no longer says anything about what the customer likes. */
export function refundedInFull(line: Order['lines'][number]): boolean {
  return line.quantity > 0 && line.quantityRefunded >= line.quantity
}

/** Up to 3 distinct categories, newest paid order first, line-item order within an order. */
export function categoryAffinity(paidOldestFirst: Order[]): string[] {
  const categories: string[] = []
  for (const order of [...paidOldestFirst].reverse()) {
    for (const line of order.lines) {
      if (!line.category || refundedInFull(line) || categories.includes(line.category)) continue
      categories.push(line.category)
      if (categories.length === MAX_CATEGORY_AFFINITY) return categories
    }
  }
  return categories
}

/** Everything the contact's HubSpot record shows about its lifecycle, derived from its hydrated records. */
export function summarizeContact(state: ContactState, now: Date, policy: LapsePolicy): ContactSummary {
  const paid = paidOrdersOldestFirst(state)
  const all = byCreation(Object.values(state.orders))
  const newest = all[all.length - 1] ?? null
  const first = paid[0] ?? null
  const last = paid[paid.length - 1] ?? null
  const lifetimeValue = add(ZERO, ...paid.map((o) => toBase(o, netRevenue(o))))
  const refunds = all.flatMap((o) => o.refunds)
  const lastRefundMs = refunds.length ? Math.max(...refunds.map((r) => toMs(r.createdAt))) : null
  const customer = state.customer
  const address = contactAddress(state)
  const storefronts = [...new Set(paid.map((o) => o.storefront).filter((s): s is string => Boolean(s)))]
  return {
    email: state.email,
    customerId: firstAccount(state)?.customerId ?? ([...all].reverse().find((o) => o.customerId > 0)?.customerId ?? null),
    customerIds: customerIds(state),
    firstName: customer?.firstName ?? newest?.firstName ?? null,
    lastName: customer?.lastName ?? newest?.lastName ?? null,
    phone: customer?.phone ?? newest?.phone ?? null,
    orderCount: paid.length,
    baseCurrency: newest?.baseCurrency || null,
    lifetimeValue,
    averageOrderValue: paid.length ? divide(lifetimeValue, paid.length) : ZERO,
    firstOrderAt: first ? toIso(toMs(first.createdAt)) : null,
    lastOrderAt: last ? toIso(toMs(last.createdAt)) : null,
    customerStatus: customerStatus(paid, now, policy),
    categoryAffinity: categoryAffinity(paid),
    emailConsent: emailConsent(state, policy),
    refundedTotal: add(ZERO, ...all.map((o) => toBase(o, refundedTotal(o)))) as Amount,
    lastRefundAt: lastRefundMs === null ? null : toIso(lastRefundMs),
    firstOrderChannel: first?.channel ?? null,
    lastOrderChannel: last?.channel ?? null,
    firstStorefront: first?.storefront ?? null,
    storefronts,
    address,
    consentRegion: consentRegion(address?.country ?? null),
    firstSeenAt: firstSeenAt(state),
  }
}

/** The person's first account (the oldest; ids break ties): its id stays `bc_customer_id` whatever changes later. */
function firstAccount(state: ContactState) {
  const accounts = Object.values(state.customers)
  if (accounts.length === 0) return state.customer
  return accounts.reduce((a, b) => (b.createdAt < a.createdAt || (b.createdAt === a.createdAt && b.customerId < a.customerId) ? b : a))
}

/** Every customer id the person is known by: their accounts (one per storefront) and those their orders name. */
export function customerIds(state: ContactState): number[] {
  const ids = [
    ...Object.values(state.customers).map((c) => c.customerId),
    ...(state.customer ? [state.customer.customerId] : []),
    ...Object.values(state.orders).map((o) => o.customerId),
  ]
  return [...new Set(ids.filter((id) => id > 0))].sort((a, b) => a - b)
}

/** The earliest of the account's creation, any order's and any cart's (what duplicates are counted by, per month). */
export function firstSeenAt(state: Pick<ContactState, 'customer' | 'orders' | 'carts'>): string | null {
  const moments = [
    state.customer?.createdAt,
    ...Object.values(state.orders).map((o) => o.createdAt),
    ...Object.values(state.carts).map((c) => c.createdAt),
  ].filter((t): t is string => Boolean(t))
  return moments.length ? toIso(Math.min(...moments.map(toMs))) : null
}
