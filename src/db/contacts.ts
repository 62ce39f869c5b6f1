import { and, eq, isNotNull, lt } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import { expressionBuilder, sql } from 'kysely'
import type { ContactSummary, Order } from '../domain/model'
import { sortValue } from '../domain/money'
import type { Database } from './database'
import { orderUpsert } from './order-rows'
import { d1Statement, jsonEach, queryBuilder } from './query-builder'
import { contacts } from './schema'
import { shadowDecisionInserts, type InsertGuard, type PublishedDecision } from './shadow-decisions'
import { triggerDecisionInserts } from './trigger-decisions'

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
  const qb = queryBuilder(db)
  const applied = qb
    .selectFrom('contacts')
    .select(sql.lit(1).as('applied'))
    .where('email', '=', summary.email)
    .where('publication_id', '=', id)
  const { not, exists } = expressionBuilder<Database>()
  const notApplied = not(exists(applied))
  // shadow-decisions.ts takes its guard as SQL text: the same subquery, compiled.
  const { sql: appliedSql, parameters } = applied.compile()
  const notAppliedText: InsertGuard = { where: `WHERE NOT EXISTS (${appliedSql})`, params: [...parameters] }
  const contactRow = {
    email: summary.email,
    customer_id: summary.customerId,
    phone: summary.phone,
    first_name: summary.firstName,
    last_name: summary.lastName,
    first_seen_at: summary.firstSeenAt ?? publication.at,
    paid_order_count: summary.orderCount,
    lifetime_value: summary.lifetimeValue,
    lifetime_value_sort: sortValue(summary.lifetimeValue),
    customer_status: summary.customerStatus,
    first_order_at: summary.firstOrderAt,
    last_order_at: summary.lastOrderAt,
    top_category: summary.categoryAffinity[0] ?? null,
    updated_at: Date.parse(publication.at),
    next_wake_at: publication.wakeAt,
    publication_id: id,
  }
  const decisionInserts = triggerDecisionInserts(qb, summary.email, publication.decisions, notApplied)
  const upserts = [
    ...publication.orders.map((order) => orderUpsert(qb, order, summary.email, publication.eventCreatedAt)),
    // Last: it marks this publication applied.
    qb
      .insertInto('contacts')
      .values(contactRow)
      .onConflict((conflict) =>
        conflict.column('email').doUpdateSet((eb) => ({
          ...contactRow,
          // Known since the earliest moment anything said so (a first publish without dates says "now").
          first_seen_at: eb.fn<string>('min', [eb.fn.coalesce('contacts.first_seen_at', 'excluded.first_seen_at'), 'excluded.first_seen_at']),
        })),
      ),
  ]
  await db.batch([
    ...decisionInserts.map((query) => d1Statement(db, query)),
    ...shadowDecisionInserts(db, summary.email, publication.decisions, notAppliedText),
    ...upserts.map((query) => d1Statement(db, query)),
  ])
}

/** The store's top categories: the ones most contacts bought most recently, most buyers first. */
export async function topCategories(db: D1Database, limit: number): Promise<string[]> {
  if (limit <= 0) return []
  const rows = await queryBuilder(db)
    .selectFrom('contacts')
    .select('top_category as category')
    .where('top_category', 'is not', null)
    .groupBy('top_category')
    .orderBy((eb) => eb.fn.countAll(), 'desc')
    .orderBy('top_category')
    .limit(limit)
    .$narrowType<{ category: string }>()
    .execute()
  return rows.map((r) => r.category)
}

/** Contacts whose next wake time passed before `before` (their alarm is overdue), the longest overdue first. */
export async function overdueContacts(db: D1Database, before: number, limit: number): Promise<{ email: string; wakeAt: number }[]> {
  const rows = await drizzle(db)
    .select({ email: contacts.email, wakeAt: contacts.nextWakeAt })
    .from(contacts)
    .where(and(isNotNull(contacts.nextWakeAt), lt(contacts.nextWakeAt, before)))
    .orderBy(contacts.nextWakeAt)
    .limit(limit)
  return rows.map((r) => ({ email: r.email, wakeAt: r.wakeAt! }))
}

/** Nothing is scheduled for this contact any more (its object holds no contact), unless it changed meanwhile. */
export async function clearWake(db: D1Database, email: string, wakeAt: number): Promise<void> {
  await drizzle(db)
    .update(contacts)
    .set({ nextWakeAt: null })
    .where(and(eq(contacts.email, email), eq(contacts.nextWakeAt, wakeAt)))
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
  const qb = queryBuilder(db)
  return qb
    .selectFrom('contacts')
    .select([
      'email',
      'customer_id as customerId',
      'phone',
      'first_name as firstName',
      'last_name as lastName',
      'paid_order_count as paidOrderCount',
      'lifetime_value as lifetimeValue',
      'lifetime_value_sort as lifetimeValueSort',
      'customer_status as customerStatus',
      'value_tier as valueTier',
      'first_seen_at as firstSeenAt',
    ])
    .where('email', 'in', qb.selectFrom(jsonEach(emails).as('each')).select('each.value'))
    .orderBy('email')
    .execute()
}

/**
 * Contacts on phones that a registered customer and a guest share, with no more than `maxPhoneGroup` contacts
 * on the phone (IDENTITY_AUTO_LINK=phone decides which of them are one person).
 */
export async function contactsSharingPhones(db: D1Database, maxPhoneGroup: number) {
  return queryBuilder(db)
    .with('phones', (qb) =>
      qb
        .selectFrom('contacts')
        .select('phone')
        .where('phone', 'is not', null)
        .groupBy('phone')
        .having((eb) =>
          eb.and([
            eb.between(eb.fn.countAll(), 2, maxPhoneGroup),
            eb(eb.fn.sum(eb('customer_id', '>', 0)), '>=', 1),
            eb(eb.fn.sum(eb(eb.fn.coalesce('customer_id', eb.lit(0)), '<=', 0)), '>=', 1),
          ]),
        ),
    )
    .selectFrom('contacts')
    .select(['email', 'customer_id as customerId', 'phone', 'first_name as firstName', 'last_name as lastName'])
    .where('phone', 'in', (eb) => eb.selectFrom('phones').select('phone'))
    .orderBy('phone')
    .orderBy('email')
    .$narrowType<{ phone: string }>()
    .execute()
}
