import { OBJECT_TYPES, OPTIONAL_OBJECT_TYPES, type HubSpotObjectType, type HubSpotRecord, type WriteLane } from '../records'
import { mergeSetup, setupPortal, type SetupResult } from '../setup'
import { AssociationWrites } from './association-writes'
import { FlushControl, stoppedResponse, type StopReason } from './calls'
import { ContactMerges, queueMerges, redirectRecords } from './contact-merges'
import type { WriterCollaborators, WriterContext } from './writer-context'
import { ensureEventDefinitions, flushEvents } from './custom-event-writes'
import { DEFAULT_OPTIONS, STORE_KEYS, type EngineOptions, type EventDefinitionsState, type Pause } from './options'
import { RateBudget } from './rate-budget'
import { RecordWrites } from './record-writes'
import { withDefaults, writerStatus, type WriterStats, type WriterStatus } from './writer-status'

/**
 * The flush planner: everything the HubSpot writer does, as plain code over a store, a client and a clock,
 * so the Durable Object stays thin and the benchmark can drive the very same logic in Node.
 *
 * A flush runs setup if it has not run, upserts pending live records in dependency order (contacts,
 * products, orders, line items, carts, tasks, companies) 100 per call by their unique property, remembers the HubSpot
 * ids the results carry, merges one person's contacts (./contact-merges.ts), creates the associations whose
 * both ends have ids, 2000 per call, then writes bulk
 * records (backfill, recomputes) until live work is due again. Rows leave pending only once HubSpot accepted
 * them, and only if they did not change meanwhile; upserts are idempotent by key, so a flush cut short
 * anywhere is simply repeated.
 */
export const WRITE_ORDER: readonly HubSpotObjectType[] = ['contacts', 'products', 'orders', 'line_items', 'carts', 'tasks', 'companies']

export interface FlushResult {
  calls: number
  /** When to flush again (an alarm), or null when nothing is left to do. */
  nextRunAt: number | null
  stoppedBy: StopReason | null
}

export class WriterEngine {
  readonly options: EngineOptions
  readonly budget: RateBudget
  private readonly stats: WriterStats
  private readonly control: FlushControl
  /** What every part of a flush shares (./context.ts). */
  private readonly ctx: WriterContext
  private readonly records: RecordWrites
  private readonly associations: AssociationWrites
  private readonly merges: ContactMerges
  private setupStale = false
  private inFlush = false
  private readonly typeBackoff = new Map<HubSpotObjectType, number>()

  constructor(collaborators: WriterCollaborators, options: Partial<EngineOptions> = {}) {
    this.options = { ...DEFAULT_OPTIONS, ...options }
    this.budget = new RateBudget(this.options.budget)
    this.stats = withDefaults(collaborators.store.getValue<WriterStats>(STORE_KEYS.stats))
    const tuned = { ...collaborators, options: this.options, stats: this.stats }
    this.control = new FlushControl(tuned, this.budget)
    this.ctx = { ...tuned, control: this.control }
    this.records = new RecordWrites(this.ctx, {
      typeBackoff: this.typeBackoff,
      onSetupStale: () => {
        this.setupStale = true
      },
    })
    this.associations = new AssociationWrites(this.ctx, (type) => this.records.availableProperties(type))
    this.merges = new ContactMerges(this.ctx)
  }

  enqueue(records: HubSpotRecord[], lane: WriteLane = 'live'): void {
    this.ctx.store.enqueue(redirectRecords(this.ctx.store, records), this.ctx.clock.now(), lane)
  }

  /**
   * One person: from now on the absorbed contacts' writes go to the surviving contact, and each is merged into
   * it in HubSpot at the next flush (a repeat finds them merged and calls nothing).
   */
  enqueueMerges(primaryKey: string, absorbedKeys: string[]): void {
    queueMerges(this.ctx.store, primaryKey, absorbedKeys, this.ctx.clock.now())
  }

  hasPendingWork(): boolean {
    return (
      Object.values(this.ctx.store.pendingCounts()).some((n) => n > 0) || this.ctx.store.associationCount() > 0 || this.ctx.store.pendingMergeCount() > 0
    )
  }

