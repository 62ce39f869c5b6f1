/**
 * How much D1 a store uses (`npm run bench:d1-size`): fills D1 in Miniflare (workerd's own D1, the migrations
 * applied) with 1,000,000 beacon touches and 100,000 orders with the rows each brings along, and prints the
 * database's bytes per 1,000,000 touches and per 100,000 orders (D1's own `size_after`), then the store size at
 * which one D1 database (10 GB, a limit that cannot be raised) would fill, with and without retention.
 *
 *   npm run bench:d1-size              (TOUCHES=1000000 ORDERS=100000)
 *
 * Rows are generated inside SQLite (recursive CTEs) with realistic widths: a touch has a channel, source, medium,
 * campaign and landing page; an order brings its orders row (reconciliation, attribution), its attribution
 * result, a contact for every second order, a cart, three trigger decisions and three processed webhook
 * deliveries (kept 30 days by retention).
 */
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { Miniflare } from 'miniflare'
import { unstable_splitSqlQuery } from 'wrangler'

const TOUCHES = Number(process.env.TOUCHES ?? 1_000_000)
const ORDERS = Number(process.env.ORDERS ?? 100_000)
const CHUNK = 50_000
const D1_LIMIT_BYTES = 10 * 1024 ** 3

const mf = new Miniflare({
  modules: true,
  script: 'export default { fetch() { return new Response(null, { status: 204 }) } }',
  d1Databases: { DB: 'size-bench' },
})

async function sizeOf(db: D1Database): Promise<number> {
  const result = await db.prepare('SELECT 1').run()
  return (result.meta as { size_after?: number }).size_after ?? 0
}

async function inChunks(db: D1Database, total: number, statement: (from: number, to: number) => D1PreparedStatement[]) {
  for (let from = 0; from < total; from += CHUNK) await db.batch(statement(from, Math.min(total, from + CHUNK)))
}

const series = (from: number, to: number) => `WITH RECURSIVE n(i) AS (SELECT ${from + 1} UNION ALL SELECT i + 1 FROM n WHERE i < ${to})`

