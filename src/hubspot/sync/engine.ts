import {
  ASSOCIATION_BATCH_LIMIT,
  BATCH_LIMIT,
  type BatchErrorBody,
  type BatchResult,
  type HubSpotClient,
  type HubSpotError,
  type HubSpotResponse,
  type RateLimitInfo,
  inputRefsOf,
  propertyErrorsOf,
} from '../client'
import { prepareProperties, propertyDefinition } from '../properties'
import { ID_PROPERTY, OBJECT_TYPES, type HubSpotObjectType, type HubSpotRecord } from '../records'
import { mergeSetup, setupPortal, type SetupResult } from '../setup'
import { ensureEventDefinitions, flushEvents, EVENT_DEFINITIONS_KEY, type EventContext, type EventDefinitionsState } from './events'
import { RateBudget, type RateBudgetOptions } from './rate-budget'
import { recordKey, type PendingAssociation, type PendingRecord, type ReadyAssociation, type WriterStore } from './store'

/**
 * The flush planner: everything the HubSpot writer does, as plain code over a store, a client and a clock,
 * so the Durable Object stays thin and the benchmark can drive the very same logic in Node.
 *
 * A flush runs setup if it has not run, upserts pending records in dependency order (contacts, products,
 * orders, line items, carts, tasks) 100 per call by their unique property, remembers the HubSpot ids the results
 * carry, then creates the associations whose both ends have ids, 2000 per call. Rows leave pending only
 * once HubSpot accepted them, and only if they did not change meanwhile; upserts are idempotent by key, so
 * a flush cut short anywhere is simply repeated.
 */
export const WRITE_ORDER: readonly HubSpotObjectType[] = ['contacts', 'products', 'orders', 'line_items', 'carts', 'tasks']

/**
 * Objects written once: a record HubSpot already has (its id is known) is not written again, so a replay
 * never reopens a task someone completed. The unique key still makes a replay before that an upsert.
 */
const CREATE_ONCE: ReadonlySet<HubSpotObjectType> = new Set(['tasks'])

/** Canonical (alphabetical) pairs of the default associations the mapping asks for. */
const ASSOCIATION_PAIRS: readonly [HubSpotObjectType, HubSpotObjectType][] = [
  ['carts', 'contacts'],
  ['carts', 'orders'],
  ['contacts', 'orders'],
  ['contacts', 'tasks'],
  ['line_items', 'orders'],
]

export interface WriterClock {
  now(): number
  sleep(ms: number): Promise<void>
}

export const realClock: WriterClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
}

export interface DeadLetter {
  objectType: HubSpotObjectType
  key: string
  record: HubSpotRecord
  error: string
  attempts: number
  at: number
}

/** Where the writer reports outside its own storage (D1 in the Durable Object, memory in the benchmark). */
export interface WriterSink {
  deadLetter(entry: DeadLetter): Promise<void>
  ordersSynced(orderIds: string[], at: number): Promise<void>
}

export interface EngineOptions {
  /** A record failing this many times goes to the dead letters. */
  maxAttempts: number
  batchSize: number
  associationBatchSize: number
  /** Batches of one object type in flight at once. */
  concurrency: number
  /** Longer waits end the flush and ask to be run again later (an alarm) instead of sleeping. */
  maxInlineWaitMs: number
  /** Wall time one flush may take before it yields. */
  sliceMs: number
  /** An association whose other end never gets an id is given up after this long. */
  associationBoundMs: number
  /** Backoff of a failing record: base × 2^(attempts-1). */
  recordRetryBaseMs: number
  /** Backoff after 5xx and timeouts: base × 2^(streak-1), capped. */
  transientBaseMs: number
  transientMaxMs: number
  /** Pause of an object type after 401/403 (a token or scope problem an operator must fix). */
  authBackoffMs: number
  /** Setup with permanent errors or blocked objects is tried again after this long. */
  setupRetryMs: number
  /** HUBSPOT_CUSTOM_EVENTS: send pending custom events (else they are dropped). */
  customEvents: boolean
  budget: RateBudgetOptions
}

export const DEFAULT_OPTIONS: EngineOptions = {
  maxAttempts: 5,
  batchSize: BATCH_LIMIT,
  associationBatchSize: ASSOCIATION_BATCH_LIMIT,
  concurrency: 3,
  maxInlineWaitMs: 5_000,
  sliceMs: 25_000,
  associationBoundMs: 24 * 3600_000,
  recordRetryBaseMs: 2_000,
  transientBaseMs: 250,
  transientMaxMs: 60_000,
  authBackoffMs: 5 * 60_000,
  setupRetryMs: 3600_000,
  customEvents: false,
  budget: {},
}

