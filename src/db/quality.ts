/**
 * The data-quality queries behind `GET /admin/api/quality`. Raw SQL: window functions and percentile offsets
 * are clearer here than in a query builder. Times: orders.synced_at is unix ms, event_created_at unix s.
 */

export interface MatchCounts {
  /** Orders whose HubSpot write was accepted in the window. */
  synced: number
  /** Of those, the ones with a billing email whose contact exists. */
  matched: number
}

export async function orderMatchCounts(db: D1Database, sinceMs: number): Promise<MatchCounts> {
  const row = await db
    .prepare(
      `SELECT count(*) AS synced,
         coalesce(sum(CASE WHEN o.email <> '' AND EXISTS (SELECT 1 FROM contacts c WHERE c.email = o.email)
           THEN 1 ELSE 0 END), 0) AS matched
       FROM orders o WHERE o.synced_at IS NOT NULL AND o.synced_at >= ?1`,
    )
    .bind(sinceMs)
    .first<MatchCounts>()
  return { synced: row?.synced ?? 0, matched: row?.matched ?? 0 }
}

export type DuplicateReason = 'email_variant' | 'shared_customer_id'

export interface DuplicateFigures {
  contacts: number
  duplicates: number
  examples: { email: string; reason: DuplicateReason }[]
}

// A contact is a duplicate when another sorts before it with the same email up to case and whitespace
// (the normalized spelling sorts first), or with the same BigCommerce customer id: the first of each group is
// the original, the rest are extra.
const RANKED = `WITH ranked AS (
  SELECT email, customer_id,
    row_number() OVER (PARTITION BY lower(trim(email)) ORDER BY email <> lower(trim(email)), email) AS email_rank,
    row_number() OVER (PARTITION BY customer_id ORDER BY email) AS customer_rank
  FROM contacts
), extra AS (
  SELECT email, CASE WHEN email_rank > 1 THEN 'email_variant' ELSE 'shared_customer_id' END AS reason
  FROM ranked WHERE email_rank > 1 OR (customer_id IS NOT NULL AND customer_id > 0 AND customer_rank > 1)
)`

export async function duplicateContacts(db: D1Database, exampleLimit: number): Promise<DuplicateFigures> {
  const [counts, examples] = await db.batch([
    db.prepare(`${RANKED} SELECT (SELECT count(*) FROM contacts) AS contacts, (SELECT count(*) FROM extra) AS duplicates`),
    db.prepare(`${RANKED} SELECT email, reason FROM extra ORDER BY email LIMIT ?1`).bind(exampleLimit),
  ])
  const figures = (counts!.results[0] ?? { contacts: 0, duplicates: 0 }) as { contacts: number; duplicates: number }
  return { ...figures, examples: examples!.results as DuplicateFigures['examples'] }
}

export interface LatencySample {
  samples: number
  /** Nearest-rank percentiles in ms, null without samples. */
  percentiles: Record<number, number | null>
}

// Live events only: an order first written by the backfill (before any webhook named it) or never named by a
// webhook has no latency to measure.
const LATENCY_WHERE =
  'synced_at IS NOT NULL AND synced_at >= ?1 AND event_created_at IS NOT NULL AND synced_at >= event_created_at * 1000'

/** Time from the webhook's created_at to the order's first accepted HubSpot write, for live orders synced in the window. */
export async function eventLatency(db: D1Database, sinceMs: number, percentiles: number[]): Promise<LatencySample> {
  const count = await db.prepare(`SELECT count(*) AS n FROM orders WHERE ${LATENCY_WHERE}`).bind(sinceMs).first<{ n: number }>()
  const samples = count?.n ?? 0
  if (samples === 0) return { samples, percentiles: Object.fromEntries(percentiles.map((p) => [p, null])) }
  const results = await db.batch(
    percentiles.map((p) =>
      db
        .prepare(
          `SELECT synced_at - event_created_at * 1000 AS latency FROM orders WHERE ${LATENCY_WHERE}
           ORDER BY latency LIMIT 1 OFFSET ?2`,
        )
        .bind(sinceMs, Math.max(0, Math.ceil((p / 100) * samples) - 1)),
    ),
  )
  return {
    samples,
    percentiles: Object.fromEntries(
      percentiles.map((p, i) => [p, (results[i]!.results[0] as { latency: number } | undefined)?.latency ?? null]),
    ),
  }
}
