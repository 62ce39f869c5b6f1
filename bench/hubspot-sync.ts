/**
 * HubSpot sync benchmark (`npm run bench:hubspot`): syncs a generated store through the HubSpot stand-in,
 * rate-limited at 100 requests per 10 s, using the writer's own flush planner (src/hubspot/sync/engine.ts)
 * on its in-memory store. Time is virtual: the stand-in's rolling window and the writer's waits run on one
 * simulated clock, so 20,000 orders take seconds of wall time while every rate-limit decision is the one
 * the writer makes against the real limit. Both clocks are printed.
 *
 *   npm run bench:hubspot -- --customers 5000 --orders 21500
 */
import { createHubSpotStandin } from '../standins/hubspot/index'
import { HubSpotClient } from '../src/hubspot/hubspot-client'
import type { ContactSummary } from '../src/domain/model'
import { contactRecord } from '../src/hubspot/mapping/contact-records'
import { orderRecords } from '../src/hubspot/mapping/order-records'
import { productRecords } from '../src/hubspot/mapping/product-records'
import { OBJECT_TYPES, OPTIONAL_OBJECT_TYPES, type HubSpotRecord } from '../src/hubspot/records'
import { WriterEngine } from '../src/hubspot/sync/engine'
import type { WriterSink } from '../src/hubspot/sync/options'
import { MemoryWriterStore } from '../src/hubspot/sync/memory-store'
import { generateCanonicalStore } from './support/demo-store'
import { expectedRecords, verifyPortal } from './support/verify-hubspot'

const RATE = { max: 100, intervalMs: 10_000 }