async function main() {
  const db = (await mf.getD1Database('DB')) as unknown as D1Database
  const dir = path.join(import.meta.dirname, '..', 'migrations')
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort()) {
    await db.batch(unstable_splitSqlQuery(await readFile(path.join(dir, file), 'utf8')).map((sql) => db.prepare(sql)))
  }
  const empty = await sizeOf(db)

  // Touches: 10 per visitor, a visitor row each, an identity link for every third visitor. The change stream rows
  // the insert trigger adds are what the rollup deletes as it goes: they are dropped here too.
  await inChunks(db, TOUCHES, (from, to) => [
    db.prepare(
      `${series(from, to)} INSERT INTO touches (anonymous_id, occurred_at, channel, source, medium, campaign, referrer_host, landing_page, reason, received_at)
       SELECT 'v-' || printf('%012d', i / 10), 1767225600000 + i * 1000, 'paid_social', 'facebook', 'paid_social', 'spring_sale_' || (i % 50),
         'www.facebook.com', 'https://shop.example.com/products/item-' || (i % 500), 'session', 1767225600000 + i * 1000 FROM n`,
    ),
    db.prepare(
      `${series(from / 10, to / 10)} INSERT OR IGNORE INTO beacon_visitors (anonymous_id, last_seen_at, campaign_fingerprint, cart_id, customer_id, email)
       SELECT 'v-' || printf('%012d', i), 1767225600000 + i * 10000, 'facebook|paid_social|spring_sale', NULL, NULL, NULL FROM n`,
    ),
    db.prepare(
      `${series(from / 30, to / 30)} INSERT OR IGNORE INTO beacon_identities (anonymous_id, kind, value, first_seen_at)
       SELECT 'v-' || printf('%012d', i * 3), 'cart', lower(hex(randomblob(16))), 1767225600000 FROM n`,
    ),
    db.prepare('DELETE FROM attribution_changes'),
  ])
  const afterTouches = await sizeOf(db)

  await inChunks(db, ORDERS, (from, to) => [
    db.prepare(
      `${series(from, to)} INSERT INTO orders (order_id, email, customer_id, status_id, counts_as_paid, created_at, modified_at, currency, base_currency,
         total_inc_tax, refunded, net_revenue, net_revenue_base, channel, cart_id, event_created_at, synced_at)
       SELECT i, 'shopper' || (i / 2) || '@example.com', i / 2, 11, 1, strftime('%Y-%m-%dT%H:%M:%fZ', 1767225600 + i * 60, 'unixepoch'),
         strftime('%Y-%m-%dT%H:%M:%fZ', 1767225600 + i * 60, 'unixepoch'), 'USD', 'USD', '129.9500', '0', '129.9500', '129.9500', 'storefront',
         lower(hex(randomblob(16))), 1767225600 + i * 60, 1767225600000 + i * 60000 FROM n`,
    ),
    db.prepare(
      `${series(from, to)} INSERT INTO order_attribution (order_id, email, channel, source, medium, campaign, touch_id, touch_at, first_channel, first_source,
         first_medium, first_campaign, last_channel, last_source, last_medium, last_campaign, last_touch_id, updated_at)
       SELECT i, 'shopper' || (i / 2) || '@example.com', 'paid_social', 'facebook', 'paid_social', 'spring_sale', i * 7, '2026-01-01T00:00:00.000Z',
         'organic_search', 'google', 'organic', NULL, 'paid_social', 'facebook', 'paid_social', 'spring_sale', i * 7, 0 FROM n`,
    ),
    db.prepare(
      `${series(from / 2, to / 2)} INSERT OR IGNORE INTO contacts (email, customer_id, paid_order_count, lifetime_value, lifetime_value_sort, customer_status,
         value_tier, first_order_at, last_order_at, top_category, updated_at)
       SELECT 'shopper' || i || '@example.com', i, 2, '259.9000', 259.9, 'repeat_customer', 'standard', '2026-01-01T00:00:00.000Z',
         '2026-02-01T00:00:00.000Z', 'Terrariums', 0 FROM n`,
    ),
    db.prepare(
      `${series(from, to)} INSERT INTO carts (cart_id, email, customer_id, status, order_id, updated_at)
       SELECT lower(hex(randomblob(16))), 'shopper' || (i / 2) || '@example.com', i / 2, 'converted', i, '2026-01-01T00:00:00.000Z' FROM n`,
    ),
    ...['order_placed', 'order_shipped', 'post_purchase_step'].map((trigger) =>
      db.prepare(
        `${series(from, to)} INSERT INTO trigger_decisions (email, trigger, trigger_key, decision, reason, at)
         SELECT 'shopper' || (i / 2) || '@example.com', '${trigger}', '${trigger}:' || i, 'fired',
           'order ' || i || ' counts as paid (status awaiting_fulfillment)', '2026-01-01T00:00:00.000Z' FROM n`,
      ),
    ),
    ...['created', 'statusUpdated', 'shipment'].map((kind) =>
      db.prepare(
        `${series(from, to)} INSERT INTO webhook_events (id, scope, resource_type, resource_id, payload, event_created_at, received_at, status, attempts,
           next_attempt_at, processed_at, started_at)
         SELECT 'wh:msg_' || lower(hex(randomblob(12))), 'store/order/${kind}', 'order', i,
           '{"scope":"store/order/${kind}","hash":"' || lower(hex(randomblob(20))) || '","createdAt":1767225600,"subject":{"kind":"order","orderId":' || i || '}}',
           1767225600, 1767225600000, 'done', 1, 0, 1767225600000, 1767225600000 FROM n`,
      ),
    ),
  ])
  const afterOrders = await sizeOf(db)

  const perMillionTouches = ((afterTouches - empty) / TOUCHES) * 1_000_000
  const perHundredThousandOrders = ((afterOrders - afterTouches) / ORDERS) * 100_000
  const deliveriesShare = await deliveryBytes(db, afterOrders)
  const gb = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(2)} GB`
  const mb = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(0)} MB`
  console.log(`\nD1 size, ${TOUCHES.toLocaleString('en-US')} touches and ${ORDERS.toLocaleString('en-US')} orders (Miniflare D1, migrations applied)\n`)
  console.log('| figure | value |')
  console.log('|---|---|')
  console.log(`| empty database | ${mb(empty)} |`)
  console.log(`| per 1,000,000 touches (with visitors and identity links) | ${mb(perMillionTouches)} |`)
  console.log(`| per 100,000 orders (orders, attribution, contacts, carts, 3 decisions, 3 deliveries each) | ${mb(perHundredThousandOrders)} |`)
  console.log(`| of which processed deliveries (retention keeps 30 days of them) | ${mb(deliveriesShare * 100_000 / ORDERS)} |`)
  // A store whose shoppers leave 10 touches per order: what fills 10 GB.
  const perOrderWithTouches = perHundredThousandOrders / 100_000 + (perMillionTouches / 1_000_000) * 10
  console.log(`| orders until 10 GB, without retention (10 touches per order) | ${Math.floor(D1_LIMIT_BYTES / perOrderWithTouches).toLocaleString('en-US')} |`)
  const kept = perHundredThousandOrders / 100_000 - deliveriesShare / ORDERS
  console.log(
    `| orders until 10 GB, with retention (deliveries after 30 days, touches past the lookback: about 1 touch kept per order) | ` +
      `${Math.floor(D1_LIMIT_BYTES / (kept + perMillionTouches / 1_000_000)).toLocaleString('en-US')} |`,
  )
  console.log(`\ntotal database: ${gb(afterOrders)}`)
}

/** Bytes the processed deliveries take: the size the database loses when they are deleted. */
async function deliveryBytes(db: D1Database, before: number): Promise<number> {
  await db.prepare('DELETE FROM webhook_events').run()
  await db.prepare('VACUUM').run().catch(() => undefined)
  return Math.max(0, before - (await sizeOf(db)))
}

try {
  await main()
} finally {
  await mf.dispose()
}
