import type { ContactKeys } from '../domain/duplicates'

/**
 * The data-quality queries behind `GET /admin/api/quality` and `GET /admin/api/duplicates`. Raw SQL: grouping
 * and percentile offsets are clearer here than in a query builder. Times: orders.synced_at is unix ms,
 * event_created_at unix s.
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

/**
 * The contacts that share a key with another (a normalized email, a customer id, or a phone shared by no more
 * than `maxPhoneGroup` contacts), for domain/duplicates.ts to group. A phone shared by more comes back null:
 * it joins no one.
 */
export async function duplicateCandidates(db: D1Database, maxPhoneGroup: number): Promise<ContactKeys[]> {
  const { results } = await db
    .prepare(
      `WITH phones AS (SELECT phone, count(*) AS n FROM contacts WHERE phone IS NOT NULL GROUP BY phone HAVING n > 1),
         customers AS (SELECT customer_id FROM contacts WHERE customer_id > 0 GROUP BY customer_id HAVING count(*) > 1),
         variants AS (SELECT lower(trim(email)) AS email FROM contacts GROUP BY 1 HAVING count(*) > 1)
       SELECT c.email, c.customer_id AS customerId, CASE WHEN p.n <= ?1 THEN c.phone END AS phone, c.first_seen_at AS firstSeenAt
       FROM contacts c LEFT JOIN phones p ON p.phone = c.phone
       WHERE p.n <= ?1 OR c.customer_id IN (SELECT customer_id FROM customers)
         OR lower(trim(c.email)) IN (SELECT email FROM variants)`,
    )
    .bind(maxPhoneGroup)
    .all<ContactKeys>()
  return results
}

/** Contacts per month they became known (`YYYY-MM`), and how many in all. */
export async function contactsByMonth(db: D1Database): Promise<{ total: number; months: Map<string, number> }> {
  const { results } = await db
    .prepare('SELECT substr(first_seen_at, 1, 7) AS month, count(*) AS n FROM contacts GROUP BY month')
    .all<{ month: string | null; n: number }>()
  const months = new Map(results.filter((r) => r.month !== null).map((r) => [r.month!, r.n]))
  return { total: results.reduce((sum, r) => sum + r.n, 0), months }
}

/** Phones shared by more than `maxPhoneGroup` contacts (a store's own number, a relay): left out, most shared first. */
export async function crowdedPhones(db: D1Database, maxPhoneGroup: number, limit: number): Promise<{ phone: string; contacts: number }[]> {
  const { results } = await db
    .prepare(
      `SELECT phone, count(*) AS contacts FROM contacts WHERE phone IS NOT NULL
       GROUP BY phone HAVING contacts > ?1 ORDER BY contacts DESC, phone LIMIT ?2`,
    )
    .bind(maxPhoneGroup, limit)
    .all<{ phone: string; contacts: number }>()
  return results
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