function arg(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`)
  return at >= 0 ? Number(process.argv[at + 1]) : fallback
}

async function main() {
  const customers = arg('customers', 5000)
  // About 5% of generated orders are Incomplete (status 0) and never synced: ask for enough to sync 20,000.
  const ordersWanted = arg('orders', 21_500)

  const genStart = performance.now()
  const store = generateCanonicalStore({ customers, orders: ordersWanted })
  const genMs = performance.now() - genStart

  // What the pipeline would hand the writer: the catalog, every contact, and each order with the buyer's
  // summary enqueued again after it (the writer coalesces those into one write per contact).
  const summaries = new Map(store.summaries.map((s) => [s.email, s]))
  const batches: HubSpotRecord[][] = [productRecords(store.variants)]
  for (const order of store.orders) batches.push([...orderRecords(order), contactRecord(summaries.get(order.email)!)])
  batches.push(store.summaries.map((s) => contactRecord(s)))

  // Expected final state, by (type, key): the last properties enqueued win property by property.
  const expected = expectedRecords(batches)
  const pairs = new Map<string, number>()
  for (const batch of batches) {
    for (const r of batch) {
      for (const a of r.associations ?? []) {
        if (a.toObjectType === 'products') continue // hs_product_id, not an association
        const key = [r.objectType, a.toObjectType].sort().join('→')
        pairs.set(key, (pairs.get(key) ?? 0) + 1)
      }
    }
  }

  const sync = syncHarness()
  const { standin, engine, deadLetters } = sync
  const wallStart = performance.now()
  const virtualStart = sync.now()
  for (const batch of batches) engine.enqueue(batch)
  const flushes = await sync.drive()
  const now = sync.now()
  const virtualMs = now - virtualStart
  const wallMs = performance.now() - wallStart

  // ── Verification: every record once, with its final properties ────────────────────────────────────
  const { lost, duplicated, wrongValues, missingAssociations, lineItemsWithoutProduct } = verifyPortal(
    standin.portal,
    expected,
    store.orders,
  )

  // ── Calls: actual vs the minimum 100-input batches (and 2,000-pair association batches) allow ───────
  const requests = standin.requests
  const setupCalls = requests.filter((r) => r.path.startsWith('/crm/v3/properties/')).length
  const recordCalls = requests.filter((r) => /\/batch\/(upsert|update)$/.test(r.path)).length
  const associationCalls = requests.filter((r) => r.path.startsWith('/crm/v4/')).length
  const rateLimited = requests.filter((r) => r.status === 429).length
  const failed = requests.filter((r) => r.status >= 400).length
  // Read groups, create group, read properties, create properties, for each object setup covers (no company here).
  const minSetup = OBJECT_TYPES.filter((t) => !OPTIONAL_OBJECT_TYPES.includes(t)).length * 4
  const minRecords = OBJECT_TYPES.reduce((n, t) => n + Math.ceil(expected.get(t)!.size / 100), 0)
  const minAssociations = [...pairs.values()].reduce((n, count) => n + Math.ceil(count / 2000), 0)
  const minimum = minSetup + minRecords + minAssociations
  const total = requests.length
  const ordersSynced = store.orders.length
  const floorMs = (calls: number) => Math.max(0, Math.ceil(calls / RATE.max) - 1) * RATE.intervalMs

  const rows: [string, string][] = [
    ['store generated (seed → REST → zod → normalize)', `${customers} customers, ${store.seed.orders} orders (${ordersSynced} synced; Incomplete never are), ${store.variants.length} variants, ${store.summaries.length} contacts — ${(genMs / 1000).toFixed(1)} s wall, not counted`],
    ['records written', OBJECT_TYPES.map((t) => `${t} ${expected.get(t)!.size}`).join(', ')],
    ['associations', [...pairs].map(([k, n]) => `${k} ${n}`).join(', ') + `; line items linked by hs_product_id`],
    ['HubSpot calls, total', `${total} (setup ${setupCalls}, record batches ${recordCalls}, association batches ${associationCalls})`],
    ['minimum calls 100-input batches allow', `${minimum} (setup ${minSetup}, records ${minRecords}, associations ${minAssociations})`],
    ['calls / minimum', `${(total / minimum).toFixed(3)}× (target ≤ 1.3×)`],
    ['HubSpot calls per 1,000 orders', `${((total / ordersSynced) * 1000).toFixed(1)} (all objects included)`],
    ['rate limit', `${RATE.max} requests per ${RATE.intervalMs / 1000} s, rolling; 429s received: ${rateLimited}; other errors: ${failed - rateLimited}`],
    ['elapsed (simulated clock)', `${(virtualMs / 1000).toFixed(1)} s`],
    ['floor the rate limit allows', `${(floorMs(total) / 1000).toFixed(1)} s for these ${total} calls; ${(floorMs(minimum) / 1000).toFixed(1)} s for the minimum ${minimum}`],
    ['elapsed / floor', `${(virtualMs / Math.max(1, floorMs(total))).toFixed(3)}×`],
    ['at HubSpot’s limit in real time', `the sync would take ${(virtualMs / 60_000).toFixed(1)} min; this run took ${(wallMs / 1000).toFixed(1)} s wall (clock scale ${(virtualMs / wallMs).toFixed(0)}:1)`],
    ['flushes (alarm wake-ups)', String(flushes)],
    ['records lost', String(lost)],
    ['records duplicated', String(duplicated)],
    ['property values differing from the last write', String(wrongValues)],
    ['orders missing their contact or line-item associations', String(missingAssociations)],
    ['line items without hs_product_id', String(lineItemsWithoutProduct)],
    ['dead letters', String(deadLetters.length)],
  ]
  const width = Math.max(...rows.map(([k]) => k.length))
  console.log('\nHubSpot sync benchmark\n' + '─'.repeat(width + 60))
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`)
  console.log('─'.repeat(width + 60))
  const ok = lost === 0 && duplicated === 0 && wrongValues === 0 && missingAssociations === 0 && total / minimum <= 1.3
  console.log(ok ? 'PASS: nothing lost or duplicated, within 1.3× of the minimum calls' : 'FAIL: see the rows above')
  if (!ok) process.exitCode = 1
  await collidingTriggers(store.summaries.slice(0, 5000))
}

/** A stand-in limited like HubSpot and the writer's engine on a memory store, on one simulated clock. */
function syncHarness() {
  let now = Date.UTC(2026, 10, 2, 9, 0)
  const clock = { now: () => now, sleep: async (ms: number) => void (now += ms) }
  const standin = createHubSpotStandin({ clock: () => now, rateLimit: RATE })
  const client = new HubSpotClient({
    baseUrl: 'http://hubspot.standin',
    accessToken: 'hs-test-token',
    fetch: (input, init) => standin.fetch(new Request(input, init)),
  })
  const deadLetters: unknown[] = []
  const sink: WriterSink = { deadLetter: async (d) => void deadLetters.push(d), ordersSynced: async () => {} }
  const engine = new WriterEngine({ store: new MemoryWriterStore(), client, sink, clock })
  return {
    standin,
    engine,
    deadLetters,
    now: () => now,
    /** Plays the Durable Object's alarm: flush, then wake at the time the writer asked for. Returns the flushes. */
    async drive(): Promise<number> {
      let flushes = 0
      while (engine.hasPendingWork() && flushes < 100_000) {
        const result = await engine.flush()
        flushes++
        if (result.nextRunAt === null) break
        if (result.nextRunAt > now) now = result.nextRunAt
      }
      return flushes
    },
  }
}

