/**
 * Benchmark of the attribution rollup against D1 in Miniflare (workerd's own D1), at scale:
 * 1,000,000 touches and 100,000 orders, then +1% and +10% new events. Prints the time and the rows D1 read
 * and wrote per run, to show that a run costs in proportion to what is new, not to history.
 *
 *   npm run bench:attribution            (CONTACTS=20000 for a quicker run; touches are 10 per contact)
 */
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { Miniflare } from 'miniflare'
import { unstable_splitSqlQuery } from 'wrangler'
import { runAttributionRollup, type RollupStats } from '../src/cron/attribution-rollup-job'
import type { HubSpotRecord } from '../src/hubspot/records'

const CONTACTS = Number(process.env.CONTACTS ?? 100_000)
const TOUCHES_PER_CONTACT = 10
const T0 = Date.parse('2026-01-01T00:00:00.000Z')
const HOUR = 3_600_000
const LOOKBACK = 30 * 24 * HOUR

const mf = new Miniflare({
  modules: true,
  script: 'export default { fetch() { return new Response(null, { status: 204 }) } }',
  d1Databases: { DB: 'bench' },
})

async function main() {
  const db = (await mf.getD1Database('DB')) as unknown as D1Database
  const dir = path.join(import.meta.dirname, '..', 'migrations')
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort()) {
    const statements = unstable_splitSqlQuery(await readFile(path.join(dir, file), 'utf8'))
    await db.batch(statements.map((sql) => db.prepare(sql)))
  }

  const started = Date.now()
  await seedHistory(db)
  const [{ touches }] = (await db.prepare('SELECT COUNT(*) AS touches FROM touches').all<{ touches: number }>()).results
  const [{ orders }] = (await db.prepare('SELECT COUNT(*) AS orders FROM orders').all<{ orders: number }>()).results
  console.log(`seeded ${touches.toLocaleString()} touches, ${orders.toLocaleString()} orders, ${CONTACTS.toLocaleString()} contacts in ${secs(started)}`)

  const rows: [string, RollupStats][] = []
  rows.push(['run 1: all history', await run(db)])
  rows.push(['run 2: nothing new', await run(db)])
  await addEvents(db, 0.01, 1)
  rows.push(['run 3: +1% events', await run(db)])
  await addEvents(db, 0.1, 2)
  rows.push(['run 4: +10% events', await run(db)])

  console.log()
  console.log(
    pad('run', 22) + pad('changes', 11) + pad('contacts', 10) + pad('records', 10) + pad('rows read', 13) +
      pad('rows written', 14) + pad('queries', 9) + 'time',
  )
  for (const [name, s] of rows) {
    console.log(
      pad(name, 22) + pad(s.changes, 11) + pad(s.contacts, 10) + pad(s.contactRecords + s.orderRecords, 10) +
        pad(s.rowsRead, 13) + pad(s.rowsWritten, 14) + pad(s.queries, 9) + `${(s.ms / 1000).toFixed(2)} s`,
    )
  }
  const [, plus1] = rows[2]!
  const [, plus10] = rows[3]!
  console.log()
  console.log(
    `rows read per new touch: +1% ${(plus1.rowsRead / (CONTACTS * TOUCHES_PER_CONTACT * 0.01)).toFixed(1)}, ` +
      `+10% ${(plus10.rowsRead / (CONTACTS * TOUCHES_PER_CONTACT * 0.1)).toFixed(1)} ` +
      `(history: ${(CONTACTS * TOUCHES_PER_CONTACT).toLocaleString()} touches)`,
  )
}

async function run(db: D1Database): Promise<RollupStats> {
  let records = 0
  const writer = {
    async enqueue(batch: HubSpotRecord[]) {
      records += batch.length
    },
  }
  const stats = await runAttributionRollup(db, writer, {
    lookbackMs: LOOKBACK,
    now: T0 + 400 * 24 * HOUR,
    timeBudgetMs: Number.POSITIVE_INFINITY,
  })
  if (records !== stats.contactRecords + stats.orderRecords) throw new Error('record count mismatch')
  return stats
}

/**
 * History as a store would have it after importing: per contact 10 touches over ten hours (mixed channels),
 * an identity link (half by a verified customer id, half by a cart that became the order), and one order after
 * the touches.
 */
