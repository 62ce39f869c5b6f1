import { sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import type { ContactSummary, Order } from '../domain/model'
import { toNumber } from '../domain/money'
import { countsAsPaid, netRevenue, refundedTotal, toBase } from '../domain/order-status'
import { contacts, orders, triggerDecisions } from './schema'
import { shadowDecisionInserts, type PublishedDecision } from './shadow-decisions'

/**
 * The cross-contact figures a contact's Durable Object publishes to D1 after each change: its own row
 * (ranked by the value-tier cron), its orders (reports, attribution), and its trigger decisions (admin API).
 */
export async function publishContactFigures(
  db: D1Database,
  summary: ContactSummary,
  changedOrders: Order[],
  decisions: PublishedDecision[],
  eventCreatedAt: number | null,
  now: Date,
): Promise<void> {
  const d = drizzle(db)
  const contactRow = {
    email: summary.email,
    customerId: summary.customerId,
    paidOrderCount: summary.orderCount,
    lifetimeValue: summary.lifetimeValue,
    lifetimeValueSort: toNumber(summary.lifetimeValue),
    customerStatus: summary.customerStatus,
    firstOrderAt: summary.firstOrderAt,
    lastOrderAt: summary.lastOrderAt,
    topCategory: summary.categoryAffinity[0] ?? null,
    updatedAt: now.getTime(),
  }
  const statements = [
    d.insert(contacts).values(contactRow).onConflictDoUpdate({ target: contacts.email, set: contactRow }),
    ...changedOrders.map((order) => {
      const row = orderRow(order)
      return d
        .insert(orders)
        .values({ ...row, eventCreatedAt })
        .onConflictDoUpdate({
          target: orders.orderId,
          // Latency is measured from the first delivery that told us about the order.
          set: { ...row, eventCreatedAt: sql`coalesce(${orders.eventCreatedAt}, excluded.event_created_at)` },
        })
    }),
    ...decisions.flatMap(({ decision, ...rest }) =>
      decision === 'shadowed'
        ? []
        : [d.insert(triggerDecisions).values({
            email: summary.email,
            trigger: rest.trigger,
            triggerKey: rest.key,
            decision,
            reason: rest.reason,
            at: rest.at,
          })],
    ),
    ...shadowDecisionInserts(d, summary.email, decisions),
  ]
  const [first, ...rest] = statements
  await d.batch([first!, ...rest])
}

export function orderRow(order: Order) {
  const net = netRevenue(order)
  return {
    orderId: order.orderId,
    email: order.email,
    customerId: order.customerId,
    statusId: order.statusId,
    countsAsPaid: countsAsPaid(order.statusId),
    createdAt: order.createdAt,
    modifiedAt: order.modifiedAt,
    currency: order.currency,
    baseCurrency: order.baseCurrency,
    totalIncTax: order.totalIncTax,
    refunded: refundedTotal(order),
    netRevenue: net,
    netRevenueBase: toBase(order, net),
    channel: order.channel,
    channelId: order.channelId,
    cartId: order.cartId,
  }
}

/** The store's top categories: the ones most contacts bought most recently, most buyers first. */
export async function topCategories(db: D1Database, limit: number): Promise<string[]> {
  if (limit <= 0) return []
  const { results } = await db
    .prepare(
      `SELECT top_category AS category FROM contacts WHERE top_category IS NOT NULL
       GROUP BY top_category ORDER BY count(*) DESC, top_category LIMIT ?`,
    )
    .bind(limit)
    .all<{ category: string }>()
  return results.map((r) => r.category)
}