export interface WriterStats {
  written: Record<HubSpotObjectType, number>
  associated: number
  lastSuccessAt: number | null
  lastError: { at: number; message: string } | null
  rateLimited: number
  transientErrors: number
  recordFailures: number
  deadLettered: number
  associationsFailed: number
  associationsAbandoned: number
  /** Properties left out of writes: `<objectType>.<name>` → why. */
  droppedProperties: Record<string, string>
  eventsSent: number
  /** Custom events not sent: the feature is off, the account lacks it, or they kept failing. */
  eventsDropped: number
}

export interface WriterStatus {
  queue: Record<HubSpotObjectType, number>
  associationsPending: number
  lastSuccessAt: string | null
  lastError: { at: string; message: string } | null
  errors: {
    rateLimited: number
    transient: number
    recordFailures: number
    deadLettered: number
    associationsFailed: number
    associationsAbandoned: number
  }
  written: Record<HubSpotObjectType, number>
  associated: number
  pausedUntil: string | null
  pauseReason: string | null
  /** HubSpot properties the account lacks, left out of writes. */
  missingProperties: Partial<Record<HubSpotObjectType, string[]>>
  droppedProperties: Record<string, string>
  blockedObjects: HubSpotObjectType[]
  setup: SetupResult | null
  rateLimit: (RateLimitInfo & { at: string }) | null
  customEvents: {
    enabled: boolean
    /** Null until the account was asked. */
    available: boolean | null
    reason: string | null
    pending: number
    sent: number
    dropped: number
  }
}

export interface FlushResult {
  calls: number
  /** When to flush again (an alarm), or null when nothing is left to do. */
  nextRunAt: number | null
  stoppedBy: StopReason | null
}

type StopReason = 'daily_limit' | 'rate_budget' | 'transient' | 'deadline' | 'setup'

interface Pause {
  until: number
  reason: string
}

interface Item {
  row: PendingRecord
  properties: Record<string, string>
  /** Line item → product links sent inline as hs_product_id. */
  inlined: PendingAssociation[]
}

const STATS = 'stats'
const SETUP = 'setup'
const PAUSE = 'pause'
const UNAVAILABLE = 'unavailable'

export class WriterEngine {
  readonly options: EngineOptions
  readonly budget: RateBudget
  private stats: WriterStats
  private stop: StopReason | null = null
  private resumeAt = 0
  private deadline = Infinity
  private calls = 0
  private transientStreak = 0
  private backoffUntil = 0
  private setupStale = false
  private inFlush = false
  private inSetup = false
  private readonly typeBackoff = new Map<HubSpotObjectType, number>()

  constructor(
    private readonly store: WriterStore,
    private readonly client: HubSpotClient,
    private readonly sink: WriterSink,
    private readonly clock: WriterClock = realClock,
    options: Partial<EngineOptions> = {},
  ) {
    this.options = { ...DEFAULT_OPTIONS, ...options }
    this.budget = new RateBudget(this.options.budget)
    this.stats = withDefaults(store.getValue<WriterStats>(STATS))
  }

  enqueue(records: HubSpotRecord[]): void {
    this.store.enqueue(records, this.clock.now())
  }

  hasPendingWork(): boolean {
    return Object.values(this.store.pendingCounts()).some((n) => n > 0) || this.store.associationCount() > 0
  }

  // ── Flush ──────────────────────────────────────────────────────────────────────────────────────────

  async flush(): Promise<FlushResult> {
    const startCalls = this.calls
    this.stop = null
    this.deadline = this.clock.now() + this.options.sliceMs
    this.inFlush = true
    try {
      const pause = this.store.getValue<Pause>(PAUSE)
      if (pause && this.clock.now() < pause.until) return this.result(startCalls, 'daily_limit')
      if (pause) this.store.setValue(PAUSE, null)
      if (this.clock.now() < this.backoffUntil) return this.result(startCalls, 'transient')

      const setup = this.store.getValue<SetupResult>(SETUP)
      if (this.needsSetup(setup)) {
        await this.runSetup(this.setupStale || !setup ? OBJECT_TYPES : unfinished(setup))
        if (this.stop) return this.result(startCalls, this.stop)
      }

      for (let round = 0; round < 10 && !this.stop; round++) {
        const wrote = await this.writeRecords()
        if (this.stop) break
        const linked = await this.writeAssociations()
        if (!wrote && !linked) break
      }
      this.stats.associationsAbandoned += this.store.expireAssociations(this.clock.now() - this.options.associationBoundMs)
      // Events go after the records: the contact an event is about must exist in HubSpot first.
      if (!this.stop) await flushEvents(this.eventContext())
      return this.result(startCalls, this.stop)
    } finally {
      this.inFlush = false
      this.saveStats()
    }
  }