async function seedHistory(db: D1Database) {
  const n = CONTACTS * TOUCHES_PER_CONTACT
  await db.batch([
    db.prepare(
      `WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < ?1 - 1)
       INSERT INTO touches (anonymous_id, occurred_at, channel, source, medium, campaign, reason, received_at)
       SELECT 'anon-' || (i / ${TOUCHES_PER_CONTACT}), ?2 + (i / ${TOUCHES_PER_CONTACT}) * 1000 + (i % ${TOUCHES_PER_CONTACT}) * ${HOUR},
         ${CHANNEL_CASE}, 'src-' || (i % 7), 'med-' || (i % 3), 'camp-' || (i % 11), 'session', ?2
       FROM seq`,
    ).bind(n, T0),
    db.prepare(
      `WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < ?1 - 1)
       INSERT INTO beacon_identities (anonymous_id, kind, value, first_seen_at)
       SELECT 'anon-' || i, CASE WHEN i % 2 = 0 THEN 'customer' ELSE 'cart' END,
         CASE WHEN i % 2 = 0 THEN CAST(i + 1 AS TEXT) ELSE 'cart-' || i END, ?2 FROM seq`,
    ).bind(CONTACTS, T0),
    db.prepare(
      `WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 2 FROM seq WHERE i < ?1 - 2)
       INSERT INTO customer_emails (customer_id, email, updated_at) SELECT i + 1, 'c' || i || '@bench.example', ?2 FROM seq`,
    ).bind(CONTACTS, T0),
    db.prepare(
      `WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < ?1 - 1)
       INSERT INTO orders (order_id, email, customer_id, status_id, counts_as_paid, created_at, modified_at, currency,
         total_inc_tax, refunded, net_revenue, net_revenue_base, channel, cart_id)
       SELECT i + 1, 'c' || i || '@bench.example', 0, 11, 1,
         strftime('%Y-%m-%dT%H:%M:%fZ', (?2 + i * 1000 + 11 * ${HOUR}) / 1000.0, 'unixepoch'),
         strftime('%Y-%m-%dT%H:%M:%fZ', (?2 + i * 1000 + 11 * ${HOUR}) / 1000.0, 'unixepoch'),
         'USD', '100', '0', '100', '100', 'storefront', CASE WHEN i % 2 = 1 THEN 'cart-' || i END
       FROM seq`,
    ).bind(CONTACTS, T0),
  ])
}

/**
 * New events: `share` of the history's touch count as new touches on existing visitors, then orders from one
 * in ten of those visitors. (D1 binds JS numbers as REAL, hence the casts where they build ids.)
 */
async function addEvents(db: D1Database, share: number, round: number) {
  const touches = Math.round(CONTACTS * TOUCHES_PER_CONTACT * share)
  const orders = Math.round(touches / 10)
  const later = T0 + (20 + round) * 24 * HOUR
  await db.batch([
    db.prepare(
      `WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < ?1 - 1)
       INSERT INTO touches (anonymous_id, occurred_at, channel, source, medium, campaign, reason, received_at)
       SELECT 'anon-' || ((i * 7919 + CAST(?3 AS INTEGER)) % CAST(?4 AS INTEGER)), ?2 + i * 1000, ${CHANNEL_CASE}, 'new-src', 'new-med', 'new-camp', 'session', ?2
       FROM seq`,
    ).bind(touches, later, round, CONTACTS),
    db.prepare(
      `WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < ?1 - 1)
       INSERT INTO orders (order_id, email, customer_id, status_id, counts_as_paid, created_at, modified_at, currency,
         total_inc_tax, refunded, net_revenue, net_revenue_base, channel)
       SELECT ?5 + i, 'c' || ((i * 7919 * 10 + CAST(?3 AS INTEGER)) % CAST(?4 AS INTEGER)) || '@bench.example', 0, 11, 1,
         strftime('%Y-%m-%dT%H:%M:%fZ', (?2 + ?1 * 10000 + i) / 1000.0, 'unixepoch'),
         strftime('%Y-%m-%dT%H:%M:%fZ', (?2 + ?1 * 10000 + i) / 1000.0, 'unixepoch'),
         'USD', '50', '0', '50', '50', 'storefront'
       FROM seq`,
    ).bind(orders, later, round, CONTACTS, CONTACTS + round * 1_000_000),
  ])
}

const CHANNEL_CASE = `CASE i % 5 WHEN 0 THEN 'organic_search' WHEN 1 THEN 'email' WHEN 2 THEN 'direct'
  WHEN 3 THEN 'paid_search' ELSE 'referral' END`

const pad = (v: string | number, width: number) => (typeof v === 'number' ? v.toLocaleString() : v).padEnd(width)
const secs = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`

main()
  .catch((err) => {
    console.error(err)
    process.exitCode = 1
  })
  .finally(() => mf.dispose())
