import Big from 'big.js'
import { FAMILY_OF, type TriggerFamily } from './automation/families'
import type { Trigger } from './model'

/**
 * The outcome of each trigger family (the playbook's "measuring results"), from the store's own orders: of the
 * triggers that fired, how many were followed by a paid order of the contact within the family's window, and
 * the revenue of those orders; and the same for the contacts whose trigger was held back (suppressed or capped)
 * as a comparison group. Observational: the groups differ in more than the trigger (consent, refunds, caps), so
 * the difference is a hint, not a controlled test.
 */
export interface OutcomeRule {
  /** Days after the trigger (post-purchase: after the first order) an order counts. */
  windowDays: number
  measure: string
  /** What the playbook calls a common result, when it names one. */
  reference: { low: number; high: number; text: string } | null
}

export const OUTCOME_RULES: Record<TriggerFamily, OutcomeRule> = {
  cart_abandoned: {
    windowDays: 7,
    measure: 'a paid order within 7 days of the trigger; recovered: the abandoned cart itself became an order',
    reference: { low: 0.03, high: 0.1, text: 'cart recovery 3–10% of abandoned carts' },
  },
  browse_abandoned: { windowDays: 7, measure: 'a paid order within 7 days of the trigger', reference: null },
  order_placed: { windowDays: 60, measure: 'another paid order within 60 days of the trigger', reference: null },
  order_shipped: { windowDays: 30, measure: 'another paid order within 30 days of the shipment', reference: null },
  order_refunded: { windowDays: 60, measure: 'a paid order within 60 days of the refund', reference: null },
  order_cancelled: { windowDays: 30, measure: 'a paid order within 30 days of the cancellation', reference: null },
  post_purchase: {
    windowDays: 60,
    measure: 'a second paid order within 60 days of the first (one per contact: its day_0 step)',
    reference: { low: 0, high: 1, text: 'track the second purchase rate within 30–60 days (no fixed range)' },
  },
  winback: {
    windowDays: 30,
    measure: 'a paid order within 30 days of the winback',
    reference: { low: 0.01, high: 0.05, text: 'winback 1–5% of the lapsed reactivated per month' },
  },
  replenishment: { windowDays: 30, measure: 'a paid order within 30 days of the replenishment date', reference: null },
}

/** One decision with what followed it (read from D1). */
export interface DecisionFollowUp {
  trigger: Trigger
  decision: 'fired' | 'suppressed' | 'deferred'
  at: string
  /** Paid orders of the contact within the family's window (base currency revenue, exact decimal). */
  orders: string[]
  /** Abandoned carts: the cart itself became an order within the window. */
  cartRecovered: boolean
}

export interface GroupFigures {
  count: number
  converted: number
  conversionRate: number | null
  /** Exact decimal, unrounded (the report rounds to the currency's minor units). */
  revenue: string
  /** Abandoned carts only. */
  recovered?: number
  recoveryRate?: number | null
}

export interface WeekOutcome {
  /** ISO week of the decision, `2026-W49`. */
  week: string
  fired: GroupFigures
  heldBack: GroupFigures
}

export interface FamilyOutcome {
  family: TriggerFamily
  rule: OutcomeRule
  weeks: WeekOutcome[]
  total: { fired: GroupFigures; heldBack: GroupFigures }
}

export function familyOutcomes(followUps: DecisionFollowUp[]): FamilyOutcome[] {
  const byFamily = new Map<TriggerFamily, DecisionFollowUp[]>()
  for (const f of followUps) {
    const family = FAMILY_OF[f.trigger]
    byFamily.set(family, [...(byFamily.get(family) ?? []), f])
  }
  return (Object.keys(OUTCOME_RULES) as TriggerFamily[]).map((family) => {
    const all = byFamily.get(family) ?? []
    const weeks = [...new Set(all.map((f) => isoWeek(f.at)))].sort()
    const carts = family === 'cart_abandoned'
    return {
      family,
      rule: OUTCOME_RULES[family],
      weeks: weeks.map((week) => {
        const inWeek = all.filter((f) => isoWeek(f.at) === week)
        return { week, fired: figures(inWeek.filter(fired), carts), heldBack: figures(inWeek.filter(heldBack), carts) }
      }),
      total: { fired: figures(all.filter(fired), carts), heldBack: figures(all.filter(heldBack), carts) },
    }
  })
}

const fired = (f: DecisionFollowUp) => f.decision === 'fired'
const heldBack = (f: DecisionFollowUp) => f.decision !== 'fired'

function figures(group: DecisionFollowUp[], carts: boolean): GroupFigures {
  const converted = group.filter((f) => f.orders.length > 0).length
  const revenue = group.flatMap((f) => f.orders).reduce((sum, r) => sum.plus(r), new Big(0)).toString()
  const result: GroupFigures = { count: group.length, converted, conversionRate: rate(converted, group.length), revenue }
  if (carts) {
    const recovered = group.filter((f) => f.cartRecovered).length
    Object.assign(result, { recovered, recoveryRate: rate(recovered, group.length) })
  }
  return result
}

function rate(part: number, whole: number): number | null {
  return whole > 0 ? Number((part / whole).toFixed(4)) : null
}

/** ISO-8601 week of a UTC instant: `YYYY-Www` (weeks start on Monday; week 1 holds the year's first Thursday). */
export function isoWeek(iso: string): string {
  const date = new Date(iso)
  const day = (date.getUTCDay() + 6) % 7
  const thursday = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() - day + 3))
  const yearStart = Date.UTC(thursday.getUTCFullYear(), 0, 1)
  const week = Math.floor((thursday.getTime() - yearStart) / (7 * 86_400_000)) + 1
  return `${thursday.getUTCFullYear()}-W${String(week).padStart(2, '0')}`
}
