import { decisionFollowUps, storeBaseCurrency } from '../db/outcomes'
import { toMinorUnits } from '../domain/money'
import { familyOutcomes, type GroupFigures } from '../domain/trigger-outcomes'

/**
 * `GET /admin/api/outcomes`: per trigger family and ISO week, what followed the triggers that fired, and the
 * same for those held back (suppressed or capped) as a comparison group. Revenue in the store's base currency,
 * in its minor units. Outcomes stay in the worker: nothing here is written to HubSpot.
 */
export const COMPARISON_NOTE =
  'heldBack: contacts whose trigger was suppressed or capped (deferred and never fired). Observational, not a ' +
  'controlled test: those contacts differ in more than the trigger (consent, a recent refund, how often they shop).'

export async function outcomesReport(db: D1Database, range: { from: Date; to: Date; storefront?: number }) {
  const storefront = range.storefront ?? null
  const followUps = await decisionFollowUps(db, { from: range.from.toISOString(), to: range.to.toISOString(), storefront })
  const currency = await storeBaseCurrency(db)
  const money = (g: GroupFigures) => ({ ...g, revenue: toMinorUnits(g.revenue, currency) })
  return {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    storefront,
    currency,
    note: COMPARISON_NOTE,
    families: familyOutcomes(followUps).map((f) => ({
      family: f.family,
      windowDays: f.rule.windowDays,
      measure: f.rule.measure,
      reference: f.rule.reference,
      total: { fired: money(f.total.fired), heldBack: money(f.total.heldBack) },
      weeks: f.weeks.map((w) => ({ week: w.week, fired: money(w.fired), heldBack: money(w.heldBack) })),
    })),
  }
}