  /**
   * Setup of the portal (also the admin API's): creates what is missing, reports what conflicts. Waits for
   * the rate budget up to the end of the slice; objects it did not finish are redone by the next flush.
   */
  async runSetup(objectTypes: readonly HubSpotObjectType[] = OBJECT_TYPES): Promise<SetupResult> {
    if (!this.inFlush) {
      this.stop = null
      this.deadline = this.clock.now() + this.options.sliceMs
    }
    this.inSetup = true
    let fresh: SetupResult
    try {
      fresh = await setupPortal(
        this.client,
        new Date(this.clock.now()),
        async (call) => (await this.send(call)) ?? stoppedResponse(this.stop),
        objectTypes,
      )
    } finally {
      this.inSetup = false
    }
    const previous = this.store.getValue<SetupResult>(SETUP)
    const result = previous && objectTypes.length < OBJECT_TYPES.length ? mergeSetup(previous, fresh, objectTypes) : fresh
    this.store.setValue(SETUP, result)
    this.setupStale = false
    if (!this.inFlush) {
      // The admin's setup also (re)defines the custom events; a flush does that lazily before sending.
      if (this.options.customEvents && !this.stop) {
        const events = await ensureEventDefinitions(this.eventContext(), true)
        if (events) result.customEvents = eventSetupSummary(events)
      }
      this.saveStats()
    }
    return result
  }

  private needsSetup(setup: SetupResult | undefined): boolean {
    if (!setup || this.setupStale) return true
    // An object added since the last setup (tasks) needs its own.
    if (OBJECT_TYPES.some((t) => !setup.available[t])) return true
    if (setup.errors.some((e) => e.retryable)) return true
    const stale = this.clock.now() - Date.parse(setup.ranAt) > this.options.setupRetryMs
    return stale && (setup.errors.length > 0 || setup.blocked.length > 0)
  }

  private writable(): HubSpotObjectType[] {
    const setup = this.store.getValue<SetupResult>(SETUP)
    const now = this.clock.now()
    return WRITE_ORDER.filter((t) => !setup?.blocked.includes(t) && (this.typeBackoff.get(t) ?? 0) <= now)
  }

  /** Writes every due record, type by type; true when any call went out. */
  private async writeRecords(): Promise<boolean> {
    let wrote = false
    for (const type of this.writable()) {
      let passes = 0
      while (!this.stop) {
        const rows = this.store.due(type, this.clock.now(), this.options.batchSize * this.options.concurrency)
        if (!rows.length) break
        // A safety net: rows that neither leave nor wait must not spin a flush forever.
        if (++passes > 10_000) break
        const batches: PendingRecord[][] = []
        for (let i = 0; i < rows.length; i += this.options.batchSize) batches.push(rows.slice(i, i + this.options.batchSize))
        await Promise.all(batches.map((batch) => this.writeBatch(type, batch)))
        wrote = true
        if ((this.typeBackoff.get(type) ?? 0) > this.clock.now()) break
        if (this.clock.now() >= this.deadline) this.halt('deadline', this.clock.now())
      }
      if (this.stop) break
    }
    return wrote
  }

  private async writeBatch(type: HubSpotObjectType, rows: PendingRecord[]): Promise<void> {
    let items = this.prepare(type, rows)
    const known = this.store.knownIds(type, rows.map((r) => r.key))
    if (CREATE_ONCE.has(type)) {
      const existing = items.filter((i) => known.has(i.row.key))
      this.store.complete(type, existing.map((i) => ({ key: i.row.key, version: i.row.version })))
      items = items.filter((i) => !known.has(i.row.key))
    }
    const byId = items.filter((i) => known.get(i.row.key)?.updateById)
    const upserts = items.filter((i) => !known.get(i.row.key)?.updateById)
    await this.upsert(type, upserts)
    await this.updateById(type, byId.map((item) => ({ item, id: known.get(item.row.key)!.id })))
  }

  /** The properties to send: the registry and the portal decide; line items get hs_product_id inline. */
  private prepare(type: HubSpotObjectType, rows: PendingRecord[]): Item[] {
    const available = this.availableProperties(type)
    let links = new Map<string, { association: PendingAssociation; productId: string }>()
    if (type === 'line_items' && available?.has('hs_product_id') !== false) {
      const associations = this.store.associationsOf('line_items', rows.map((r) => r.key), 'products')
      const productIds = this.store.knownIds('products', associations.map((a) => a.toKey))
      links = new Map(
        associations
          .filter((a) => productIds.has(a.toKey))
          .map((a) => [a.fromKey, { association: a, productId: productIds.get(a.toKey)!.id }]),
      )
    }
    return rows.map((row) => {
      const link = links.get(row.key)
      const wanted = { ...row.properties, [ID_PROPERTY[type]]: row.key, ...(link ? { hs_product_id: link.productId } : {}) }
      const { properties, problems } = prepareProperties(type, wanted, available)
      for (const p of problems) {
        if (p.reason !== 'unavailable') this.stats.droppedProperties[`${type}.${p.name}`] = p.reason === 'unknown' ? 'not in the property registry' : 'invalid value'
      }
      return { row, properties, inlined: link ? [link.association] : [] }
    })
  }

