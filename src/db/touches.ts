import { eq } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import { sql, type Compilable, type InferResult, type NotNull, type Selectable } from 'kysely'
import type { ContactCredit, Credit, HitPlan, OrderCredit, StoredTouch, VisitorState } from '../domain/attribution'
import type { Classification } from '../domain/channels'
import type { TouchChannel } from '../domain/model'
import type { Database } from './database'
import { d1Statement, jsonEach, queryBuilder } from './query-builder'
import { beaconVisitors } from './schema'
import { writeState } from './sync-state'

/**
 * Beacon touches, the identity graph, the attribution change stream and the rollup's results, in D1
 * (migrations/0003_attribution.sql). Sets of keys travel as one JSON parameter (`json_each`), so a query
 * never hits D1's limit on bound parameters. The rollup's statements run as D1 statements (`d1Statement`) so
 * that their rows read and written can be metered.
 */

/** Rows read and written, summed from D1's result metadata: what the benchmark reports. */
export class Meter {
  rowsRead = 0
  rowsWritten = 0
  queries = 0
  add(meta: { rows_read?: number; rows_written?: number } | undefined): void {
    this.queries++
    this.rowsRead += meta?.rows_read ?? 0
    this.rowsWritten += meta?.rows_written ?? 0
  }
}

async function all<Q extends Compilable>(db: D1Database, meter: Meter | undefined, query: Q): Promise<InferResult<Q>> {
  const result = await d1Statement(db, query).all()
  meter?.add(result.meta)
  return result.results as InferResult<Q>
}

async function batch(meter: Meter | undefined, db: D1Database, statements: D1PreparedStatement[]): Promise<void> {
  if (statements.length === 0) return
  for (const result of await db.batch(statements)) meter?.add(result.meta)
}

// ---------------------------------------------------------------------------------------------------------
// The beacon route.

export async function getVisitor(db: D1Database, anonymousId: string): Promise<VisitorState | null> {
  const [row] = await drizzle(db)
    .select({
      anonymousId: beaconVisitors.anonymousId,
      lastSeenAt: beaconVisitors.lastSeenAt,
      campaignFingerprint: beaconVisitors.campaignFingerprint,
      cartId: beaconVisitors.cartId,
      customerId: beaconVisitors.customerId,
    })
    .from(beaconVisitors)
    .where(eq(beaconVisitors.anonymousId, anonymousId))
  return row ?? null
}

export interface HitRecord {
  anonymousId: string
  /** The visitor as it was read when the hit was planned (null: unknown until now). */
  seen: VisitorState | null
  at: number
  receivedAt: number
  classification: Classification
  /** Origin and path of the page, no query string. */
  landingPage: string | null
  plan: HitPlan
  /** The storefront (BigCommerce channel id) whose site sent the hit; null when the origin is no known site. */
  channelId?: number | null
}

/**
 * Writes what planHit decided, in one transaction; a hit with nothing new writes nothing. The touch is written
 * only if the visitor is still as it was read: of two hits of one page arriving together (the landing hit and
 * the one carrying the cart id), only the first makes the session's touch.
 */
