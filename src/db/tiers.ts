import type { ValueTier } from '../domain/model'

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
  const row = await db.prepare('SELECT COUNT(*) AS n FROM contacts WHERE paid_order_count > 0').first<{ n: number }>()
  return row?.n ?? 0
}

/** The lifetime value of the customer at a 1-based rank, highest value first. */
export async function valueAtRank(db: D1Database, rank: number): Promise<number | null> {
  const row = await db
    .prepare(
      'SELECT lifetime_value_sort AS v FROM contacts WHERE paid_order_count > 0 ' +
        'ORDER BY lifetime_value_sort DESC LIMIT 1 OFFSET ?1',
    )
    .bind(rank - 1)
    .first<{ v: number }>()
  return row?.v ?? null
}

// The tier each row should have, as SQL; ?1 is the vip threshold, ?2 the high one.
const EXPECTED_TIER =
  "CASE WHEN paid_order_count <= 0 THEN NULL WHEN lifetime_value_sort >= ?1 THEN 'vip' " +
  "WHEN lifetime_value_sort >= ?2 THEN 'high' ELSE 'standard' END"

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
  const { results } = await db
    .prepare(
      `SELECT email, ${EXPECTED_TIER} AS tier FROM contacts ` +
        `WHERE email > ?3 AND value_tier IS NOT (${EXPECTED_TIER}) ORDER BY email LIMIT ?4`,
    )
    .bind(vip, high, after, limit)
    .all<TierChange>()
  return results
}

// D1 binds at most 100 parameters per statement.
const EMAILS_PER_STATEMENT = 90

/** Stores the new tiers, one statement per tier and slice of emails, in one batch (one transaction). */
export async function saveTiers(db: D1Database, changes: TierChange[], now: Date): Promise<void> {
  const byTier = new Map<ValueTier | null, string[]>()
  for (const c of changes) byTier.set(c.tier, [...(byTier.get(c.tier) ?? []), c.email])
  const statements: D1PreparedStatement[] = []
  for (const [tier, emails] of byTier) {
    for (let i = 0; i < emails.length; i += EMAILS_PER_STATEMENT) {
      const slice = emails.slice(i, i + EMAILS_PER_STATEMENT)
      const placeholders = slice.map((_, j) => `?${j + 3}`).join(', ')
      statements.push(
        db
          .prepare(`UPDATE contacts SET value_tier = ?1, updated_at = ?2 WHERE email IN (${placeholders})`)
          .bind(tier, now.getTime(), ...slice),
      )
    }
  }
  if (statements.length) await db.batch(statements)
}

/** Remembers the last thresholds in `sync_state` (for the status page and for operators). */
export async function saveThresholds(db: D1Database, thresholds: TierThresholds | null, now: Date): Promise<void> {
  await db
    .prepare(
      'INSERT INTO sync_state (key, value, updated_at) VALUES (?1, ?2, ?3) ' +
        'ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
    )
    .bind('value_tiers', JSON.stringify(thresholds ?? { customers: 0 }), now.getTime())
    .run()
}