  private availableProperties(type: HubSpotObjectType): Set<string> | undefined {
    const setup = this.store.getValue<SetupResult>(SETUP)
    if (!setup) return undefined
    const unavailable = this.store.getValue<Partial<Record<HubSpotObjectType, string[]>>>(UNAVAILABLE)?.[type] ?? []
    const available = new Set(setup.available[type])
    for (const name of unavailable) available.delete(name)
    return available
  }

  private async upsert(type: HubSpotObjectType, items: Item[]): Promise<void> {
    if (!items.length || this.stop) return
    const idProperty = ID_PROPERTY[type]
    const res = await this.send(() =>
      this.client.batchUpsert(type, idProperty, items.map((i) => ({ id: i.row.key, properties: i.properties }))),
    )
    if (!res) return
    if (res.ok) {
      const ids = matchUpsertResults(type, items, res.data)
      await this.accepted(type, items.filter((i) => ids.has(i.row.key)), ids)
      const failed = items.filter((i) => !ids.has(i.row.key))
      if (failed.length) await this.inputErrors(type, failed, res.data.errors ?? [], (rest) => this.upsert(type, rest))
      return
    }
    await this.batchFailed(type, items, res.error, (rest) => this.upsert(type, rest))
  }

  /** Records a 409 resolved to an existing HubSpot id are written by that id. */
  private async updateById(type: HubSpotObjectType, entries: { item: Item; id: string }[]): Promise<void> {
    if (!entries.length || this.stop) return
    const res = await this.send(() =>
      this.client.batchUpdate(type, entries.map((e) => ({ id: e.id, properties: withoutKey(type, e.item.properties) }))),
    )
    if (!res) return
    const items = entries.map((e) => e.item)
    if (res.ok) {
      const returned = new Set((res.data.results ?? []).map((r) => r.id))
      const ids = new Map(entries.filter((e) => returned.has(e.id) || res.status === 200).map((e) => [e.item.row.key, e.id]))
      await this.accepted(type, items.filter((i) => ids.has(i.row.key)), ids, true)
      const failed = items.filter((i) => !ids.has(i.row.key))
      for (const item of failed) this.store.forgetId(type, item.row.key)
      if (failed.length) await this.inputErrors(type, failed, res.data.errors ?? [], async () => {})
      return
    }
    if (res.error.kind === 'not_found') {
      // The record was deleted or merged away in HubSpot: upsert it afresh by its key.
      for (const item of items) this.store.forgetId(type, item.row.key)
      return
    }
    await this.batchFailed(type, items, res.error, (rest) =>
      this.updateById(type, rest.map((item) => entries.find((e) => e.item === item)!)),
    )
  }

  private async accepted(type: HubSpotObjectType, items: Item[], ids: Map<string, string>, byId = false): Promise<void> {
    if (!items.length) return
    const now = this.clock.now()
    this.store.saveIds(type, items.map((i) => ({ key: i.row.key, id: ids.get(i.row.key)!, updateById: byId })))
    this.store.complete(type, items.map((i) => ({ key: i.row.key, version: i.row.version })))
    this.store.deleteAssociations(items.flatMap((i) => i.inlined))
    this.stats.written[type] += items.length
    this.stats.lastSuccessAt = now
    if (type === 'orders') {
      try {
        await this.sink.ordersSynced(items.map((i) => i.row.key), now)
      } catch (err) {
        console.error('hubspot writer: could not record synced orders:', err instanceof Error ? err.message : String(err))
      }
    }
  }

  /** Per-input errors of a 207: drop properties the account lacks and retry, else count an attempt. */
  private async inputErrors(
    type: HubSpotObjectType,
    failed: Item[],
    errors: BatchErrorBody[],
    retry: (items: Item[]) => Promise<void>,
  ): Promise<void> {
    const again: Item[] = []
    for (const item of failed) {
      const error =
        errors.find((e) => inputRefsOf(e).some((ref) => recordKey(type, ref) === item.row.key)) ??
        (errors.length === 1 && failed.length === 1 ? errors[0] : undefined)
      const missing = error ? this.lackingHubSpotProperties(type, propertyErrorsOf(error).map((p) => p)) : []
      if (missing.length) {
        this.markUnavailable(type, missing)
        again.push(item)
      } else {
        await this.recordFailed(type, item, error?.message ?? 'HubSpot did not accept this record')
      }
    }
    if (again.length) await retry(this.prepare(type, again.map((i) => i.row)))
  }

