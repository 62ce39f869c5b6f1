import type { Selectable } from 'kysely'
import { sql } from 'kysely'
import type { ContactCredit, Credit, OrderCredit } from '../domain/attribution'
import type { Database } from './database'
import { keysIn, meteredBatch, meteredRows, type Meter } from './metered-queries'
import { d1Statement, queryBuilder } from './query-builder'
import { writeState } from './sync-state'

/**
 * The attribution rollup's results (`contact_touches` and `order_attribution`, migrations 0003 and 0010): first
 * and last touch per contact, the credit per order, as last written, so that only changed values are enqueued
 * to HubSpot.
 */

/** A contact_touches row as the rollup computes it (updated_at is the time of the write). */
export type ContactTouchesRow = Omit<Selectable<Database['contact_touches']>, 'updated_at'>

/** An order_attribution row as the rollup computes it; last_touch_id is kept by retention (migrations/0010). */
export type OrderAttributionRow = Omit<Selectable<Database['order_attribution']>, 'updated_at'>

export async function storedContactTouches(
  db: D1Database,
  emails: string[],
  meter?: Meter,
): Promise<Map<string, ContactTouchesRow>> {
  const rows = await meteredRows(db, meter, queryBuilder(db).selectFrom('contact_touches').selectAll().where('email', 'in', keysIn(db, emails)))
  return new Map(rows.map((r) => [r.email, r]))
}

export async function storedOrderAttribution(
  db: D1Database,
  orderIds: number[],
  meter?: Meter,
): Promise<Map<number, OrderAttributionRow>> {
  const rows = await meteredRows(db, meter, queryBuilder(db).selectFrom('order_attribution').selectAll().where('order_id', 'in', keysIn(db, orderIds)))
  return new Map(rows.map((r) => [r.order_id, r]))
}

export function contactTouchesRow(email: string, credit: ContactCredit): ContactTouchesRow {
  return {
    email,
    first_touch_id: credit.firstTouchId,
    first_channel: credit.first?.channel ?? null,
    first_source: credit.first?.source ?? null,
    first_medium: credit.first?.medium ?? null,
    first_campaign: credit.first?.campaign ?? null,
    first_at: credit.first?.at ?? null,
    last_touch_id: credit.lastTouchId,
    last_channel: credit.last?.channel ?? null,
    last_source: credit.last?.source ?? null,
    last_medium: credit.last?.medium ?? null,
    last_campaign: credit.last?.campaign ?? null,
    last_at: credit.last?.at ?? null,
  }
}

export function orderAttributionRow(email: string, credit: OrderCredit): OrderAttributionRow {
  const part = (prefix: 'first' | 'last', c: Credit) => ({
    [`${prefix}_channel`]: c.channel,
    [`${prefix}_source`]: c.source,
    [`${prefix}_medium`]: c.medium,
    [`${prefix}_campaign`]: c.campaign,
  })
  return {
    order_id: credit.orderId,
    email,
    channel: credit.attributed.channel,
    source: credit.attributed.source,
    medium: credit.attributed.medium,
    campaign: credit.attributed.campaign,
    touch_id: credit.attributed.touchId,
    touch_at: credit.attributed.at,
    ...part('first', credit.first),
    ...part('last', credit.last),
    last_touch_id: credit.last.touchId,
  } as OrderAttributionRow
}

/** Upserts the rows as one statement per table: the rows travel as one JSON parameter. */
export async function saveAttribution(
  db: D1Database,
  contacts: ContactTouchesRow[],
  orders: OrderAttributionRow[],
  now: number,
  meter?: Meter,
): Promise<void> {
  const k = queryBuilder(db)
  const statements: D1PreparedStatement[] = []
  if (contacts.length > 0) {
    const { columns, rows, updates } = upsertFromJson(db, contacts, 'email', now)
    const upsert = k.insertInto('contact_touches').columns(columns).expression(rows)
    statements.push(d1Statement(db, upsert.onConflict((oc) => oc.column('email').doUpdateSet(updates))))
  }
  if (orders.length > 0) {
    const { columns, rows, updates } = upsertFromJson(db, orders, 'order_id', now)
    const upsert = k.insertInto('order_attribution').columns(columns).expression(rows)
    statements.push(d1Statement(db, upsert.onConflict((oc) => oc.column('order_id').doUpdateSet(updates))))
  }
  await meteredBatch(meter, db, statements)
}

/**
 * The parts of an `INSERT ... SELECT` of every row's fields from `json_each` that updates the rows whose key
 * exists: the columns (the rows' own, then updated_at), the SELECT, and the columns to update from `excluded`.
 */
function upsertFromJson<R extends object>(db: D1Database, rows: R[], key: keyof R & string, now: number) {
  const fields = Object.keys(rows[0]!) as (keyof R & string)[]
  const columns = [...fields, 'updated_at' as const]
  const select = queryBuilder(db)
    .selectFrom(sql<{ value: string }>`json_each(${JSON.stringify(rows)})`.as('row'))
    .select([...fields.map((c) => sql`value ->> ${sql.lit(`$.${c}`)}`.as(c)), sql`${now}`.as('updated_at')])
    // `WHERE true` tells SQLite's parser that ON CONFLICT belongs to the INSERT, not to a join of the SELECT.
    .where(sql<boolean>`true`)
  const updates = Object.fromEntries(columns.filter((c) => c !== key).map((c) => [c, sql.ref(`excluded.${c}`)]))
  return { columns, rows: select, updates }
}

/** The last rollup's figures, for the admin status page (sync_state `attribution_rollup:last_run`). */
export async function recordRollupRun(db: D1Database, stats: object, now: number): Promise<void> {
  await writeState(db, 'attribution_rollup:last_run', stats, now)
}

