/**
 * Backfill benchmark (`npm run bench:backfill`): the historical import of generated stores of 20,000 and
 * 100,000 orders, run by the worker's own code in Node — the job, its steps, staging and checkpoints
 * (src/backfill), the BigCommerce client, zod schemas and normalizer, the contact Durable Object class
 * (ContactObject, on an in-memory runtime: bench/support/workers-runtime.ts), the HubSpot mapping and the
 * writer's engine — against the BigCommerce stand-in at the Standard plan's quota (150 requests per 30 s) and
 * the HubSpot stand-in at 100 per 10 s. D1 is SQLite in memory with the migrations applied
 * (bench/support/sqljs-d1.ts). Time is simulated (bench/support/virtual-time.ts): the backfill queue delivers
 * each step's message `QUEUE_HANDOFF_MS` after it is sent, the cron ticks every minute, the writer flushes from
 * its alarm, and every wait for a quota window costs simulated time, not wall time.
 *
 * The baseline, in the same run: the 20,000-order store imported the way an account without the backfill
 * queue runs it (and every account did before): one bounded cron run a minute.
 * Orders still in transit at the import (Shipped or Partially Shipped within BACKFILL_SHIPMENTS_WINDOW, 30
 * days by default) are read with their shipments: the extra calls that costs per 1,000 orders are printed.
 *
 *   npm run bench:backfill -- --customers 20000 --orders 100000 --small-orders 20000
 */
import { ContactObject } from '../src/durable/contact-object'
import { backfillStatus, runBackfill, startBackfill, type RunOutcome } from '../src/backfill/history-import'
import { resumeStalledBackfill, runStep } from '../src/backfill/steps'
import type { BackfillStepMessage } from '../src/queues/messages'
import { BACKFILL_RUN_BUDGET_MS } from '../src/cron/backfill-job'
import { backfillReadPurpose } from '../src/bigcommerce/order-reads'
import { v2Order as v2OrderSchema } from '../src/bigcommerce/resources'
import { requireConfig } from '../src/config'
import { isSynced } from '../src/domain/order-status'
import { HubSpotClient } from '../src/hubspot/hubspot-client'
import { contactRecord } from '../src/hubspot/mapping/contact-records'
import { orderRecords } from '../src/hubspot/mapping/order-records'
import { productRecords } from '../src/hubspot/mapping/product-records'
import type { HubSpotRecord, WriteLane } from '../src/hubspot/records'
import { WriterEngine } from '../src/hubspot/sync/engine'
import type { WriterSink } from '../src/hubspot/sync/options'
import { MemoryWriterStore } from '../src/hubspot/sync/memory-store'
import { createBigCommerceStandin, seedStore, type BigCommerceStandin } from '../standins/bigcommerce'
import { v2Order } from '../standins/bigcommerce/serialize'
import { createHubSpotStandin } from '../standins/hubspot'
import { canonicalStoreOf } from './support/demo-store'
import { migratedD1 } from './support/sqljs-d1'
import { expectedRecords, verifyPortal, type Verification } from './support/verify-hubspot'
import { VirtualTime } from './support/virtual-time'
import { memoryState } from './support/workers-runtime'

const BIGCOMMERCE_QUOTA = { quota: 150, windowMs: 30_000 }
const HUBSPOT_RATE = { max: 100, intervalMs: 10_000 }
/** The end of the generated history; the import starts a day later. */
const HISTORY_END = Date.UTC(2026, 10, 1)
/** The writer flushes this long after an enqueue (HubSpotWriter's alarm). */
const FLUSH_DELAY_MS = 1_000
/** From a step's message sent to its delivery (wrangler.toml: batches of one, `max_batch_timeout` 1 s). */
const QUEUE_HANDOFF_MS = 1_000

/** How the import is driven: steps on the backfill queue, or the cron's bounded run each minute. */
type Engine = 'queue' | 'cron'

