import { inArray, sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import type { ContactSummary, Order } from '../domain/model'
import { sortValue } from '../domain/money'
import { countsAsPaid, netRevenue, refundedTotal, toBase } from '../domain/order-status'
import { contacts, orders } from './schema'
import { shadowDecisionInserts, type InsertGuard, type PublishedDecision } from './shadow-decisions'

/**
 * What one change of a contact publishes to D1: its own row (ranked by the value-tier cron, compared for
 * duplicates, with its next wake time for the scheduled-work sweep), its changed orders (reports, attribution) and
 * its trigger decisions (admin API). The contact keeps it in its storage, saved with its state, until D1 has it: a
 * retry completes it.
 */
export interface ContactPublication {
  /** Unique per publication: D1 remembers the last one it applied, so a retried publish adds no decision twice. */
  id: string
  summary: ContactSummary
  orders: Order[]
  decisions: PublishedDecision[]
  /** The webhook's `created_at` (unix seconds), for latency figures. */
  eventCreatedAt: number | null
  /** When the change was evaluated (ISO-8601). */
  at: string
  /** The contact's next wake time (its alarm), epoch ms; null when nothing is scheduled. */
  wakeAt: number | null
}

/**
 * Publishes in one D1 batch (a transaction): all of it or nothing. The upserts are idempotent; the decision
 * inserts take effect only if this publication is not the one D1 applied last, which the contact row records.
 */
export async function publishContactFigures(db: D1Database, publication: ContactPublication): Promise<void> {
  const { summary, id } = publication
  const d = drizzle(db)
  const unlessApplied: InsertGuard = {
    where: 'WHERE NOT EXISTS (SELECT 1 FROM contacts WHERE email = ? AND publication_id = ?)',
    params: [summary.email, id],
  }
  const contactRow = {
    email: summary.email,
    customerId: summary.customerId,
    phone: summary.phone,
    firstName: summary.firstName,
    lastName: summary.lastName,
    firstSeenAt: summary.firstSeenAt ?? publication.at,
    paidOrderCount: summary.orderCount,
    lifetimeValue: summary.lifetimeValue,
    lifetimeValueSort: sortValue(summary.lifetimeValue),
    customerStatus: summary.customerStatus,
    firstOrderAt: summary.firstOrderAt,
    lastOrderAt: summary.lastOrderAt,
    topCategory: summary.categoryAffinity[0] ?? null,
    updatedAt: Date.parse(publication.at),
    nextWakeAt: publication.wakeAt,
    publicationId: id,
  }
  const upserts = [
    ...publication.orders.map((order) => {
      // The order belongs to the contact: the billing email's, or the person's it was linked to.
      const row = { ...orderRow(order), email: summary.email }
      return d
        .insert(orders)
        .values({ ...row, eventCreatedAt: publication.eventCreatedAt })
        .onConflictDoUpdate({
          target: orders.orderId,
          // Latency is measured from the first delivery that told us about the order.
          set: { ...row, eventCreatedAt: sql`coalesce(${orders.eventCreatedAt}, excluded.event_created_at)` },
        })
        .toSQL()
    }),
    // Last: it marks this publication applied.
    d
      .insert(contacts)
      .values(contactRow)
      .onConflictDoUpdate({
        target: contacts.email,
        // Known since the earliest moment anything said so (a first publish without dates says "now").
        set: { ...contactRow, firstSeenAt: sql`min(coalesce(${contacts.firstSeenAt}, excluded.first_seen_at), excluded.first_seen_at)` },
      })
      .toSQL(),
  ]
  await db.batch([
    ...publication.decisions.flatMap(({ decision, ...rest }) =>
      decision === 'shadowed'
        ? []
        : [
            db
              .prepare(`INSERT INTO trigger_decisions (email, "trigger", trigger_key, decision, reason, at) SELECT ?, ?, ?, ?, ?, ? ${unlessApplied.where}`)
              .bind(summary.email, rest.trigger, rest.key, decision, rest.reason, rest.at, ...unlessApplied.params),
          ],
    ),
    ...shadowDecisionInserts(db, summary.email, publication.decisions, unlessApplied),
    ...upserts.map((query) => db.prepare(query.sql).bind(...query.params)),
  ])
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

/** Contacts whose next wake time passed before `before` (their alarm is overdue), the longest overdue first. */
export async function overdueContacts(db: D1Database, before: number, limit: number): Promise<{ email: string; wakeAt: number }[]> {
  const { results } = await db
    .prepare(
      `SELECT email, next_wake_at AS wakeAt FROM contacts WHERE next_wake_at IS NOT NULL AND next_wake_at < ?1
       ORDER BY next_wake_at LIMIT ?2`,
    )
    .bind(before, limit)
    .all<{ email: string; wakeAt: number }>()
  return results
}

/** Nothing is scheduled for this contact any more (its object holds no contact), unless it changed meanwhile. */
export async function clearWake(db: D1Database, email: string, wakeAt: number): Promise<void> {
  await db.prepare('UPDATE contacts SET next_wake_at = NULL WHERE email = ?1 AND next_wake_at = ?2').bind(email, wakeAt).run()
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

/** The writer wrote these orders to HubSpot at `at` (epoch ms): the first time is kept (sync latency figures). */
export async function markOrdersSynced(db: D1Database, orderIds: readonly string[], at: number): Promise<void> {
  const ids = orderIds.map(Number).filter(Number.isSafeInteger)
  for (let i = 0; i < ids.length; i += 90) {
    await drizzle(db)
      .update(orders)
      .set({ syncedAt: sql`COALESCE(${orders.syncedAt}, ${at})` })
      .where(inArray(orders.orderId, ids.slice(i, i + 90)))
      .run()
  }
}
