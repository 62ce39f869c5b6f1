import { sql as drizzleSql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import { sql } from 'kysely'
import { FAMILY_OF } from '../domain/automation/families'
import type { DecisionFollowUp } from '../domain/trigger-outcomes'
import { OUTCOME_RULES } from '../domain/trigger-outcomes'
import { TRIGGERS, type Trigger } from '../domain/model'
import { queryBuilder } from './query-builder'
import { orders } from './schema'

/**
 * The decisions behind the outcomes report, each with the contact's paid orders in its family's window: fired
 * triggers, and the held-back ones (suppressed, or deferred by the cap and never fired since). Post-purchase
 * counts once per contact (its `day_0` step), measured from the contact's first order.
 */
const windowDays = sql<number>`CASE td.trigger ${sql.join(
  TRIGGERS.map((t) => sql`WHEN ${sql.lit(t)} THEN ${sql.lit(OUTCOME_RULES[FAMILY_OF[t]].windowDays)}`),
  sql` `,
)} END`

export async function decisionFollowUps(
  db: D1Database,
  range: { from: string; to: string; storefront?: number | null },
): Promise<DecisionFollowUp[]> {
  // A storefront: contacts who ordered or kept a cart there, and only their orders there count as conversions.
  const storefront = range.storefront ?? null
  const one = sql.lit(1).as('one')
  const results = await queryBuilder(db)
    .with('d', (qb) => qb
      .selectFrom('trigger_decisions as td')
      .select((eb) => [
        'td.id', 'td.trigger', 'td.decision', 'td.at', 'td.trigger_key', 'td.email', windowDays.as('days'),
        eb
          .case()
          .when('td.trigger', '=', 'post_purchase_step')
          .then(eb.selectFrom('contacts as c').select('c.first_order_at').whereRef('c.email', '=', 'td.email'))
          .else(eb.ref('td.at'))
          .end()
          .as('start'),
      ])
      .where('td.at', '>=', range.from)
      .where('td.at', '<', range.to)
      .where('td.decision', 'in', ['fired', 'suppressed', 'deferred'])
      .where((eb) => eb.or([eb('td.trigger', '<>', 'post_purchase_step'), eb('td.trigger_key', 'like', '%:day_0')]))
      .where((eb) => eb.or([
        eb('td.decision', '<>', 'deferred'),
        eb.not(eb.exists(eb
          .selectFrom('trigger_decisions as f')
          .select(one)
          .whereRef('f.email', '=', 'td.email')
          .whereRef('f.trigger_key', '=', 'td.trigger_key')
          .where('f.decision', '=', 'fired'))),
      ]))
      .$if(storefront !== null, (q) => q.where((eb) => eb.or([
        eb.exists(eb.selectFrom('orders as so').select(one).whereRef('so.email', '=', 'td.email').where((o) => o(o.fn.coalesce('so.channel_id', o.lit(1)), '=', storefront))),
        eb.exists(eb.selectFrom('carts as sc').select(one).whereRef('sc.email', '=', 'td.email').where((c) => c(c.fn.coalesce('sc.channel_id', c.lit(1)), '=', storefront))),
      ]))))
    .selectFrom('d')
    .leftJoin('orders as o', (join) => {
      const inWindow = join
        .onRef('o.email', '=', 'd.email')
        .on('o.counts_as_paid', '=', 1)
        .on('d.start', 'is not', null)
        .onRef('o.created_at', '>', 'd.start')
        .on('o.created_at', '<=', sql<string>`strftime('%Y-%m-%dT%H:%M:%fZ', d.start, '+' || d.days || ' days')`)
      return storefront === null ? inWindow : inWindow.on((eb) => eb(eb.fn.coalesce('o.channel_id', eb.lit(1)), '=', storefront))
    })
    .select(['d.id', 'd.trigger', 'd.decision', 'd.at', 'd.trigger_key', 'o.net_revenue_base', 'o.cart_id'])
    .orderBy('d.id')
    .$narrowType<{ trigger: Trigger; decision: DecisionFollowUp['decision'] }>()
    .execute()
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
  const [row] = await drizzle(db).select({ currency: drizzleSql<string>`coalesce(${orders.baseCurrency}, ${orders.currency})` }).from(orders).limit(1)
  return row?.currency ?? null
}