  /** A whole batch refused: find the records at fault (by the error, else by halving), fail only those. */
  private async batchFailed(
    type: HubSpotObjectType,
    items: Item[],
    error: HubSpotError,
    retry: (items: Item[]) => Promise<void>,
  ): Promise<void> {
    if (error.kind === 'rate_limit' || error.retryable) return // the budget or backoff already acted
    if (error.kind === 'auth') {
      this.typeBackoff.set(type, this.clock.now() + this.options.authBackoffMs)
      return
    }
    const missing = this.lackingHubSpotProperties(type, error.propertyErrors)
    if (missing.length) {
      this.markUnavailable(type, missing)
      return retry(this.prepare(type, items.map((i) => i.row)))
    }
    const keyUnusable = /non-unique/i.test(error.message)
    const ours = error.propertyErrors.some((p) => p.code === 'PROPERTY_DOESNT_EXIST' && propertyDefinition(type, p.name)?.custom)
    const ranAt = this.store.getValue<SetupResult>(SETUP)?.ranAt
    const setupIsOld = !ranAt || this.clock.now() - Date.parse(ranAt) > 60_000
    if ((keyUnusable || ours) && setupIsOld) {
      // One of our properties vanished, or a key lost its uniqueness: setup recreates or reports (and blocks)
      // it. Right after a setup the records themselves take the failure, so nothing loops.
      this.setupStale = true
      this.halt('setup', this.clock.now() + 1_000)
      return
    }
    if (error.kind === 'conflict' && items.length === 1 && error.existingId) {
      const [item] = items as [Item]
      this.store.saveIds(type, [{ key: item.row.key, id: error.existingId, updateById: true }])
      return this.updateById(type, [{ item, id: error.existingId }])
    }
    const named = items.filter((i) => error.inputRefs.some((ref) => recordKey(type, ref) === i.row.key))
    if (named.length && named.length < items.length) {
      for (const item of named) await this.recordFailed(type, item, error.message)
      return retry(items.filter((i) => !named.includes(i)))
    }
    if (items.length > 1) {
      const half = Math.ceil(items.length / 2)
      await retry(items.slice(0, half))
      await retry(items.slice(half))
      return
    }
    await this.recordFailed(type, items[0]!, error.message)
  }

  /** HubSpot properties (not ours) that the portal says do not exist. */
  private lackingHubSpotProperties(type: HubSpotObjectType, errors: { name: string; code?: string }[]): string[] {
    return errors
      .filter((p) => p.code === 'PROPERTY_DOESNT_EXIST')
      .map((p) => p.name)
      .filter((name) => {
        const definition = propertyDefinition(type, name)
        return definition && !definition.custom && name !== ID_PROPERTY[type]
      })
  }

  private markUnavailable(type: HubSpotObjectType, names: string[]): void {
    const unavailable = this.store.getValue<Partial<Record<HubSpotObjectType, string[]>>>(UNAVAILABLE) ?? {}
    unavailable[type] = [...new Set([...(unavailable[type] ?? []), ...names])].sort()
    this.store.setValue(UNAVAILABLE, unavailable)
  }

  private async recordFailed(type: HubSpotObjectType, item: Item, message: string): Promise<void> {
    const now = this.clock.now()
    const attempts = item.row.attempts + 1
    this.stats.recordFailures++
    this.stats.lastError = { at: now, message: `${type}:${item.row.key}: ${message}` }
    if (attempts < this.options.maxAttempts) {
      const delay = this.options.recordRetryBaseMs * 2 ** (attempts - 1)
      this.store.retryLater(type, item.row.key, attempts, now + delay, message)
      return
    }
    const associations = this.store.associationsInvolving(type, item.row.key).map((a) =>
      a.fromType === type && a.fromKey === item.row.key
        ? { toObjectType: a.toType, toKey: a.toKey }
        : { toObjectType: a.fromType, toKey: a.fromKey },
    )
    const record: HubSpotRecord = { objectType: type, key: item.row.key, properties: item.row.properties, associations }
    try {
      await this.sink.deadLetter({ objectType: type, key: item.row.key, record, error: message, attempts, at: now })
    } catch (err) {
      // Keep it pending rather than lose it; try again later.
      this.store.retryLater(type, item.row.key, attempts - 1, now + this.options.recordRetryBaseMs, message)
      console.error('hubspot writer: dead letter not stored:', err instanceof Error ? err.message : String(err))
      return
    }
    this.stats.deadLettered++
    // Changed since it was read: the new data deserves fresh attempts.
    if (!this.store.remove(type, item.row.key, item.row.version)) this.store.retryLater(type, item.row.key, 0, now, message)
  }