  async flush(): Promise<FlushResult> {
    const startCalls = this.control.calls
    const pausedSince = this.stats.paused?.since ?? null
    this.control.begin()
    this.inFlush = true
    try {
      const pause = this.ctx.store.getValue<Pause>(STORE_KEYS.pause)
      if (pause && this.ctx.clock.now() < pause.until) return this.result(startCalls, 'daily_limit')
      if (pause) this.ctx.store.setValue(STORE_KEYS.pause, null)
      if (this.ctx.clock.now() < this.control.backoffUntil) return this.result(startCalls, 'transient')

      const setup = this.ctx.store.getValue<SetupResult>(STORE_KEYS.setup)
      if (this.needsSetup(setup)) {
        const types = this.setupTypes()
        await this.runSetup(this.setupStale || !setup ? types : unfinished(setup, types))
        if (this.control.stop) return this.result(startCalls, this.control.stop)
      }

      for (let round = 0; round < 10 && !this.control.stop; round++) {
        const live = await this.records.writeLane('live', this.writable())
        if (this.control.stop) break
        // Only when a merge waits: a flush without one runs exactly as before merges existed.
        const merged = this.ctx.store.pendingMergeCount() > 0 && this.writable().includes('contacts') && (await this.merges.writeAll())
        if (this.control.stop) break
        const linked = await this.associations.writeAll()
        if (this.control.stop) break
        const bulk = await this.records.writeLane('bulk', this.writable(), 'live')
        if (!live && !merged && !linked && !bulk) break
      }
      const now = this.ctx.clock.now()
      // The replay horizon (README: 90 days): what was written or sent before it is forgotten, so neither grows.
      this.ctx.store.forgetWrittenTriggers(now - this.options.writtenTriggerMemoryMs)
      this.ctx.store.forgetSentEvents(now - this.options.writtenTriggerMemoryMs)
      // Events go after the records: the contact an event is about must exist in HubSpot first.
      if (!this.control.stop) await flushEvents(this.ctx)
      return this.result(startCalls, this.control.stop)
    } finally {
      this.inFlush = false
      this.saveStats()
      if ((this.stats.paused?.since ?? null) !== pausedSince) await this.reportPause()
    }
  }

  /** When the writer tries HubSpot again by itself: the first paused type's retry, or the transient backoff. */
  private retryAt(): number | null {
    if (!this.stats.paused) return null
    if (this.stats.paused.cause === 'outage') return this.control.backoffUntil || null
    const now = this.ctx.clock.now()
    const waits = [...this.typeBackoff.values()].filter((until) => until > now)
    return waits.length ? Math.min(...waits) : null
  }

  private async reportPause(): Promise<void> {
    try {
      await this.ctx.sink.pauseChanged?.(this.stats.paused, this.retryAt())
    } catch (err) {
      console.error('hubspot writer: could not report its pause:', err instanceof Error ? err.message : String(err))
    }
  }

  /**
   * An operator resumes: paused object types, a transient backoff and a daily-limit pause are lifted, so the
   * next flush calls HubSpot at once (if the cause remains, it pauses again). True when something was paused.
   */
  resume(): boolean {
    const now = this.ctx.clock.now()
    const wasPaused =
      this.stats.paused !== null ||
      [...this.typeBackoff.values()].some((until) => until > now) ||
      this.control.backoffUntil > now ||
      (this.ctx.store.getValue<Pause>(STORE_KEYS.pause)?.until ?? 0) > now
    this.typeBackoff.clear()
    this.control.backoffUntil = 0
    this.ctx.store.setValue(STORE_KEYS.pause, null)
    this.stats.paused = null
    this.saveStats()
    return wasPaused
  }

  /**
   * Setup of the portal (also the admin API's): creates what is missing, reports what conflicts. Waits for
   * the rate budget up to the end of the slice; objects it did not finish are redone by the next flush.
   */
  async runSetup(objectTypes: readonly HubSpotObjectType[] = this.setupTypes()): Promise<SetupResult> {
    if (!this.inFlush) this.control.begin()
    this.control.inSetup = true
    let fresh: SetupResult
    try {
      fresh = await setupPortal(
        this.ctx.client,
        new Date(this.ctx.clock.now()),
        async (call) => (await this.control.send(call)) ?? stoppedResponse(this.control.stop),
        objectTypes,
      )
    } finally {
      this.control.inSetup = false
    }
    const previous = this.ctx.store.getValue<SetupResult>(STORE_KEYS.setup)
    const covered = previous ? (Object.keys(previous.available) as HubSpotObjectType[]) : []
    const result = previous && covered.some((t) => !objectTypes.includes(t)) ? mergeSetup(previous, fresh, objectTypes) : fresh
    this.ctx.store.setValue(STORE_KEYS.setup, result)
    this.setupStale = false
    if (!this.inFlush) {
      // The admin's setup also (re)defines the custom events; a flush does that lazily before sending.
      if (this.options.customEvents && !this.control.stop) {
        const events = await ensureEventDefinitions(this.ctx, true)
        if (events) result.customEvents = eventSetupSummary(events)
      }
      this.saveStats()
    }
    return result
  }

