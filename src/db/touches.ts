import type { ContactCredit, Credit, HitPlan, OrderCredit, StoredTouch, VisitorState } from '../domain/attribution'
import type { Classification } from '../domain/channels'
import type { TouchChannel } from '../domain/model'

/**
 * Beacon touches, the identity graph, the attribution change stream and the rollup's results, in D1
 * (migrations/0003_attribution.sql). Sets of keys travel as one JSON parameter (`json_each`), so a query
 * never hits D1's limit on bound parameters.
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

async function all<T>(meter: Meter | undefined, statement: D1PreparedStatement): Promise<T[]> {
  const result = await statement.all<T>()
  meter?.add(result.meta)
  return result.results
}

async function batch(meter: Meter | undefined, db: D1Database, statements: D1PreparedStatement[]): Promise<void> {
  if (statements.length === 0) return
  for (const result of await db.batch(statements)) meter?.add(result.meta)
}

// ---------------------------------------------------------------------------------------------------------
// The beacon route.

interface VisitorRow {
  anonymous_id: string
  last_seen_at: number
  campaign_fingerprint: string | null
  cart_id: string | null
  customer_id: number | null
}

export async function getVisitor(db: D1Database, anonymousId: string): Promise<VisitorState | null> {
  const row = await db.prepare('SELECT * FROM beacon_visitors WHERE anonymous_id = ?').bind(anonymousId).first<VisitorRow>()
  return (
    row && {
      anonymousId: row.anonymous_id,
      lastSeenAt: row.last_seen_at,
      campaignFingerprint: row.campaign_fingerprint,
      cartId: row.cart_id,
      customerId: row.customer_id,
    }
  )
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
  const statements: D1PreparedStatement[] = []
  if (plan.touch) {
    const unchanged = hit.seen
      ? 'EXISTS (SELECT 1 FROM beacon_visitors WHERE anonymous_id = ?14 AND last_seen_at = ?15 AND campaign_fingerprint IS ?16)'
      : 'NOT EXISTS (SELECT 1 FROM beacon_visitors WHERE anonymous_id = ?14)'
    statements.push(
      db
        .prepare(
          `INSERT INTO touches (anonymous_id, occurred_at, channel, source, medium, campaign, term, content, click_id,
             referrer_host, landing_page, reason, received_at, channel_id)
           SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?17 WHERE ${unchanged}`,
        )
        .bind(
          hit.anonymousId,
          hit.at,
          c.channel,
          c.source,
          c.medium,
          c.campaign,
          c.term,
          c.content,
          c.clickId,
          c.referrerHost,
          hit.landingPage,
          plan.touch.reason,
          hit.receivedAt,
          ...(hit.seen ? [hit.anonymousId, hit.seen.lastSeenAt, hit.seen.campaignFingerprint] : [hit.anonymousId, null, null]),
          hit.channelId ?? null,
        ),
    )
  }
  for (const identity of plan.identities) {
    statements.push(
      db
        .prepare('INSERT OR IGNORE INTO beacon_identities (anonymous_id, kind, value, first_seen_at) VALUES (?, ?, ?, ?)')
        .bind(hit.anonymousId, identity.kind, identity.value, hit.at),
    )
  }
  const v = plan.visitor
  if (v) {
    statements.push(
      db
        .prepare(
          `INSERT INTO beacon_visitors (anonymous_id, last_seen_at, campaign_fingerprint, cart_id, customer_id, email)
           VALUES (?, ?, ?, ?, ?, NULL)
           ON CONFLICT (anonymous_id) DO UPDATE SET last_seen_at = MAX(last_seen_at, excluded.last_seen_at),
             campaign_fingerprint = excluded.campaign_fingerprint, cart_id = excluded.cart_id,
             customer_id = excluded.customer_id, email = NULL`,
        )
        .bind(v.anonymousId, v.lastSeenAt, v.campaignFingerprint, v.cartId, v.customerId),
    )
  }
  await batch(undefined, db, statements)
}

/** The contact a customer id or cart id belongs to, when the store has told us. */
export async function emailForIdentity(
  db: D1Database,
  identity: { customerId?: number; cartId?: string },
): Promise<string | null> {
  const row = await db
    .prepare(
      `SELECT email FROM customer_emails WHERE customer_id = ?1
       UNION ALL SELECT email FROM carts WHERE cart_id = ?2 AND email IS NOT NULL
       UNION ALL SELECT email FROM orders WHERE cart_id = ?2
       LIMIT 1`,
    )
    .bind(identity.customerId ?? null, identity.cartId ?? null)
    .first<{ email: string }>()
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
  return all<Change>(meter, db.prepare('SELECT seq, kind, ref FROM attribution_changes ORDER BY seq LIMIT ?').bind(limit))
}

