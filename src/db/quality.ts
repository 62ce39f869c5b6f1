import { sql, type ExpressionBuilder, type NotNull } from 'kysely'
import type { ContactKeys } from '../domain/duplicates'
import type { Database } from './database'
import { d1Statement, queryBuilder } from './query-builder'

/**
 * The data-quality queries behind `GET /admin/api/quality` and `GET /admin/api/duplicates` (kysely: grouping,
 * CTEs and percentile offsets). Times: orders.synced_at is unix ms, event_created_at unix s.
 */

export interface MatchCounts {
  /** Orders whose HubSpot write was accepted in the window. */
  synced: number
  /** Of those, the ones with a billing email whose contact exists. */
  matched: number
}

export async function orderMatchCounts(db: D1Database, sinceMs: number): Promise<MatchCounts> {
  const row = await queryBuilder(db)
    .selectFrom('orders as o')
    .select((eb) => [
      eb.fn.countAll<number>().as('synced'),
      eb.fn
        .coalesce(
          eb.fn.sum<number>(
            eb
              .case()
              .when(
                eb.and([
                  eb('o.email', '<>', sql.lit('')),
                  eb.exists(eb.selectFrom('contacts as c').select(eb.lit(1).as('one')).whereRef('c.email', '=', 'o.email')),
                ]),
              )
              .then(eb.lit(1))
              .else(eb.lit(0))
              .end(),
          ),
          eb.lit(0),
        )
        .as('matched'),
    ])
    .where('o.synced_at', 'is not', null)
    .where('o.synced_at', '>=', sinceMs)
    .executeTakeFirst()
  return { synced: row?.synced ?? 0, matched: row?.matched ?? 0 }
}

const moreThanOne = (eb: ExpressionBuilder<Database, 'contacts'>) => eb(eb.fn.countAll(), '>', eb.lit(1))
const normalizedEmail = (eb: ExpressionBuilder<Database, 'contacts'>, email: 'email' | 'contacts.email') =>
  eb.fn<string>('lower', [eb.fn('trim', [email])])

/**
 * The contacts that share a key with another (a normalized email, a customer id, or a phone shared by no more
 * than `maxPhoneGroup` contacts), for domain/duplicates.ts to group. A phone shared by more comes back null:
 * it joins no one.
 */
export async function duplicateCandidates(db: D1Database, maxPhoneGroup: number): Promise<ContactKeys[]> {
  return queryBuilder(db)
    .with('phones', (q) =>
      q
        .selectFrom('contacts')
        .select((eb) => ['phone', eb.fn.countAll<number>().as('n')])
        .where('phone', 'is not', null)
        .groupBy('phone')
        .having(moreThanOne),
    )
    .with('customers', (q) =>
      q
        .selectFrom('contacts')
        .select('customer_id')
        .where((eb) => eb('customer_id', '>', eb.lit(0)))
        .groupBy('customer_id')
        .having(moreThanOne),
    )
    .with('variants', (q) =>
      q
        .selectFrom('contacts')
        .select((eb) => normalizedEmail(eb, 'email').as('email'))
        .groupBy((eb) => normalizedEmail(eb, 'email'))
        .having(moreThanOne),
    )
    .selectFrom('contacts')
    .leftJoin('phones as p', 'p.phone', 'contacts.phone')
    .select((eb) => [
      'contacts.email',
      'contacts.customer_id as customerId',
      eb.case().when('p.n', '<=', maxPhoneGroup).then(eb.ref('contacts.phone')).end().as('phone'),
      'contacts.first_seen_at as firstSeenAt',
    ])
    .where((eb) =>
      eb.or([
        eb('p.n', '<=', maxPhoneGroup),
        eb('contacts.customer_id', 'in', eb.selectFrom('customers').select('customer_id')),
        eb(normalizedEmail(eb, 'contacts.email'), 'in', eb.selectFrom('variants').select('email')),
      ]),
    )
    .execute()
}

const month = (eb: ExpressionBuilder<Database, 'contacts'>) => eb.fn<string | null>('substr', ['first_seen_at', eb.lit(1), eb.lit(7)])

/** Contacts per month they became known (`YYYY-MM`), and how many in all. */
export async function contactsByMonth(db: D1Database): Promise<{ total: number; months: Map<string, number> }> {
  const results = await queryBuilder(db)
    .selectFrom('contacts')
    .select((eb) => [month(eb).as('month'), eb.fn.countAll<number>().as('n')])
    .groupBy(month)
    .execute()
  const months = new Map(results.filter((r) => r.month !== null).map((r) => [r.month!, r.n]))
  return { total: results.reduce((sum, r) => sum + r.n, 0), months }
}

/** Phones shared by more than `maxPhoneGroup` contacts (a store's own number, a relay): left out, most shared first. */
export async function crowdedPhones(db: D1Database, maxPhoneGroup: number, limit: number): Promise<{ phone: string; contacts: number }[]> {
  return queryBuilder(db)
    .selectFrom('contacts')
    .select((eb) => ['phone', eb.fn.countAll<number>().as('contacts')])
    .where('phone', 'is not', null)
    .$narrowType<{ phone: NotNull }>()
    .groupBy('phone')
    .having((eb) => eb(eb.fn.countAll(), '>', maxPhoneGroup))
    .orderBy('contacts', 'desc')
    .orderBy('phone')
    .limit(limit)
    .execute()
}

export interface LatencySample {
  samples: number
  /** Nearest-rank percentiles in ms, null without samples. */
  percentiles: Record<number, number | null>
}

/**
 * Live events only: an order first written by the backfill (before any webhook named it) or never named by a
 * webhook has no latency to measure.
 */
function liveOrdersSyncedSince(db: D1Database, sinceMs: number) {
  return queryBuilder(db)
    .selectFrom('orders')
    .where('synced_at', 'is not', null)
    .where('synced_at', '>=', sinceMs)
    .where('event_created_at', 'is not', null)
    .where((eb) => eb('synced_at', '>=', eb('event_created_at', '*', eb.lit(1000))))
}

/** Time from the webhook's created_at to the order's first accepted HubSpot write, for live orders synced in the window. */
export async function eventLatency(db: D1Database, sinceMs: number, percentiles: number[]): Promise<LatencySample> {
  const count = await liveOrdersSyncedSince(db, sinceMs)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst()
  const samples = count?.n ?? 0
  if (samples === 0) return { samples, percentiles: Object.fromEntries(percentiles.map((p) => [p, null])) }
  const results = await db.batch<{ latency: number }>(
    percentiles.map((p) =>
      d1Statement(
        db,
        liveOrdersSyncedSince(db, sinceMs)
          .select((eb) => eb('synced_at', '-', eb('event_created_at', '*', eb.lit(1000))).as('latency'))
          .orderBy('latency')
          .limit(1)
          .offset(Math.max(0, Math.ceil((p / 100) * samples) - 1)),
      ),
    ),
  )
  return {
    samples,
    percentiles: Object.fromEntries(percentiles.map((p, i) => [p, results[i]!.results[0]?.latency ?? null])),
  }
}