  // ── Associations ───────────────────────────────────────────────────────────────────────────────────

  private async writeAssociations(): Promise<boolean> {
    let wrote = false
    await this.linkProducts()
    for (const [from, to] of ASSOCIATION_PAIRS) {
      while (!this.stop) {
        const ready = this.store.readyAssociations(from, to, this.clock.now(), this.options.associationBatchSize)
        if (!ready.length) break
        await this.associate(from, to, ready)
        wrote = true
        if (this.clock.now() >= this.deadline) this.halt('deadline', this.clock.now())
      }
    }
    return wrote
  }

  /**
   * Products cannot be associated in HubSpot: a line item names its product in hs_product_id. Usually it is
   * sent inline (products are written first); a line item written before its product got an id is updated.
   */
  private async linkProducts(): Promise<void> {
    const now = this.clock.now()
    for (;;) {
      const ready = this.store.readyAssociations('line_items', 'products', now, 1000)
      if (!ready.length) return
      if (this.availableProperties('line_items')?.has('hs_product_id') !== false) {
        this.store.enqueue(
          ready.map((a) => ({ objectType: 'line_items', key: a.fromKey, properties: { hs_product_id: a.toId } })),
          now,
        )
      }
      this.store.deleteAssociations(ready)
    }
  }

  private async associate(from: HubSpotObjectType, to: HubSpotObjectType, pairs: ReadyAssociation[]): Promise<void> {
    if (!pairs.length || this.stop) return
    const res = await this.send(() =>
      this.client.batchAssociateDefault(from, to, pairs.map((p) => ({ from: p.fromId, to: p.toId }))),
    )
    if (!res) return
    if (res.ok) {
      const failed = res.status === 207 ? failedAssociations(pairs, res.data) : []
      const done = pairs.filter((p) => !failed.includes(p))
      this.store.deleteAssociations(done)
      this.stats.associated += done.length
      this.stats.lastSuccessAt = this.clock.now()
      const message = res.data.errors?.[0]?.message ?? 'association refused'
      for (const p of failed) this.associationFailed(p, message)
      return
    }
    const error = res.error
    if (error.retryable || error.kind === 'rate_limit') return
    if (error.kind === 'auth') return
    if (pairs.length > 1) {
      const half = Math.ceil(pairs.length / 2)
      await this.associate(from, to, pairs.slice(0, half))
      await this.associate(from, to, pairs.slice(half))
      return
    }
    this.associationFailed(pairs[0]!, error.message)
  }

  private associationFailed(pair: PendingAssociation, message: string): void {
    const now = this.clock.now()
    const attempts = pair.attempts + 1
    this.stats.lastError = { at: now, message: `association ${pair.fromType}:${pair.fromKey} → ${pair.toType}:${pair.toKey}: ${message}` }
    if (attempts >= this.options.maxAttempts) {
      this.store.deleteAssociations([pair])
      this.stats.associationsFailed++
    } else {
      this.store.retryAssociationsLater([pair], attempts, now + this.options.recordRetryBaseMs * 2 ** (attempts - 1))
    }
  }

  // ── Calls under the budget ─────────────────────────────────────────────────────────────────────────

  /**
   * One call under the rate budget, repeated through ten-secondly 429s and transient failures while the
   * waits are short. Returns null when the flush must stop (daily limit, long wait, deadline).
   */
  private async send<T>(call: () => Promise<HubSpotResponse<T>>): Promise<HubSpotResponse<T> | null> {
    for (;;) {
      if (!(await this.acquire())) return null
      const res = await call()
      const now = this.clock.now()
      this.budget.observe(res.rateLimit, now)
      if (res.ok) {
        this.transientStreak = 0
        return res
      }
      const error = res.error
      this.stats.lastError = { at: now, message: `HTTP ${error.status}: ${error.message}` }
      if (error.kind === 'rate_limit') {
        this.stats.rateLimited++
        if (error.policyName === 'DAILY') {
          const until = error.retryAfterMs ? now + error.retryAfterMs : nextUtcMidnight(now)
          this.store.setValue(PAUSE, { until, reason: `HubSpot daily API limit reached: ${error.message}` } satisfies Pause)
          this.halt('daily_limit', until)
          return null
        }
        const window = error.policyName === 'SECONDLY' ? 1_000 : this.budget.intervalMs
        this.budget.block(now + (error.retryAfterMs ?? window))
        continue
      }
      if (error.retryable) {
        this.stats.transientErrors++
        this.transientStreak++
        const wait = Math.min(
          error.retryAfterMs ?? this.options.transientBaseMs * 2 ** (this.transientStreak - 1),
          this.options.transientMaxMs,
        )
        if (wait > this.options.maxInlineWaitMs || now + wait > this.deadline) {
          this.backoffUntil = now + wait
          this.halt('transient', now + wait)
          return null
        }
        await this.clock.sleep(wait)
        continue
      }
      return res
    }
  }

