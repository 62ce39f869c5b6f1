import { sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import type { ContactSummary, Order } from '../domain/model'
import { toNumber } from '../domain/money'
import { countsAsPaid, netRevenue, refundedTotal, toBase } from '../domain/order-status'
import { contacts, orders, triggerDecisions } from './schema'
import { shadowDecisionInserts, type PublishedDecision } from './shadow-decisions'

/**
 * The cross-contact figures a contact's Durable Object publishes to D1 after each change: its own row
 * (ranked by the value-tier cron, compared for duplicates), its orders (reports, attribution), and its trigger
 * decisions (admin API).
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
    phone: summary.phone,
    firstName: summary.firstName,
    lastName: summary.lastName,
    firstSeenAt: summary.firstSeenAt ?? now.toISOString(),
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
    d.insert(contacts).values(contactRow).onConflictDoUpdate({
      target: contacts.email,
      // Known since the earliest moment anything said so (a first publish without dates says "now").
      set: { ...contactRow, firstSeenAt: sql`min(coalesce(${contacts.firstSeenAt}, excluded.first_seen_at), excluded.first_seen_at)` },
    }),
    ...changedOrders.map((order) => {
      // The order belongs to the contact: the billing email's, or the person's it was linked to.
      const row = { ...orderRow(order), email: summary.email }
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

/** A contact's row as the duplicate review and its audit show it. */
export interface ContactFigures {
  email: string
  customerId: number | null
  phone: string | null
  firstName: string | null
  lastName: string | null
  paidOrderCount: number
  lifetimeValue: string
  lifetimeValueSort: number
  customerStatus: string
  valueTier: string | null
  firstSeenAt: string | null
}

export async function contactFigures(db: D1Database, emails: string[]): Promise<ContactFigures[]> {
  if (emails.length === 0) return []
  const { results } = await db
    .prepare(
      `SELECT email, customer_id AS customerId, phone, first_name AS firstName, last_name AS lastName,
         paid_order_count AS paidOrderCount, lifetime_value AS lifetimeValue, lifetime_value_sort AS lifetimeValueSort,
         customer_status AS customerStatus, value_tier AS valueTier, first_seen_at AS firstSeenAt
       FROM contacts WHERE email IN (SELECT value FROM json_each(?1)) ORDER BY email`,
    )
    .bind(JSON.stringify(emails))
    .all<ContactFigures>()
  return results
}

/**
 * Contacts on phones that a registered customer and a guest share, with no more than `maxPhoneGroup` contacts
 * on the phone (IDENTITY_AUTO_LINK=phone decides which of them are one person).
 */
export async function contactsSharingPhones(db: D1Database, maxPhoneGroup: number) {
  const { results } = await db
    .prepare(
      `WITH phones AS (
         SELECT phone FROM contacts WHERE phone IS NOT NULL GROUP BY phone
         HAVING count(*) BETWEEN 2 AND ?1 AND sum(customer_id > 0) >= 1 AND sum(coalesce(customer_id, 0) <= 0) >= 1)
       SELECT email, customer_id AS customerId, phone, first_name AS firstName, last_name AS lastName
       FROM contacts WHERE phone IN (SELECT phone FROM phones) ORDER BY phone, email`,
    )
    .bind(maxPhoneGroup)
    .all<{ email: string; customerId: number | null; phone: string; firstName: string | null; lastName: string | null }>()
  return results
}