export async function deleteChangesThrough(db: D1Database, seq: number, meter?: Meter): Promise<void> {
  await batch(meter, db, [db.prepare('DELETE FROM attribution_changes WHERE seq <= ?').bind(seq)])
}

/**
 * The contacts (emails) whose attribution the given changes can affect. Two rounds of simple indexed lookups
 * (D1 caps the terms of a compound SELECT, so no big UNION).
 */
export async function emailsAffectedBy(db: D1Database, changes: Change[], meter?: Meter): Promise<string[]> {
  const refs = (kind: ChangeKind) => [...new Set(changes.filter((c) => c.kind === kind).map((c) => c.ref))]
  const emails = new Set(refs('email'))
  const cartIds = new Set(refs('cart'))
  const customerIds = new Set(refs('customer').map(Number))
  const anon = refs('anon')
  if (anon.length > 0) {
    const idents = await all<{ kind: string; value: string }>(
      meter,
      db
        .prepare('SELECT kind, value FROM beacon_identities WHERE anonymous_id IN (SELECT value FROM json_each(?1))')
        .bind(JSON.stringify(anon)),
    )
    for (const { kind, value } of idents) {
      if (kind === 'cart') cartIds.add(value)
      else if (kind === 'customer') customerIds.add(Number(value))
    }
  }
  const carts = JSON.stringify([...cartIds])
  const lookups: [string, string][] = [
    ['SELECT email FROM orders WHERE order_id IN (SELECT value FROM json_each(?1))', JSON.stringify(refs('order').map(Number))],
    ['SELECT email FROM carts WHERE cart_id IN (SELECT value FROM json_each(?1)) AND email IS NOT NULL', carts],
    ['SELECT email FROM orders WHERE cart_id IN (SELECT value FROM json_each(?1))', carts],
    [
      `SELECT o.email FROM carts c JOIN orders o ON o.order_id = c.order_id
       WHERE c.cart_id IN (SELECT value FROM json_each(?1))`,
      carts,
    ],
    ['SELECT email FROM customer_emails WHERE customer_id IN (SELECT value FROM json_each(?1))', JSON.stringify([...customerIds])],
  ]
  const wanted = lookups.filter(([, list]) => list !== '[]')
  if (wanted.length > 0) {
    const results = await db.batch<{ email: string }>(wanted.map(([sql, list]) => db.prepare(sql).bind(list)))
    for (const result of results) {
      meter?.add(result.meta)
      for (const row of result.results) emails.add(row.email)
    }
  }
  // An erased person's orders are kept without an email: nobody to credit.
  emails.delete('')
  // An email linked to another person's is that person: its touches count for the canonical contact.
  const linked = await all<{ email: string; canonical: string }>(
    meter,
    db
      .prepare('SELECT email, canonical_email AS canonical FROM identity_links WHERE email IN (SELECT value FROM json_each(?1))')
      .bind(JSON.stringify([...emails])),
  )
  for (const { email, canonical } of linked) {
    emails.delete(email)
    emails.add(canonical)
  }
  return [...emails]
}