  /**
   * The objects setup covers: every object but the optional ones (companies), which join once `extra` names
   * them (the admin's setup with B2B on), records of them wait, or an earlier setup covered them.
   */
  setupTypes(extra: readonly HubSpotObjectType[] = []): HubSpotObjectType[] {
    const setup = this.ctx.store.getValue<SetupResult>(STORE_KEYS.setup)
    const pending = this.ctx.store.pendingCounts()
    return OBJECT_TYPES.filter(
      (t) => !OPTIONAL_OBJECT_TYPES.includes(t) || extra.includes(t) || setup?.available[t] !== undefined || pending[t] > 0,
    )
  }

  private needsSetup(setup: SetupResult | undefined): boolean {
    if (!setup || this.setupStale) return true
    // An object added since the last setup (tasks), or an optional one now in use, needs its own.
    if (this.setupTypes().some((t) => !setup.available[t])) return true
    if (setup.errors.some((e) => e.retryable)) return true
    const stale = this.ctx.clock.now() - Date.parse(setup.ranAt) > this.options.setupRetryMs
    return stale && (setup.errors.length > 0 || setup.blocked.length > 0)
  }

  private writable(): HubSpotObjectType[] {
    const setup = this.ctx.store.getValue<SetupResult>(STORE_KEYS.setup)
    const now = this.ctx.clock.now()
    return WRITE_ORDER.filter((t) => !setup?.blocked.includes(t) && (this.typeBackoff.get(t) ?? 0) <= now)
  }

  private result(startCalls: number, stoppedBy: StopReason | null): FlushResult {
    return { calls: this.control.calls - startCalls, nextRunAt: this.nextRunAt(stoppedBy), stoppedBy }
  }

  private nextRunAt(stoppedBy: StopReason | null): number | null {
    const now = this.ctx.clock.now()
    const pause = this.ctx.store.getValue<Pause>(STORE_KEYS.pause)
    if (pause && pause.until > now) return pause.until
    if (stoppedBy === 'transient') return Math.max(this.control.backoffUntil, now)
    if (stoppedBy && stoppedBy !== 'deadline') return Math.max(this.control.resumeAt, now)
    const candidates: number[] = []
    const due = this.ctx.store.nextDueAt(this.writable())
    if (due !== null) candidates.push(due)
    for (const [type, until] of this.typeBackoff) {
      if (until > now && this.ctx.store.pendingCounts()[type] > 0) candidates.push(until)
    }
    const setup = this.ctx.store.getValue<SetupResult>(STORE_KEYS.setup)
    if (setup?.blocked.some((t) => this.ctx.store.pendingCounts()[t] > 0)) {
      candidates.push(Date.parse(setup.ranAt) + this.options.setupRetryMs)
    }
    const associations = this.ctx.store.nextAssociationAt()
    if (associations !== null) candidates.push(associations)
    const events = this.ctx.store.nextEventAt()
    if (events !== null) candidates.push(events)
    const merges = this.ctx.store.nextMergeAt()
    if (merges !== null) candidates.push(merges)
    if (!candidates.length) return null
    return Math.max(Math.min(...candidates), now)
  }

  status(): WriterStatus {
    return writerStatus(this.ctx.store, this.stats, this.budget, this.options, this.ctx.clock.now(), this.retryAt())
  }

  private saveStats(): void {
    this.ctx.store.setValue(STORE_KEYS.stats, this.stats)
  }
}

/** Objects a setup did not finish (an error, or never reached, or added since). */
function unfinished(setup: SetupResult, types: readonly HubSpotObjectType[]): HubSpotObjectType[] {
  return types.filter((t) => setup.errors.some((e) => e.objectType === t) || !setup.available[t])
}

function eventSetupSummary(state: EventDefinitionsState): NonNullable<SetupResult['customEvents']> {
  return { available: state.available, reason: state.reason, defined: Object.keys(state.definitions).sort(), failed: state.failed }
}
