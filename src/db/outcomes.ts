import { FAMILY_OF } from '../domain/automation/families'
import type { DecisionFollowUp } from '../domain/trigger-outcomes'
import { OUTCOME_RULES } from '../domain/trigger-outcomes'
import { TRIGGERS, type Trigger } from '../domain/model'

/**
 * The decisions behind the outcomes report, each with the contact's paid orders in its family's window: fired
 * triggers, and the held-back ones (suppressed, or deferred by the cap and never fired since). Post-purchase
 * counts once per contact (its `day_0` step), measured from the contact's first order.
 */
const WINDOW_DAYS = `CASE td.trigger ${TRIGGERS.map((t) => `WHEN '${t}' THEN ${OUTCOME_RULES[FAMILY_OF[t]].windowDays}`).join(' ')} END`

export async function decisionFollowUps(
  db: D1Database,
  range: { from: string; to: string; storefront?: number | null },
): Promise<DecisionFollowUp[]> {
  // A storefront: contacts who ordered or kept a cart there, and only their orders there count as conversions.
  const storefront = range.storefront ?? null
  const onStorefront = storefront === null ? '' : `AND (EXISTS (SELECT 1 FROM orders so WHERE so.email = td.email AND coalesce(so.channel_id, 1) = ?3)
             OR EXISTS (SELECT 1 FROM carts sc WHERE sc.email = td.email AND coalesce(sc.channel_id, 1) = ?3))`
  const orderOnStorefront = storefront === null ? '' : 'AND coalesce(o.channel_id, 1) = ?3'
  const { results } = await db
    .prepare(
      `WITH d AS (
         SELECT td.id, td.trigger, td.decision, td.at, td.trigger_key, td.email, ${WINDOW_DAYS} AS days,
           CASE WHEN td.trigger = 'post_purchase_step'
             THEN (SELECT c.first_order_at FROM contacts c WHERE c.email = td.email) ELSE td.at END AS start
         FROM trigger_decisions td
         WHERE td.at >= ?1 AND td.at < ?2 AND td.decision IN ('fired', 'suppressed', 'deferred')
           AND (td.trigger <> 'post_purchase_step' OR td.trigger_key LIKE '%:day_0')
           AND (td.decision <> 'deferred' OR NOT EXISTS (
             SELECT 1 FROM trigger_decisions f WHERE f.email = td.email AND f.trigger_key = td.trigger_key AND f.decision = 'fired'))
           ${onStorefront}
       )
       SELECT d.id, d.trigger, d.decision, d.at, d.trigger_key, o.net_revenue_base, o.cart_id
       FROM d LEFT JOIN orders o ON o.email = d.email AND o.counts_as_paid = 1 AND d.start IS NOT NULL ${orderOnStorefront}
         AND o.created_at > d.start AND o.created_at <= strftime('%Y-%m-%dT%H:%M:%fZ', d.start, '+' || d.days || ' days')
       ORDER BY d.id`,
    )
    .bind(...(storefront === null ? [range.from, range.to] : [range.from, range.to, storefront]))
    .all<{
      id: number
      trigger: Trigger
      decision: DecisionFollowUp['decision']
      at: string
      trigger_key: string
      net_revenue_base: string | null
      cart_id: string | null
    }>()
  const byDecision = new Map<number, DecisionFollowUp>()
  for (const row of results) {
    const followUp = byDecision.get(row.id) ?? { trigger: row.trigger, decision: row.decision, at: row.at, orders: [], cartRecovered: false }
    if (row.net_revenue_base !== null) {
      followUp.orders.push(row.net_revenue_base)
      // cart_abandoned:<cart id>:<quiet period start>
      if (row.trigger === 'cart_abandoned' && row.cart_id && row.trigger_key.split(':')[1] === row.cart_id) followUp.cartRecovered = true
    }
    byDecision.set(row.id, followUp)
  }
  return [...byDecision.values()]
}

/** The store's base currency, as its orders record it (null before the first order). */
export async function storeBaseCurrency(db: D1Database): Promise<string | null> {
  const row = await db.prepare('SELECT coalesce(base_currency, currency) AS currency FROM orders LIMIT 1').first<{ currency: string }>()
  return row?.currency ?? null
}