  private async acquire(): Promise<boolean> {
    for (;;) {
      if (this.stop) return false
      const now = this.clock.now()
      const wait = this.budget.waitMs(now)
      if (wait === 0) {
        this.budget.take(now)
        this.calls++
        return true
      }
      // Setup waits as long as the slice allows: it is short, and everything else waits for it.
      const limit = this.inSetup ? Infinity : this.options.maxInlineWaitMs
      if (wait > limit || now + wait > this.deadline) {
        this.halt('rate_budget', now + wait)
        return false
      }
      await this.clock.sleep(wait)
    }
  }

  private halt(reason: StopReason, resumeAt: number): void {
    if (this.stop) return
    this.stop = reason
    this.resumeAt = resumeAt
  }

  // ── Results and status ─────────────────────────────────────────────────────────────────────────────

  private result(startCalls: number, stoppedBy: StopReason | null): FlushResult {
    return { calls: this.calls - startCalls, nextRunAt: this.nextRunAt(stoppedBy), stoppedBy }
  }

  private nextRunAt(stoppedBy: StopReason | null): number | null {
    const now = this.clock.now()
    const pause = this.store.getValue<Pause>(PAUSE)
    if (pause && pause.until > now) return pause.until
    if (stoppedBy === 'transient') return Math.max(this.backoffUntil, now)
    if (stoppedBy && stoppedBy !== 'deadline') return Math.max(this.resumeAt, now)
    const candidates: number[] = []
    const writable = this.writable()
    const due = this.store.nextDueAt(writable)
    if (due !== null) candidates.push(due)
    for (const [type, until] of this.typeBackoff) {
      if (until > now && this.store.pendingCounts()[type] > 0) candidates.push(until)
    }
    const setup = this.store.getValue<SetupResult>(SETUP)
    if (setup?.blocked.some((t) => this.store.pendingCounts()[t] > 0)) {
      candidates.push(Date.parse(setup.ranAt) + this.options.setupRetryMs)
    }
    const associations = this.store.nextAssociationAt(this.options.associationBoundMs)
    if (associations !== null) candidates.push(associations)
    const events = this.store.nextEventAt()
    if (events !== null) candidates.push(events)
    if (!candidates.length) return null
    return Math.max(Math.min(...candidates), now)
  }

  status(): WriterStatus {
    const setup = this.store.getValue<SetupResult>(SETUP) ?? null
    const pause = this.store.getValue<Pause>(PAUSE)
    const paused = pause && pause.until > this.clock.now() ? pause : null
    const unavailable = this.store.getValue<Partial<Record<HubSpotObjectType, string[]>>>(UNAVAILABLE) ?? {}
    const events = this.store.getValue<EventDefinitionsState>(EVENT_DEFINITIONS_KEY)
    const missing: Partial<Record<HubSpotObjectType, string[]>> = {}
    for (const type of OBJECT_TYPES) {
      const names = [...new Set([...(setup?.missing[type] ?? []), ...(unavailable[type] ?? [])])].sort()
      if (names.length) missing[type] = names
    }
    const s = this.stats
    const last = this.budget.last
    return {
      queue: this.store.pendingCounts(),
      associationsPending: this.store.associationCount(),
      lastSuccessAt: s.lastSuccessAt ? new Date(s.lastSuccessAt).toISOString() : null,
      lastError: s.lastError ? { at: new Date(s.lastError.at).toISOString(), message: s.lastError.message } : null,
      errors: {
        rateLimited: s.rateLimited,
        transient: s.transientErrors,
        recordFailures: s.recordFailures,
        deadLettered: s.deadLettered,
        associationsFailed: s.associationsFailed,
        associationsAbandoned: s.associationsAbandoned,
      },
      written: { ...s.written },
      associated: s.associated,
      pausedUntil: paused ? new Date(paused.until).toISOString() : null,
      pauseReason: paused?.reason ?? null,
      missingProperties: missing,
      droppedProperties: { ...s.droppedProperties },
      blockedObjects: setup?.blocked ?? [],
      setup,
      rateLimit: last ? { ...last, at: new Date(last.at).toISOString() } : null,
      customEvents: {
        enabled: this.options.customEvents,
        available: events?.available ?? null,
        reason: events?.reason ?? null,
        pending: this.store.pendingEventCount(),
        sent: s.eventsSent,
        dropped: s.eventsDropped,
      },
    }
  }

