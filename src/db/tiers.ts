import { count, desc, gt, inArray } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import { sql, type ExpressionBuilder } from 'kysely'
import type { ValueTier } from '../domain/model'
import type { Database } from './database'
import { queryBuilder } from './query-builder'
import { contacts } from './schema'
import { writeState } from './sync-state'

/**
 * The queries of the value-tier cron over the `contacts` table. Customers are rows with a paid order; the
 * ranking column is `lifetime_value_sort` (the decimal `lifetime_value` as a number, for ordering only).
 */

export interface TierThresholds {
  customers: number
  /** The lifetime value at rank ceil(10%): this value and above is `vip`. */
  vip: number
  /** The lifetime value at rank ceil(30%): this value and above (below vip) is `high`. */
  high: number
}

export interface TierChange {
  email: string
  /** The tier the row should have; null for a contact with no paid order. */
  tier: ValueTier | null
}

export async function countCustomers(db: D1Database): Promise<number> {
  const [row] = await drizzle(db).select({ n: count() }).from(contacts).where(gt(contacts.paidOrderCount, 0))
  return row?.n ?? 0
}

/** The lifetime value of the customer at a 1-based rank, highest value first. */
export async function valueAtRank(db: D1Database, rank: number): Promise<number | null> {
  const [row] = await drizzle(db)
    .select({ v: contacts.lifetimeValueSort })
    .from(contacts)
    .where(gt(contacts.paidOrderCount, 0))
    .orderBy(desc(contacts.lifetimeValueSort))
    .limit(1)
    .offset(rank - 1)
  return row?.v ?? null
}

/** The tier a row should have under the thresholds, as SQL. */
function expectedTier(eb: ExpressionBuilder<Database, 'contacts'>, vip: number, high: number) {
  return eb
    .case()
    .when('paid_order_count', '<=', eb.lit(0))
    .then(eb.lit(null))
    .when('lifetime_value_sort', '>=', vip)
    .then(sql.lit<ValueTier>('vip'))
    .when('lifetime_value_sort', '>=', high)
    .then(sql.lit<ValueTier>('high'))
    .else(sql.lit<ValueTier>('standard'))
    .end()
}

/**
 * Up to `limit` rows after the `after` email whose stored tier differs from what the thresholds give (`IS NOT`
 * also catches NULLs): new customers, customers who crossed a threshold, former customers still carrying a
 * tier. Walking by email (the primary key) reads each row once per run, however many chunks it takes.
 * With no customers at all, the thresholds are +∞ and only rows to clear come back.
 */
export async function tierChanges(
  db: D1Database,
  thresholds: TierThresholds | null,
  after: string,
  limit: number,
): Promise<TierChange[]> {
  const vip = thresholds?.vip ?? Number.MAX_VALUE
  const high = thresholds?.high ?? Number.MAX_VALUE
  return queryBuilder(db)
    .selectFrom('contacts')
    .select((eb) => ['email', expectedTier(eb, vip, high).as('tier')])
    .where('email', '>', after)
    .where((eb) => eb('value_tier', 'is not', expectedTier(eb, vip, high)))
    .orderBy('email')
    .limit(limit)
    .execute()
}

// D1 binds at most 100 parameters per statement.
const EMAILS_PER_STATEMENT = 90

/** Stores the new tiers, one statement per tier and slice of emails, in one batch (one transaction). */
export async function saveTiers(db: D1Database, changes: TierChange[], now: Date): Promise<void> {
  const byTier = new Map<ValueTier | null, string[]>()
  for (const c of changes) byTier.set(c.tier, [...(byTier.get(c.tier) ?? []), c.email])
  const d = drizzle(db)
  const statements = [...byTier].flatMap(([tier, emails]) => {
    const slices: string[][] = []
    for (let i = 0; i < emails.length; i += EMAILS_PER_STATEMENT) slices.push(emails.slice(i, i + EMAILS_PER_STATEMENT))
    return slices.map((slice) =>
      d.update(contacts).set({ valueTier: tier, updatedAt: now.getTime() }).where(inArray(contacts.email, slice)),
    )
  })
  const [first, ...rest] = statements
  if (first) await d.batch([first, ...rest])
}

/** Remembers the last thresholds in `sync_state` (for the status page and for operators). */
export async function saveThresholds(db: D1Database, thresholds: TierThresholds | null, now: Date): Promise<void> {
  await writeState(db, 'value_tiers', thresholds ?? { customers: 0 }, now.getTime())
}
