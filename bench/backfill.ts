/**
 * Backfill benchmark (`npm run bench:backfill`): the historical import of a generated store of 100,000
 * orders, run by the worker's own code in Node — the job, its runs and checkpoints (src/backfill), the
 * BigCommerce client, zod schemas and normalizer, the contact Durable Object class (ContactObject, on an
 * in-memory runtime: bench/support/workers-runtime.ts), the HubSpot mapping and the writer's engine — against
 * the BigCommerce stand-in at the Standard plan's quota (150 requests per 30 s) and the HubSpot stand-in at
 * 100 per 10 s. D1 is SQLite in memory with the migrations applied (bench/support/sqljs-d1.ts). Time is
 * simulated (bench/support/virtual-time.ts): the cron starts a run every minute, as in production, the
 * writer flushes from its alarm, and every wait for a quota window costs simulated time, not wall time.
 *
 * The same import is measured a second time, on a smaller store, with the line items left out of the order
 * list (the worker then asks `/orders/{id}/products` for each order, as it always did before): the baseline.
 * Orders still in transit at the import (Shipped or Partially Shipped within BACKFILL_SHIPMENTS_WINDOW, 30
 * days by default) are read with their shipments: the extra calls that costs per 1,000 orders are printed.
 *
 *   npm run bench:backfill -- --customers 20000 --orders 100000 --baseline-orders 5000
 */