function arg(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`)
  return at >= 0 ? Number(process.argv[at + 1]) : fallback
}

interface ImportFigures {
  orders: number
  syncedOrders: number
  couponOrders: number
  /** Orders with a coupon that discounted nothing: not read, by rule. */
  idleCouponOrders: number
  shippedOrders: number
  /** Synced orders still in transit at the import: read with their shipments. */
  inTransitOrders: number
  bigcommerceCalls: number
  byKind: Map<string, number>
  bigcommerce429s: number
  hubspotCalls: number
  hubspot429s: number
  importMs: number
  runs: number
  busiestWindow: number
  windows: number
  /** Steps (queue) or runs (cron) that listed a page of orders while another run had listed it before. */
  pagesListedTwice: number
  verification: Verification
  deadLetters: number
  skipped: number
  wallMs: number
}

/** What a request to BigCommerce was for. */
function kindOf(path: string): string {
  const rules: [RegExp, string][] = [
    [/\/v2\/orders$/, 'order list pages (with line items)'],
    [/\/v2\/orders\/count$/, 'counts'],
    [/\/v2\/orders\/\d+\/products$/, 'line items (/products)'],
    [/\/v2\/orders\/\d+\/shipments$/, 'shipments'],
    [/\/v2\/orders\/\d+\/coupons$/, 'coupons (orders with a coupon discount)'],
    [/\/payment_actions\/refunds$/, 'refunds (one call per 100 refunded orders)'],
    [/\/v3\/customers\/subscribers$/, 'subscribers'],
    [/\/v3\/customers$/, 'customers'],
    [/\/v3\/catalog\//, 'catalog'],
    [/\/v3\/channels/, 'channels'],
  ]
  return rules.find(([pattern]) => pattern.test(path))?.[1] ?? 'other'
}

/** Requests per fixed rate window, as the stand-in counts them (a window starts at its first request). */
function windowCounts(times: number[], windowMs: number): number[] {
  const counts: number[] = []
  let start = Number.NEGATIVE_INFINITY
  for (const at of times) {
    if (at >= start + windowMs) {
      start = at
      counts.push(0)
    }
    counts[counts.length - 1]!++
  }
  return counts
}

async function importStore(options: {
  customers: number
  orders: number
  seed: number
  engine: Engine
  runBudgetMs: number
}): Promise<ImportFigures> {
  const wallStart = performance.now()
  const time = new VirtualTime(HISTORY_END + 86_400_000)
  const bigcommerce: BigCommerceStandin = createBigCommerceStandin({ clock: () => time.now, rateLimit: BIGCOMMERCE_QUOTA })
  seedStore(bigcommerce.store, { customers: options.customers, orders: options.orders, seed: options.seed, now: HISTORY_END })
  const hubspot = createHubSpotStandin({ clock: () => time.now, rateLimit: HUBSPOT_RATE })

  // The network: each stand-in under its host.
  globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init)
    const { host } = new URL(request.url)
    if (host === 'hubspot.standin') return time.track(hubspot.fetch(request))
    if (host !== 'bigcommerce.standin') throw new TypeError(`bench network: nothing serves ${host}`)
    return time.track(bigcommerce.fetch(request))
  }

  // The HubSpot writer: its engine on the simulated clock, flushed from an alarm as the Durable Object does.
  const deadLetters: unknown[] = []
  const sink: WriterSink = { deadLetter: async (d) => void deadLetters.push(d), ordersSynced: async () => {} }
  const engine = new WriterEngine({
    store: new MemoryWriterStore(),
    client: new HubSpotClient({ baseUrl: 'http://hubspot.standin', accessToken: 'hs-test-token' }),
    sink,
    clock: { now: () => time.now, sleep: time.sleep },
  })
  let alarm: number | null = null
  let flushing: Promise<void> | null = null
  const setAlarm = (at: number) => {
    alarm = at
    time.at(at, () => {
      if (alarm !== at) return
      alarm = null
      flushing ??= engine.flush().then((result) => {
        flushing = null
        if (result.nextRunAt !== null) setAlarm(Math.max(result.nextRunAt, time.now + 50))
      })
    })
  }
  const writer = {
    async enqueue(records: HubSpotRecord[], _events: unknown[] = [], lane: WriteLane = 'live') {
      if (!records.length) return
      engine.enqueue(records, lane)
      const soon = time.now + FLUSH_DELAY_MS
      if (alarm === null || alarm > soon + FLUSH_DELAY_MS) setAlarm(soon)
    },
    // What the backfill reads before a page: the writer's backlog.
    async status() {
      return engine.status()
    },
  }

  const contacts = new Map<string, ContactObject>()
  const env = {
    BIGCOMMERCE_STORE_HASH: bigcommerce.store.storeHash,
    BIGCOMMERCE_ACCESS_TOKEN: 'bc-test-token',
    BIGCOMMERCE_API_BASE: 'http://bigcommerce.standin',
    BIGCOMMERCE_WEBHOOK_SECRET: 'bench-webhook-secret',
    HUBSPOT_ACCESS_TOKEN: 'hs-test-token',
    HUBSPOT_API_BASE: 'http://hubspot.standin',
    DB: await migratedD1(),
  } as unknown as Cloudflare.Env
  Object.assign(env, {
    CONTACT: {
      getByName(email: string) {
        let contact = contacts.get(email)
        if (!contact) contacts.set(email, (contact = new ContactObject(memoryState(email), env)))
        return contact
      },
    },
    HUBSPOT_WRITER: { getByName: () => writer },
  })

  // POST /admin/api/backfill, then the steps on the backfill queue (and the every-minute cron watching them),
  // or, without the queue, its kick and the every-minute cron's runs.
  const clock = () => new Date(time.now)
  const started = time.now
  const runs: Promise<unknown>[] = []
  let state = 'running'
  const track = (run: Promise<RunOutcome | null>) =>
    runs.push(run.then((outcome) => void (outcome?.ran && outcome.state !== 'running' && (state = outcome.state))))
  const backfillQueue = {
    async send(step: BackfillStepMessage, sendOptions?: QueueSendOptions) {
      time.at(time.now + (sendOptions?.delaySeconds ?? 0) * 1000 + QUEUE_HANDOFF_MS, () => {
        track(runStep(env, queue, step, { now: clock, sleep: time.sleep }))
      })
    },
  }
  const queue = backfillQueue as unknown as Queue<BackfillStepMessage>
  if (options.engine === 'queue') Object.assign(env, { BACKFILL_QUEUE: queue })
  await startBackfill(env, null, { now: clock(), waitUntil: (p) => track(p as Promise<RunOutcome>), kick: { now: clock, sleep: time.sleep } })
  const tick = () => {
    time.at(time.now + 60_000, tick)
    if (options.engine === 'queue') void resumeStalledBackfill(env, queue, time.now)
    else track(runBackfill(env, { budgetMs: options.runBudgetMs, now: clock, sleep: time.sleep }))
  }
  time.at(started - (started % 60_000) + 60_000, tick)
  const untrackWebCrypto = time.trackWebCrypto()
  await time.run(() => state !== 'running' && alarm === null && flushing === null && !engine.hasPendingWork())
  untrackWebCrypto()
  const importMs = time.now - started
  await Promise.all(runs)
  const status = await backfillStatus(env, clock())
  if (status.state !== 'done') throw new Error(`backfill ended ${status.state}: ${status.lastError}`)

  // ── What HubSpot should hold: the store read the old way, mapped by the production mapping ──────────
  const history = { at: started, shipmentsWindowMs: requireConfig(env).BACKFILL_SHIPMENTS_WINDOW.ms }
  const canonical = canonicalStoreOf(bigcommerce.store, time.now, { couponsOnlyWithDiscount: true, readAsHistory: history })
  const expected = expectedRecords([productRecords(canonical.variants), ...canonical.orders.map((o) => orderRecords(o))])
  // Contacts: one per person, with the order figures that do not depend on when they are computed.
  const contactTable = expected.get('contacts')!
  for (const summary of canonical.summaries) {
    const { email, bc_order_count, bc_lifetime_value } = contactRecord(summary).properties
    contactTable.set(summary.email, { email, bc_order_count, bc_lifetime_value })
  }
  const verification = verifyPortal(hubspot.portal, expected, canonical.orders)

  const all = [...bigcommerce.store.orders.values()]
  const synced = all.filter((o) => isSynced(o.status_id))
  const byKind = new Map<string, number>()
  for (const r of bigcommerce.requests) byKind.set(kindOf(r.path), (byKind.get(kindOf(r.path)) ?? 0) + 1)
  const windows = windowCounts(bigcommerce.requests.map((r) => r.at), BIGCOMMERCE_QUOTA.windowMs)
  const pages = bigcommerce.requests.filter((r) => /\/v2\/orders$/.test(r.path)).map((r) => new URLSearchParams(r.query).get('min_id'))
  return {
    orders: all.length,
    syncedOrders: synced.length,
    couponOrders: synced.filter((o) => Number(o.coupon_discount) !== 0).length,
    idleCouponOrders: synced.filter((o) => Number(o.coupon_discount) === 0 && (bigcommerce.store.orderCoupons.get(o.id) ?? []).length > 0).length,
    shippedOrders: synced.filter((o) => o.items_shipped > 0 || o.shippedAt !== null || o.status_id === 2 || o.status_id === 3).length,
    inTransitOrders: synced.filter(
      (o) => backfillReadPurpose(v2OrderSchema.parse(v2Order(bigcommerce.store, o)), history.at, history.shipmentsWindowMs) === 'in_transit',
    ).length,
    bigcommerceCalls: bigcommerce.requests.length,
    byKind,
    bigcommerce429s: bigcommerce.requests.filter((r) => r.status === 429).length,
    hubspotCalls: hubspot.requests.length,
    hubspot429s: hubspot.requests.filter((r) => r.status === 429).length,
    importMs,
    runs: runs.length,
    busiestWindow: Math.max(...windows),
    windows: Math.ceil(importMs / BIGCOMMERCE_QUOTA.windowMs),
    pagesListedTwice: pages.length - new Set(pages).size,
    verification,
    deadLetters: deadLetters.length,
    skipped: status.skipped,
    wallMs: performance.now() - wallStart,
  }
}

const perThousand = (calls: number, orders: number) => (calls / orders) * 1000
const minutes = (ms: number) => `${(ms / 60_000).toFixed(1)} min`
/** The least time `calls` requests take at `max` per window: all windows but the last are full. */
const floorMs = (calls: number, max: number, windowMs: number) => Math.max(0, Math.ceil(calls / max) - 1) * windowMs

async function main() {
  // Stand-ins answer in-process, so no request can time out; a client's timeout would run on the real clock,
  // where a busy machine could fire it and turn one call into two.
  AbortSignal.timeout = () => new AbortController().signal
  const customers = arg('customers', 20_000)
  const orders = arg('orders', 100_000)
  const smallOrders = arg('small-orders', 20_000)
  const seed = arg('seed', 7)
  // Each cron tick's run without the queue (src/cron/backfill-job.ts).
  const runBudgetMs = arg('run-budget-ms', BACKFILL_RUN_BUDGET_MS)
  const smallCustomers = Math.max(1, Math.round((customers * smallOrders) / orders))

  const cases: { title: string; figures: ImportFigures; measured: boolean }[] = []
  for (const [title, size, engine] of [
    [`steps on the queue, ${smallOrders.toLocaleString('en-US')} orders`, { customers: smallCustomers, orders: smallOrders }, 'queue'],
    [`steps on the queue, ${orders.toLocaleString('en-US')} orders`, { customers, orders }, 'queue'],
    [`baseline: a cron run a minute, ${smallOrders.toLocaleString('en-US')} orders`, { customers: smallCustomers, orders: smallOrders }, 'cron'],
  ] as const) {
    const figures = await importStore({ ...size, seed, engine, runBudgetMs })
    cases.push({ title, figures, measured: engine === 'queue' })
    console.log(`${title}: ${minutes(figures.importMs)} simulated, ${(figures.wallMs / 1000).toFixed(0)} s wall`)
  }

  const target = (f: ImportFigures) => 10 + perThousand(f.couponOrders, f.orders) + perThousand(f.inTransitOrders, f.orders)
  const shipmentCalls = (f: ImportFigures) => f.byKind.get('shipments') ?? 0
  const floors = (f: ImportFigures) => {
    const bc = floorMs(f.bigcommerceCalls, BIGCOMMERCE_QUOTA.quota, BIGCOMMERCE_QUOTA.windowMs)
    const hs = floorMs(f.hubspotCalls, HUBSPOT_RATE.max, HUBSPOT_RATE.intervalMs)
    // What the worker allows itself: the quota less the 10% it leaves to other apps.
    const share = floorMs(f.bigcommerceCalls, BIGCOMMERCE_QUOTA.quota * 0.9, BIGCOMMERCE_QUOTA.windowMs)
    return { bc, hs, share, both: Math.max(bc, hs) }
  }
  const leftToOthers = (f: ImportFigures) => 1 - f.bigcommerceCalls / (f.windows * BIGCOMMERCE_QUOTA.quota)
  const leastLeft = (f: ImportFigures) => (BIGCOMMERCE_QUOTA.quota - f.busiestWindow) / BIGCOMMERCE_QUOTA.quota
  const ratio = (f: ImportFigures) => f.importMs / Math.max(1, floors(f).both)
  const column = (f: ImportFigures) => {
    const floor = floors(f)
    const v = f.verification
    return [
      `${f.orders.toLocaleString('en-US')} (${f.syncedOrders.toLocaleString('en-US')} synced; ${f.couponOrders.toLocaleString('en-US')} with a coupon discount, ${f.shippedOrders.toLocaleString('en-US')} shipped, ${f.inTransitOrders.toLocaleString('en-US')} in transit)`,
      `${f.bigcommerceCalls.toLocaleString('en-US')}`,
      `${perThousand(f.bigcommerceCalls, f.orders).toFixed(1)} (target ${target(f).toFixed(1)})`,
      `${perThousand(shipmentCalls(f), f.orders).toFixed(1)} (${shipmentCalls(f).toLocaleString('en-US')} calls for ${f.inTransitOrders.toLocaleString('en-US')} orders)`,
      `${minutes(f.importMs)} in ${f.runs} ${f.runs === 1 ? 'run' : 'steps or runs'}`,
      `${minutes(floor.both)} (BigCommerce ${minutes(floor.bc)}, ${minutes(floor.share)} at the 90% it takes; HubSpot ${minutes(floor.hs)})`,
      `${ratio(f).toFixed(2)}× (target ≤ 1.5×)`,
      `${(leftToOthers(f) * 100).toFixed(0)}% over the import; least in a 30-s window ${(leastLeft(f) * 100).toFixed(0)}% (busiest ${f.busiestWindow} of ${BIGCOMMERCE_QUOTA.quota})`,
      `${f.pagesListedTwice}`,
      `${f.bigcommerce429s} / ${f.hubspot429s}`,
      `${f.hubspotCalls.toLocaleString('en-US')} (${perThousand(f.hubspotCalls, f.orders).toFixed(1)} per 1,000 orders)`,
      `${v.lost} / ${v.duplicated} / ${v.wrongValues} / ${v.missingAssociations}`,
      `${v.lineItemsWithoutProduct} / ${f.deadLetters} / ${f.skipped}`,
      `${f.idleCouponOrders}`,
      `${(f.wallMs / 1000).toFixed(0)} s`,
    ]
  }
  const labels = [
    'orders in the store',
    'BigCommerce calls, whole import',
    'BigCommerce calls per 1,000 orders',
    '  of which shipments of orders in transit, per 1,000 orders',
    'import time (simulated clock, to HubSpot)',
    'floor both quotas allow for these calls',
    'import time / floor',
    'BigCommerce quota left to other apps',
    'order pages listed twice',
    '429s received (BigCommerce / HubSpot)',
    'HubSpot calls',
    'records lost / duplicated / wrong / missing associations',
    'line items without product / dead letters / skipped',
    'orders whose coupon discounted nothing (code not read)',
    'wall time of this benchmark run',
  ]
  const columns = cases.map((c) => column(c.figures))
  const width = Math.max(...labels.map((l) => l.length))
  const widths = cases.map((c, i) => Math.max(c.title.length, ...columns[i]!.map((cell) => cell.length)))
  console.log(`\nBackfill benchmark: BigCommerce ${BIGCOMMERCE_QUOTA.quota} per ${BIGCOMMERCE_QUOTA.windowMs / 1000} s (Standard plan), HubSpot ${HUBSPOT_RATE.max} per ${HUBSPOT_RATE.intervalMs / 1000} s, simulated clock`)
  const rule = '─'.repeat(width + widths.reduce((a, b) => a + b + 2, 0))
  console.log(rule)
  console.log(`${''.padEnd(width)}  ${cases.map((c, i) => c.title.padEnd(widths[i]!)).join('  ')}`)
  labels.forEach((label, row) => console.log(`${label.padEnd(width)}  ${columns.map((col, i) => col[row]!.padEnd(widths[i]!)).join('  ')}`))
  console.log(rule)
  const largest = cases[1]!.figures
  console.log(`BigCommerce calls by kind (${largest.orders.toLocaleString('en-US')} orders on the queue):`)
  for (const [kind, count] of [...largest.byKind].sort((a, b) => b[1] - a[1])) {
    console.log(`  ${kind.padEnd(48)} ${String(count).padStart(8)}  ${perThousand(count, largest.orders).toFixed(2).padStart(8)} per 1,000 orders`)
  }
  let failed = false
  const check = (ok: boolean, text: string) => {
    console.log(`${ok ? 'PASS' : 'FAIL'}: ${text}`)
    failed ||= !ok
  }
  for (const { title, figures: f, measured } of cases) {
    const v = f.verification
    check(v.lost + v.duplicated + v.wrongValues + v.missingAssociations + v.lineItemsWithoutProduct === 0, `${title}: HubSpot holds every record once, with the store's values`)
    for (const d of v.differences) console.log(`  differs: ${d.type} ${d.key} ${d.property}: expected ${JSON.stringify(d.expected)}, HubSpot has ${JSON.stringify(d.stored)}`)
    if (!measured) continue
    check(ratio(f) <= 1.5, `${title}: import time ${ratio(f).toFixed(2)}× the floor both quotas allow (target ≤ 1.5×)`)
    check(perThousand(f.bigcommerceCalls, f.orders) <= target(f), `${title}: ${perThousand(f.bigcommerceCalls, f.orders).toFixed(1)} BigCommerce calls per 1,000 orders (target ${target(f).toFixed(1)})`)
    check(leastLeft(f) >= 0.1, `${title}: at least 10% of BigCommerce's quota left to other apps in every 30-s window (${(leastLeft(f) * 100).toFixed(0)}%)`)
    check(f.pagesListedTwice === 0, `${title}: no page of orders listed twice`)
    // Exactly one shipments call per order in transit, none for history.
    check(
      shipmentCalls(f) === f.inTransitOrders,
      `${title}: orders in transit at the import cost ${perThousand(shipmentCalls(f), f.orders).toFixed(1)} extra calls per 1,000 orders (${shipmentCalls(f)} shipments calls for ${f.inTransitOrders} orders in transit)`,
    )
  }
  if (failed) process.exitCode = 1
}

main().catch((err) => {
  console.error(err)
  process.exitCode = 1
})
