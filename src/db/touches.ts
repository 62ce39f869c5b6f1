import { eq } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import { sql, type NotNull } from 'kysely'
import type { HitPlan, StoredTouch, VisitorState } from '../domain/attribution'
import type { Classification } from '../domain/channels'
import type { TouchChannel } from '../domain/model'
import { keysIn, meteredBatch, meteredRows, type Meter } from './metered-queries'
import { d1Statement, jsonEach, queryBuilder } from './query-builder'
import { beaconVisitors } from './schema'

/**
 * The beacon's tables (migrations/0003_attribution.sql): visitors (`beacon_visitors`), their touches (`touches`)
 * and the identity graph (`beacon_identities`), written together by each hit; and the touches and orders of
 * contacts, walked through the graph, for the attribution rollup.
 */

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
  await meteredBatch(undefined, db, statements)
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
    meteredRows(db, meter, touchQuery),
    meteredRows(db, meter, k.selectFrom('orders').select(['order_id', 'email', 'created_at']).where('email', 'in', keysIn(db, emails))),
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