import { ContactObject } from '../src/durable/contact'
import { backfillStatus, runBackfill, startBackfill, type RunOutcome } from '../src/backfill'
import { BACKFILL_RUN_BUDGET_MS } from '../src/cron/backfill'
import { backfillReadPurpose } from '../src/bigcommerce/order-reads'
import { v2Order as v2OrderSchema } from '../src/bigcommerce/resources'
import { requireConfig } from '../src/config'
import { isSynced } from '../src/domain/order-status'
import { HubSpotClient } from '../src/hubspot/client'
import { contactRecord } from '../src/hubspot/mapping/contact'
import { orderRecords } from '../src/hubspot/mapping/order'
import { productRecords } from '../src/hubspot/mapping/product'
import type { HubSpotRecord, WriteLane } from '../src/hubspot/records'
import { WriterEngine } from '../src/hubspot/sync/engine'
import type { WriterSink } from '../src/hubspot/sync/options'
import { MemoryWriterStore } from '../src/hubspot/sync/memory-store'
import type { Env } from '../src/env'
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
  withoutLineItems: boolean
  runBudgetMs: number
}): Promise<ImportFigures> {
  const wallStart = performance.now()
  const time = new VirtualTime(HISTORY_END + 86_400_000)
  const bigcommerce: BigCommerceStandin = createBigCommerceStandin({ clock: () => time.now, rateLimit: BIGCOMMERCE_QUOTA })
  seedStore(bigcommerce.store, { customers: options.customers, orders: options.orders, seed: options.seed, now: HISTORY_END })
  const hubspot = createHubSpotStandin({ clock: () => time.now, rateLimit: HUBSPOT_RATE })

  // The network: each stand-in under its host; the baseline's order lists lose their line items.
  globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init)
    const { host, pathname } = new URL(request.url)
    if (host === 'hubspot.standin') return time.track(hubspot.fetch(request))
    if (host !== 'bigcommerce.standin') throw new TypeError(`bench network: nothing serves ${host}`)
    const response = await time.track(bigcommerce.fetch(request))
    if (!options.withoutLineItems || !pathname.endsWith('/v2/orders') || response.status !== 200) return response
    const page = (await response.json()) as Record<string, unknown>[]
    for (const order of page) delete order.consignments
    return Response.json(page, { headers: response.headers })
  }

  // The HubSpot writer: its engine on the simulated clock, flushed from an alarm as the Durable Object does.
  const deadLetters: unknown[] = []
  const sink: WriterSink = { deadLetter: async (d) => void deadLetters.push(d), ordersSynced: async () => {} }
  const engine = new WriterEngine(
    new MemoryWriterStore(),
    new HubSpotClient({ baseUrl: 'http://hubspot.standin', accessToken: 'hs-test-token' }),
    sink,
    { now: () => time.now, sleep: time.sleep },
  )
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
  } as unknown as Env
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

  // POST /admin/api/backfill (its kick runs at once), then the every-minute cron.
  const clock = () => new Date(time.now)
  const started = time.now
  const runs: Promise<unknown>[] = []
  let state = 'running'
  const track = (run: Promise<RunOutcome>) =>
    runs.push(run.then((outcome) => void (outcome.ran && outcome.state !== 'running' && (state = outcome.state))))
  await startBackfill(env, null, { now: clock(), waitUntil: (p) => track(p as Promise<RunOutcome>), kick: { now: clock, sleep: time.sleep } })
  const tick = () => {
    time.at(time.now + 60_000, tick)
    track(runBackfill(env, { budgetMs: options.runBudgetMs, now: clock, sleep: time.sleep }))
  }
  time.at(started - (started % 60_000) + 60_000, tick)
  await time.run(() => state !== 'running' && alarm === null && flushing === null && !engine.hasPendingWork())
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
  const baselineOrders = arg('baseline-orders', 5_000)
  const seed = arg('seed', 7)
  // Each cron tick's run (src/cron/backfill.ts); another value shows what a longer run would give.
  const runBudgetMs = arg('run-budget-ms', BACKFILL_RUN_BUDGET_MS)

  const now = await importStore({ customers, orders, seed, withoutLineItems: false, runBudgetMs })
  const baselineCustomers = Math.max(1, Math.round((customers * baselineOrders) / orders))
  const before = await importStore({ customers: baselineCustomers, orders: baselineOrders, seed, withoutLineItems: true, runBudgetMs })

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
  const column = (f: ImportFigures) => {
    const floor = floors(f)
    const v = f.verification
    return [
      `${f.orders.toLocaleString('en-US')} (${f.syncedOrders.toLocaleString('en-US')} synced; ${f.couponOrders.toLocaleString('en-US')} with a coupon discount, ${f.shippedOrders.toLocaleString('en-US')} shipped, ${f.inTransitOrders.toLocaleString('en-US')} in transit)`,
      `${f.bigcommerceCalls.toLocaleString('en-US')}`,
      `${perThousand(f.bigcommerceCalls, f.orders).toFixed(1)}`,
      `${target(f).toFixed(1)}`,
      `${perThousand(shipmentCalls(f), f.orders).toFixed(1)} (${shipmentCalls(f).toLocaleString('en-US')} calls for ${f.inTransitOrders.toLocaleString('en-US')} orders)`,
      `${(f.bigcommerceCalls / f.orders).toFixed(3)}`,
      `${minutes(f.importMs)} in ${f.runs} runs`,
      `${minutes(floor.both)} (BigCommerce ${minutes(floor.bc)}, ${minutes(floor.share)} at the 90% it takes; HubSpot ${minutes(floor.hs)})`,
      `${(f.importMs / Math.max(1, floor.both)).toFixed(2)}×`,
      `${(leftToOthers(f) * 100).toFixed(0)}% over the import; busiest window ${f.busiestWindow} of ${BIGCOMMERCE_QUOTA.quota} (${(((BIGCOMMERCE_QUOTA.quota - f.busiestWindow) / BIGCOMMERCE_QUOTA.quota) * 100).toFixed(0)}% left)`,
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
    '  target: 10 + 1 per order with a coupon discount + 1 per order in transit',
    '  of which shipments of orders in transit, per 1,000 orders',
    'BigCommerce calls per order',
    'import time (simulated clock, to HubSpot)',
    'floor both quotas allow for these calls',
    'import time / floor',
    'BigCommerce quota left to other apps',
    '429s received (BigCommerce / HubSpot)',
    'HubSpot calls',
    'records lost / duplicated / wrong / missing associations',
    'line items without product / dead letters / skipped',
    'orders whose coupon discounted nothing (code not read)',
    'wall time of this benchmark run',
  ]
  const nowColumn = column(now)
  const beforeColumn = column(before)
  const width = Math.max(...labels.map((l) => l.length))
  const colWidth = Math.max(...nowColumn.map((c) => c.length))
  console.log(`\nBackfill benchmark: BigCommerce ${BIGCOMMERCE_QUOTA.quota} per ${BIGCOMMERCE_QUOTA.windowMs / 1000} s (Standard plan), HubSpot ${HUBSPOT_RATE.max} per ${HUBSPOT_RATE.intervalMs / 1000} s, simulated clock; a run of ${runBudgetMs / 1000} s each cron minute`)
  console.log('─'.repeat(width + colWidth + 60))
  console.log(`${''.padEnd(width)}  ${'line items with the order'.padEnd(colWidth)}  baseline: /products per order`)
  labels.forEach((label, i) => console.log(`${label.padEnd(width)}  ${nowColumn[i]!.padEnd(colWidth)}  ${beforeColumn[i]}`))
  console.log('─'.repeat(width + colWidth + 60))
  console.log('BigCommerce calls by kind (line items with the order):')
  for (const [kind, count] of [...now.byKind].sort((a, b) => b[1] - a[1])) {
    console.log(`  ${kind.padEnd(48)} ${String(count).padStart(8)}  ${perThousand(count, now.orders).toFixed(2).padStart(8)} per 1,000 orders`)
  }
  const v = now.verification
  const intact = v.lost === 0 && v.duplicated === 0 && v.wrongValues === 0 && v.missingAssociations === 0 && v.lineItemsWithoutProduct === 0
  const perThousandNow = perThousand(now.bigcommerceCalls, now.orders)
  const withinTarget = perThousandNow <= target(now)
  // Exactly one shipments call per order in transit, none for history.
  const shipmentsExact = shipmentCalls(now) === now.inTransitOrders
  console.log(
    `${intact ? 'PASS' : 'FAIL'}: HubSpot holds every record once, with the values the old way of reading gives (tracking for the orders in transit)\n` +
      `${withinTarget ? 'PASS' : 'FAIL'}: ${perThousandNow.toFixed(1)} BigCommerce calls per 1,000 orders, target ${target(now).toFixed(1)} (10 + ${perThousand(now.couponOrders, now.orders).toFixed(1)} orders with a coupon discount + ${perThousand(now.inTransitOrders, now.orders).toFixed(1)} in transit)\n` +
      `${shipmentsExact ? 'PASS' : 'FAIL'}: orders in transit at the import cost ${perThousand(shipmentCalls(now), now.orders).toFixed(1)} extra calls per 1,000 orders (${shipmentCalls(now)} shipments calls for ${now.inTransitOrders} orders in transit)`,
  )
  if (!intact || !withinTarget || !shipmentsExact) process.exitCode = 1
}

main().catch((err) => {
  console.error(err)
  process.exitCode = 1
})