/**
 * Triggers are events: contacts with two or three orders placed within one flush get each value as its own
 * change of `bc_order_placed_at`. The extra calls this costs are the queued values' own batches, nothing more.
 */
async function collidingTriggers(summaries: ContactSummary[]) {
  const sync = syncHarness()
  await sync.engine.runSetup()
  const before = sync.standin.requests.length
  const start = Date.UTC(2026, 10, 2, 9, 0)
  const expected = new Map<string, string[]>()
  summaries.forEach((summary, i) => {
    // 70% one order, 20% two, 10% three, a few seconds apart: all enqueued before the writer flushes.
    const orders = i % 10 === 0 ? 3 : i % 10 < 3 ? 2 : 1
    const fired = Array.from({ length: orders }, (_, n) => ({
      trigger: 'order_placed' as const,
      key: `order_placed:${i}-${n}`,
      at: new Date(start + i * 1000 + n * 4000).toISOString(),
    }))
    expected.set(summary.email, fired.map((f) => f.at))
    for (const f of fired) sync.engine.enqueue([contactRecord(summary, [f])])
  })
  await sync.drive()
  const calls = sync.standin.requests.slice(before)
  const upserts = calls.filter((r) => /contacts\/batch\/upsert$/.test(r.path))
  const withValues = (k: number) => [...expected.values()].filter((v) => v.length >= k).length
  const minimum = [1, 2, 3].reduce((n, k) => n + Math.ceil(withValues(k) / 100), 0)
  let wrongHistories = 0
  for (const [email, values] of expected) {
    const record = sync.standin.portal.findByProperty('contacts', 'email', email)
    const history = (record?.history.bc_order_placed_at ?? []).map((c) => c.value)
    if (JSON.stringify(history) !== JSON.stringify(values)) wrongHistories++
  }
  const extra = upserts.length - Math.ceil(expected.size / 100)
  const values = [...expected.values()].reduce((n, v) => n + v.length, 0)
  const inputs = upserts.reduce((n, r) => n + (r.inputs ?? 0), 0)
  const rows: [string, string][] = [
    ['contacts', `${expected.size}: ${withValues(1) - withValues(2)} with one order placed, ${withValues(2) - withValues(3)} with two, ${withValues(3)} with three, within one flush`],
    ['trigger values', String(values)],
    ['contact inputs sent', `${inputs} (each carries one trigger value: ${inputs === values ? 'yes' : 'no'})`],
    ['HubSpot calls (after setup)', `${calls.length} (contact upserts ${upserts.length}; the non-colliding minimum is ${Math.ceil(expected.size / 100)})`],
    ['minimum calls: each value its own change', `${minimum} (${[1, 2, 3].map((k) => Math.ceil(withValues(k) / 100)).join(' + ')})`],
    ['calls / minimum', `${(calls.length / minimum).toFixed(3)}×`],
    ['extra calls (queued trigger values only)', `${extra} (minimum ${minimum - Math.ceil(expected.size / 100)})`],
    ['contacts whose bc_order_placed_at history differs from the orders, in order', String(wrongHistories)],
  ]
  const width = Math.max(...rows.map(([k]) => k.length))
  console.log('\nColliding triggers (triggers are events)\n' + '─'.repeat(width + 60))
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`)
  console.log('─'.repeat(width + 60))
  const ok = wrongHistories === 0 && inputs === values && calls.length <= minimum * 1.05 && sync.deadLetters.length === 0
  console.log(ok ? 'PASS: every trigger value its own change, in order, within 1.05× of the minimum calls' : 'FAIL: see the rows above')
  if (!ok) process.exitCode = 1
}

main().catch((err) => {
  console.error(err)
  process.exitCode = 1
})