  /** What the custom-event helpers need from the engine: its store, client, budgeted calls and stats. */
  private eventContext(): EventContext {
    return {
      store: this.store,
      client: this.client,
      now: () => this.clock.now(),
      send: (call) => this.send(call),
      enabled: this.options.customEvents,
      maxAttempts: this.options.maxAttempts,
      recordRetryBaseMs: this.options.recordRetryBaseMs,
      setupRetryMs: this.options.setupRetryMs,
      contactWaitMs: this.options.associationBoundMs,
      stats: this.stats,
    }
  }

  private saveStats(): void {
    this.store.setValue(STATS, this.stats)
  }
}

/** Objects a setup did not finish (an error, or never reached, or added since). */
function unfinished(setup: SetupResult): HubSpotObjectType[] {
  return OBJECT_TYPES.filter((t) => setup.errors.some((e) => e.objectType === t) || !setup.available[t])
}

function eventSetupSummary(state: EventDefinitionsState): NonNullable<SetupResult['customEvents']> {
  return { available: state.available, reason: state.reason, defined: Object.keys(state.definitions).sort(), failed: state.failed }
}

/** Stats stored by an older version lack newer counters (and object types): start those at zero. */
function withDefaults(stored: WriterStats | undefined): WriterStats {
  const empty = emptyStats()
  if (!stored) return empty
  return { ...empty, ...stored, written: { ...empty.written, ...stored.written } }
}

function emptyStats(): WriterStats {
  return {
    written: { contacts: 0, products: 0, orders: 0, line_items: 0, carts: 0, tasks: 0 },
    associated: 0,
    lastSuccessAt: null,
    lastError: null,
    rateLimited: 0,
    transientErrors: 0,
    recordFailures: 0,
    deadLettered: 0,
    associationsFailed: 0,
    associationsAbandoned: 0,
    droppedProperties: {},
    eventsSent: 0,
    eventsDropped: 0,
  }
}

/** Upsert results carry the unique property's value; that is how each result finds its input. */
function matchUpsertResults(type: HubSpotObjectType, items: Item[], data: BatchResult): Map<string, string> {
  const idProperty = ID_PROPERTY[type]
  const ids = new Map<string, string>()
  const keys = new Set(items.map((i) => i.row.key))
  const unmatched: string[] = []
  for (const result of data.results ?? []) {
    const value = result.properties?.[idProperty]
    const key = typeof value === 'string' ? recordKey(type, value) : undefined
    if (key && keys.has(key)) ids.set(key, result.id)
    else unmatched.push(result.id)
  }
  // Results without the key, when nothing failed: HubSpot keeps input order.
  if (unmatched.length && !(data.errors?.length) && (data.results ?? []).length === items.length) {
    items.forEach((item, index) => {
      if (!ids.has(item.row.key)) ids.set(item.row.key, data.results[index]!.id)
    })
  }
  return ids
}

function failedAssociations(pairs: ReadyAssociation[], data: BatchResult<unknown>): ReadyAssociation[] {
  const succeeded = new Set<string>()
  for (const r of (data.results ?? []) as Record<string, unknown>[]) {
    const from = r.fromObjectId ?? (r.from as { id?: unknown } | undefined)?.id
    const to = r.toObjectId ?? (r.to as { id?: unknown } | undefined)?.id
    if (from !== undefined && to !== undefined) succeeded.add(`${String(from)}>${String(to)}`)
  }
  if (!succeeded.size) {
    // Without usable results, use the error contexts to single out the failed pairs.
    const refs = new Set((data.errors ?? []).flatMap((e) => inputRefsOf(e)))
    return pairs.filter((p) => refs.has(p.fromId) || refs.has(p.toId))
  }
  return pairs.filter((p) => !succeeded.has(`${p.fromId}>${p.toId}`) && !succeeded.has(`${p.toId}>${p.fromId}`))
}

function withoutKey(type: HubSpotObjectType, properties: Record<string, string>): Record<string, string> {
  // batch/update addresses records by id; the unique key stays as it is.
  const { [ID_PROPERTY[type]]: _key, ...rest } = properties
  return type === 'contacts' ? properties : rest
}

export function nextUtcMidnight(now: number): number {
  return (Math.floor(now / 86_400_000) + 1) * 86_400_000
}

function stoppedResponse(reason: StopReason | null): HubSpotResponse<never> {
  return {
    ok: false,
    status: 0,
    rateLimit: {},
    error: {
      kind: 'other',
      status: 0,
      message: `not sent: the writer stopped (${reason ?? 'unknown'})`,
      retryable: true,
      propertyErrors: [],
      inputRefs: [],
    },
  }
}