export async function recordHit(db: D1Database, hit: HitRecord): Promise<void> {
  const { plan, classification: c } = hit
  const k = queryBuilder(db)
  const statements: D1PreparedStatement[] = []
  if (plan.touch) {
    const { reason } = plan.touch
    const visitor = k.selectFrom('beacon_visitors').select((eb) => eb.lit(1).as('one')).where('anonymous_id', '=', hit.anonymousId)
    const { seen } = hit
    const touch = k
      .selectNoFrom((eb) => [
        eb.val(hit.anonymousId).as('anonymous_id'),
        eb.val(hit.at).as('occurred_at'),
        eb.val(c.channel).as('channel'),
        eb.val(c.source).as('source'),
        eb.val(c.medium).as('medium'),
        eb.val(c.campaign).as('campaign'),
        eb.val(c.term).as('term'),
        eb.val(c.content).as('content'),
        eb.val(c.clickId).as('click_id'),
        eb.val(c.referrerHost).as('referrer_host'),
        eb.val(hit.landingPage).as('landing_page'),
        eb.val(reason).as('reason'),
        eb.val(hit.receivedAt).as('received_at'),
        eb.val(hit.channelId ?? null).as('channel_id'),
      ])
      .where((eb) =>
        seen
          ? eb.exists(
              visitor.where('last_seen_at', '=', seen.lastSeenAt).where('campaign_fingerprint', 'is', seen.campaignFingerprint),
            )
          : eb.not(eb.exists(visitor)),
      )
    statements.push(
      d1Statement(
        db,
        k
          .insertInto('touches')
          .columns([
            'anonymous_id',
            'occurred_at',
            'channel',
            'source',
            'medium',
            'campaign',
            'term',
            'content',
            'click_id',
            'referrer_host',
            'landing_page',
            'reason',
            'received_at',
            'channel_id',
          ])
          .expression(touch),
      ),
    )
  }
  for (const identity of plan.identities) {
    statements.push(
      d1Statement(
        db,
        k
          .insertInto('beacon_identities')
          .orIgnore()
          .values({ anonymous_id: hit.anonymousId, kind: identity.kind, value: identity.value, first_seen_at: hit.at }),
      ),
    )
  }
  const v = plan.visitor
  if (v) {
    statements.push(
      d1Statement(
        db,
        k
          .insertInto('beacon_visitors')
          .values({
            anonymous_id: v.anonymousId,
            last_seen_at: v.lastSeenAt,
            campaign_fingerprint: v.campaignFingerprint,
            cart_id: v.cartId,
            customer_id: v.customerId,
            email: null,
          })
          .onConflict((oc) =>
            oc.column('anonymous_id').doUpdateSet((eb) => ({
              last_seen_at: eb.fn<number>('max', ['beacon_visitors.last_seen_at', 'excluded.last_seen_at']),
              campaign_fingerprint: eb.ref('excluded.campaign_fingerprint'),
              cart_id: eb.ref('excluded.cart_id'),
              customer_id: eb.ref('excluded.customer_id'),
              email: null,
            })),
          ),
      ),
    )
  }
  await batch(undefined, db, statements)
}

/** The contact a customer id or cart id belongs to, when the store has told us. */
export async function emailForIdentity(
  db: D1Database,
  identity: { customerId?: number; cartId?: string },
): Promise<string | null> {
  const k = queryBuilder(db)
  const row = await k
    .selectFrom('customer_emails')
    .select('email')
    .where('customer_id', '=', identity.customerId ?? null)
    .unionAll(k.selectFrom('carts').select('email').where('cart_id', '=', identity.cartId ?? null).where('email', 'is not', null).$narrowType<{ email: NotNull }>())
    .unionAll(k.selectFrom('orders').select('email').where('cart_id', '=', identity.cartId ?? null))
    .limit(1)
    .executeTakeFirst()
  return row?.email ?? null
}

// ---------------------------------------------------------------------------------------------------------
// The rollup: the change stream, the identity graph walked from emails, and the results.

export type ChangeKind = 'anon' | 'order' | 'cart' | 'customer' | 'email'
export interface Change {
  seq: number
  kind: ChangeKind
  ref: string
}

export async function readChanges(db: D1Database, limit: number, meter?: Meter): Promise<Change[]> {
  return all(db, meter, queryBuilder(db).selectFrom('attribution_changes').select(['seq', 'kind', 'ref']).orderBy('seq').limit(limit))
}

export async function deleteChangesThrough(db: D1Database, seq: number, meter?: Meter): Promise<void> {
  await batch(meter, db, [d1Statement(db, queryBuilder(db).deleteFrom('attribution_changes').where('seq', '<=', seq))])
}