interface TouchRow {
  email: string
  id: number
  occurred_at: number
  channel: TouchChannel
  source: string | null
  medium: string | null
  campaign: string | null
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
  const list = JSON.stringify(emails)
  const [touchRows, orderRows] = await Promise.all([
    all<TouchRow>(
      meter,
      db
        .prepare(
          `WITH e(email) AS (SELECT value FROM json_each(?1)),
             carts_of(email, cart_id) AS (
               SELECT c.email, c.cart_id FROM carts c WHERE c.email IN (SELECT email FROM e)
               UNION SELECT o.email, o.cart_id FROM orders o WHERE o.email IN (SELECT email FROM e) AND o.cart_id IS NOT NULL
               UNION SELECT o.email, c.cart_id FROM orders o JOIN carts c ON c.order_id = o.order_id
                 WHERE o.email IN (SELECT email FROM e)),
             links(email, anonymous_id) AS (
               SELECT ce.email, bi.anonymous_id FROM customer_emails ce
                 JOIN beacon_identities bi ON bi.kind = 'customer' AND bi.value = CAST(ce.customer_id AS TEXT)
                 WHERE ce.email IN (SELECT email FROM e)
               UNION SELECT co.email, bi.anonymous_id FROM carts_of co
                 CROSS JOIN beacon_identities bi ON bi.kind = 'cart' AND bi.value = co.cart_id)
           SELECT l.email, t.id, t.occurred_at, t.channel, t.source, t.medium, t.campaign
           FROM links l CROSS JOIN touches t ON t.anonymous_id = l.anonymous_id`,
        )
        .bind(list),
    ),
    all<{ order_id: number; email: string; created_at: string }>(
      meter,
      db.prepare('SELECT order_id, email, created_at FROM orders WHERE email IN (SELECT value FROM json_each(?1))').bind(list),
    ),
  ])
  const touches = new Map<string, StoredTouch[]>()
  for (const r of touchRows) {
    const list = touches.get(r.email) ?? []
    list.push({ id: r.id, at: r.occurred_at, channel: r.channel, source: r.source, medium: r.medium, campaign: r.campaign })
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

export interface ContactTouchesRow {
  email: string
  first_touch_id: number | null
  first_channel: string | null
  first_source: string | null
  first_medium: string | null
  first_campaign: string | null
  first_at: string | null
  last_touch_id: number | null
  last_channel: string | null
  last_source: string | null
  last_medium: string | null
  last_campaign: string | null
  last_at: string | null
}

export interface OrderAttributionRow {
  order_id: number
  email: string
  channel: string
  source: string | null
  medium: string | null
  campaign: string | null
  touch_id: number | null
  touch_at: string | null
  first_channel: string
  first_source: string | null
  first_medium: string | null
  first_campaign: string | null
  last_channel: string
  last_source: string | null
  last_medium: string | null
  last_campaign: string | null
  /** The order's last touch before it, kept by retention (migrations/0010). */
  last_touch_id: number | null
}

export async function storedContactTouches(
  db: D1Database,
  emails: string[],
  meter?: Meter,
): Promise<Map<string, ContactTouchesRow>> {
  const rows = await rowsIn<ContactTouchesRow>(db, 'contact_touches', 'email', emails, meter)
  return new Map(rows.map((r) => [r.email, r]))
}

export async function storedOrderAttribution(
  db: D1Database,
  orderIds: number[],
  meter?: Meter,
): Promise<Map<number, OrderAttributionRow>> {
  const rows = await rowsIn<OrderAttributionRow>(db, 'order_attribution', 'order_id', orderIds, meter)
  return new Map(rows.map((r) => [r.order_id, r]))
}

function rowsIn<T>(db: D1Database, table: string, key: string, values: unknown[], meter?: Meter): Promise<T[]> {
  const sql = `SELECT * FROM ${table} WHERE ${key} IN (SELECT value FROM json_each(?1))`
  return all<T>(meter, db.prepare(sql).bind(JSON.stringify(values)))
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
  const upsert = (table: string, key: string, rows: object[]) => {
    const columns = Object.keys(rows[0]!)
    const set = [...columns.filter((c) => c !== key), 'updated_at'].map((c) => `${c} = excluded.${c}`)
    return db
      .prepare(
        `INSERT INTO ${table} (${columns.join(', ')}, updated_at)
         SELECT ${columns.map((c) => `value ->> '$.${c}'`).join(', ')}, ?2 FROM json_each(?1) WHERE true
         ON CONFLICT (${key}) DO UPDATE SET ${set.join(', ')}`,
      )
      .bind(JSON.stringify(rows), now)
  }
  const statements: D1PreparedStatement[] = []
  if (contacts.length > 0) statements.push(upsert('contact_touches', 'email', contacts))
  if (orders.length > 0) statements.push(upsert('order_attribution', 'order_id', orders))
  await batch(meter, db, statements)
}

/** The last rollup's figures, for the admin status page (sync_state `attribution_rollup:last_run`). */
export async function recordRollupRun(db: D1Database, stats: object, now: number): Promise<void> {
  await db
    .prepare(
      `INSERT INTO sync_state (key, value, updated_at) VALUES ('attribution_rollup:last_run', ?, ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
    )
    .bind(JSON.stringify(stats), now)
    .run()
}