/**
 * The contacts (emails) whose attribution the given changes can affect. Two rounds of simple indexed lookups
 * (D1 caps the terms of a compound SELECT, so no big UNION).
 */
export async function emailsAffectedBy(db: D1Database, changes: Change[], meter?: Meter): Promise<string[]> {
  const k = queryBuilder(db)
  const refs = (kind: ChangeKind) => [...new Set(changes.filter((c) => c.kind === kind).map((c) => c.ref))]
  const emails = new Set(refs('email'))
  const cartIds = new Set(refs('cart'))
  const customerIds = new Set(refs('customer').map(Number))
  const anon = refs('anon')
  if (anon.length > 0) {
    const idents = await all(
      db,
      meter,
      k.selectFrom('beacon_identities').select(['kind', 'value']).where('anonymous_id', 'in', keysIn(db, anon)),
    )
    for (const { kind, value } of idents) {
      if (kind === 'cart') cartIds.add(value)
      else if (kind === 'customer') customerIds.add(Number(value))
    }
  }
  const orderIds = refs('order').map(Number)
  const carts = [...cartIds]
  const lookups: [Compilable<{ email: string }>, number][] = [
    [k.selectFrom('orders').select('email').where('order_id', 'in', keysIn(db, orderIds)), orderIds.length],
    [
      k
        .selectFrom('carts')
        .select('email')
        .where('cart_id', 'in', keysIn(db, carts))
        .where('email', 'is not', null)
        .$narrowType<{ email: NotNull }>(),
      carts.length,
    ],
    [k.selectFrom('orders').select('email').where('cart_id', 'in', keysIn(db, carts)), carts.length],
    [
      k
        .selectFrom('carts as c')
        .innerJoin('orders as o', 'o.order_id', 'c.order_id')
        .select('o.email')
        .where('c.cart_id', 'in', keysIn(db, carts)),
      carts.length,
    ],
    [k.selectFrom('customer_emails').select('email').where('customer_id', 'in', keysIn(db, [...customerIds])), customerIds.size],
  ]
  const wanted = lookups.filter(([, keys]) => keys > 0)
  if (wanted.length > 0) {
    const results = await db.batch<{ email: string }>(wanted.map(([query]) => d1Statement(db, query)))
    for (const result of results) {
      meter?.add(result.meta)
      for (const row of result.results) emails.add(row.email)
    }
  }
  // An erased person's orders are kept without an email: nobody to credit.
  emails.delete('')
  // An email linked to another person's is that person: its touches count for the canonical contact.
  const linked = await all(
    db,
    meter,
    k
      .selectFrom('identity_links')
      .select(['email', 'canonical_email as canonical'])
      .where('email', 'in', keysIn(db, [...emails])),
  )
  for (const { email, canonical } of linked) {
    emails.delete(email)
    emails.add(canonical)
  }
  return [...emails]
}

/** A set of keys as a subquery: one bound parameter whatever its size. */
function keysIn<T extends string | number>(db: D1Database, keys: readonly T[]) {
  return queryBuilder(db).selectFrom(jsonEach(keys).as('keys')).select('keys.value')
}

export interface ContactHistory {
  /** Every touch of every anonymous id linked to each email. */
  touches: Map<string, StoredTouch[]>
  orders: Map<string, { orderId: number; createdAt: number }[]>
}

/**
 * Walks the identity graph from emails to anonymous ids (customer id and cart edges, both proven; a cart reaches
 * its email directly, through its order, or through the order's cart id) and reads their touches and orders.
 * The links are a UNION, so an anonymous id reached by two paths contributes its touches once. CROSS JOIN
 * pins the join order (SQLite keeps it): from the few emails outward, never from the identity table inward.
 */
export async function contactHistory(db: D1Database, emails: string[], meter?: Meter): Promise<ContactHistory> {
  const k = queryBuilder(db)
  const touchQuery = k
    .with('e(email)', (q) => q.selectFrom(jsonEach(emails).as('keys')).select('keys.value as email'))
    .with('carts_of(email, cart_id)', (q) => {
      const given = q.selectFrom('e').select('e.email')
      return q
        .selectFrom('carts as c')
        .select(['c.email', 'c.cart_id'])
        .where('c.email', 'in', given)
        .$narrowType<{ email: NotNull }>()
        .union(
          q
            .selectFrom('orders as o')
            .select(['o.email', 'o.cart_id'])
            .where('o.email', 'in', given)
            .where('o.cart_id', 'is not', null)
            .$narrowType<{ cart_id: NotNull }>(),
        )
        .union(q.selectFrom('orders as o').innerJoin('carts as c', 'c.order_id', 'o.order_id').select(['o.email', 'c.cart_id']).where('o.email', 'in', given))
    })
    .with('links(email, anonymous_id)', (q) =>
      q
        .selectFrom('customer_emails as ce')
        .innerJoin('beacon_identities as bi', (join) =>
          join.on('bi.kind', '=', sql.lit('customer')).on((eb) => eb('bi.value', '=', eb.cast<string>(eb.ref('ce.customer_id'), 'text'))),
        )
        .select(['ce.email', 'bi.anonymous_id'])
        .where('ce.email', 'in', q.selectFrom('e').select('e.email'))
        .union(
          q
            .selectFrom('carts_of as co')
            .crossJoin('beacon_identities as bi')
            .select(['co.email', 'bi.anonymous_id'])
            .where('bi.kind', '=', sql.lit('cart'))
            .whereRef('bi.value', '=', 'co.cart_id'),
        ),
    )
    .selectFrom('links as l')
    .crossJoin('touches as t')
    .select(['l.email', 't.id', 't.occurred_at', 't.channel', 't.source', 't.medium', 't.campaign'])
    .whereRef('t.anonymous_id', '=', 'l.anonymous_id')
  const [touchRows, orderRows] = await Promise.all([
    all(db, meter, touchQuery),
    all(db, meter, k.selectFrom('orders').select(['order_id', 'email', 'created_at']).where('email', 'in', keysIn(db, emails))),
  ])
  const touches = new Map<string, StoredTouch[]>()
  for (const r of touchRows) {
    const list = touches.get(r.email) ?? []
    list.push({ id: r.id, at: r.occurred_at, channel: r.channel as TouchChannel, source: r.source, medium: r.medium, campaign: r.campaign })
    touches.set(r.email, list)
  }
  const orders = new Map<string, { orderId: number; createdAt: number }[]>()
  for (const r of orderRows) {
    const list = orders.get(r.email) ?? []
    list.push({ orderId: r.order_id, createdAt: Date.parse(r.created_at) })
    orders.set(r.email, list)
  }
  return { touches, orders }
}

// Results as last written, so that only changed values are enqueued to HubSpot.

/** A contact_touches row as the rollup computes it (updated_at is the time of the write). */
export type ContactTouchesRow = Omit<Selectable<Database['contact_touches']>, 'updated_at'>

/** An order_attribution row as the rollup computes it; last_touch_id is kept by retention (migrations/0010). */
export type OrderAttributionRow = Omit<Selectable<Database['order_attribution']>, 'updated_at'>

export async function storedContactTouches(
  db: D1Database,
  emails: string[],
  meter?: Meter,
): Promise<Map<string, ContactTouchesRow>> {
  const rows = await all(db, meter, queryBuilder(db).selectFrom('contact_touches').selectAll().where('email', 'in', keysIn(db, emails)))
  return new Map(rows.map((r) => [r.email, r]))
}

export async function storedOrderAttribution(
  db: D1Database,
  orderIds: number[],
  meter?: Meter,
): Promise<Map<number, OrderAttributionRow>> {
  const rows = await all(db, meter, queryBuilder(db).selectFrom('order_attribution').selectAll().where('order_id', 'in', keysIn(db, orderIds)))
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
  await batch(meter, db, statements)
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
