import { DurableObject } from 'cloudflare:workers'
import { hubspotClient } from '../clients'
import { requireConfig } from '../config'
import { closeApiPause, openApiPause } from '../db/api-pauses'
import { markOrdersSynced } from '../db/order-rows'
import { markDeadLettersReplayed, openHubSpotDeadLetters, recordHubSpotDeadLetter } from '../db/dead-letters'
import type { HubSpotClient } from '../hubspot/hubspot-client'
import type { CustomEventRecord, HubSpotRecord, WriteLane } from '../hubspot/records'
import type { SetupResult } from '../hubspot/setup'
import {
  checkSubscriptionTypes,
  optOutTimes,
  searchOptOuts,
  type OptOutSearch,
  type TypeCheck,
} from '../hubspot/consent/opt-out-reads'
import { gdprDeleteContact, type GdprDeleteOutcome } from '../hubspot/gdpr-delete'
import { budgetedReads, type BudgetedRead } from '../hubspot/tickets/budgeted'
import { readOpenEscalations, type EscalationRead } from '../hubspot/tickets/ticket-reads'
import { WriterEngine, type FlushResult } from '../hubspot/sync/engine'
import { queueMerges, redirectRecords } from '../hubspot/sync/contact-merges'
import { recordHubSpotMerge } from '../db/identity'
import { realClock, type EngineOptions, type WriterClock, type WriterSink } from '../hubspot/sync/options'
import type { WriterStatus } from '../hubspot/sync/writer-status'
import { forgetPerson, knownContactIds, type ForgetCounts, type ForgottenPerson } from '../hubspot/sync/sql-forget'
import { SqlWriterStore } from '../hubspot/sync/sql-store'
import type { AudienceDefinition } from '../hubspot/lists'
import { syncAudienceLists, type ListSyncResult } from '../hubspot/lists-sync'

export type { WriterStatus } from '../hubspot/sync/writer-status'

/** Pending writes are flushed this soon after a change. */
const FLUSH_DELAY_MS = 1_000

/**
 * One writer per HubSpot account (`env.HUBSPOT_WRITER.getByName('default')`): owns the rate budget,
 * coalesces pending writes in its SQLite storage and flushes them in batches from its alarm. Thin: the
 * planning lives in hubspot/sync/engine.ts.
 * Its env: the generated bindings (worker-configuration.d.ts), as the platform and the test pool type one.
 */
export class HubSpotWriter extends DurableObject<Cloudflare.Env> {
  private readonly store: SqlWriterStore
  private engineInstance: WriterEngine | null = null
  private running: Promise<FlushResult> | null = null
  private reads: BudgetedRead | null = null
  /** The writer's time: the real one; a test moves a fake one instead of waiting (test/durable/hubspot-writer-pause.test.ts). */
  clock: WriterClock = realClock
  /** What the engine and the budgeted reads go by: whichever clock the writer has at the moment. */
  private readonly time: WriterClock = { now: () => this.clock.now(), sleep: (ms) => this.clock.sleep(ms) }

  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    super(ctx, env)
    this.store = new SqlWriterStore(ctx.storage.sql)
  }

  /**
   * Durably queues records (state coalesced by object type and key, each fired trigger its own write) and
   * custom events (once per key: a replayed one is ignored) and makes sure a flush follows shortly. `bulk`
   * work (backfill, periodic recomputes) is written after live work. Whether events are sent
   * (HUBSPOT_CUSTOM_EVENTS) is the flush's decision.
   */
  async enqueue(records: HubSpotRecord[], events: CustomEventRecord[] = [], lane: WriteLane = 'live'): Promise<void> {
    if (!records.length && !events.length) return
    // Straight to storage: queuing never depends on configuration or on HubSpot being reachable.
    this.store.enqueue(redirectRecords(this.store, records), this.time.now(), lane)
    this.store.enqueueEvents(events, this.time.now())
    await this.flushSoon()
  }

  private async flushSoon(): Promise<void> {
    const alarm = await this.ctx.storage.getAlarm()
    const soon = Date.now() + FLUSH_DELAY_MS
    if (alarm === null || alarm > soon + FLUSH_DELAY_MS) await this.ctx.storage.setAlarm(soon)
  }

  /**
   * One person in HubSpot: every write for the absorbed emails goes to the surviving contact from now on, and
   * each absorbed contact is merged into it (`POST /crm/v3/objects/contacts/merge`) at the next flush, after the
   * pending writes; the id map then points every email of the person to the merged record. Safe to repeat.
   */
  async mergeContacts(primaryEmail: string, absorbedEmails: string[]): Promise<void> {
    queueMerges(this.store, primaryEmail, absorbedEmails, this.time.now())
    await this.flushSoon()
  }

  async status(): Promise<WriterStatus> {
    return this.engine.status()
  }

  /**
   * Idempotent HubSpot setup (the admin API's `POST /admin/api/setup`); the flush also runs it when needed.
   * `companies` (BIGCOMMERCE_B2B=on) covers companies too, before any company record waits.
   */
  async runSetup(options: { companies?: boolean } = {}): Promise<SetupResult> {
    await this.running
    return this.engine.runSetup(this.engine.setupTypes(options.companies ? ['companies'] : []))
  }

  /**
   * Support escalations: the open tickets of these priorities and their contacts' emails, read under this
   * writer's rate budget (the same window its batches use), for the escalation cron's cache.
   */
  async readSupportEscalations(priorities: string[]): Promise<EscalationRead> {
    const { client, reads } = this.budgetedClient()
    return readOpenEscalations(client, reads, priorities)
  }

  /** The audiences as HubSpot active lists (setup, and the hourly check), under this writer's rate budget. */
  async syncAudiences(audiences: AudienceDefinition[], repair: boolean): Promise<ListSyncResult> {
    const { client, reads } = this.budgetedClient()
    return syncAudienceLists(client, reads, audiences, { repair, now: new Date() })
  }

  /** The consent job's reads (src/upkeep/hubspot-consent.ts), under this writer's rate budget. */
  async checkSubscriptionTypes(types: string[]): Promise<TypeCheck> {
    const { client, reads } = this.budgetedClient()
    return checkSubscriptionTypes(client, reads, types)
  }

  async searchOptOuts(options: { types: string[]; since: number | null; maxPages: number }): Promise<OptOutSearch> {
    const { client, reads } = this.budgetedClient()
    return searchOptOuts(client, reads, options)
  }

  async optOutTimes(contacts: { hubspotId: string; allEmail: boolean; types: string[] }[]) {
    const { client, reads } = this.budgetedClient()
    return optOutTimes(client, reads, contacts)
  }

  /**
   * Erasure (issue 21): forgets the person's pending writes, custom events and HubSpot ids (waiting for a flush
   * in progress first, so none of their writes lands after this), then, when asked (HUBSPOT_ERASE=on), has
   * HubSpot GDPR-delete the contact: every HubSpot write goes through the writer.
   */
  async erasePerson(person: ForgottenPerson, options: { gdprDelete: boolean }): Promise<{ forgotten: ForgetCounts; hubspot: GdprDeleteOutcome | null }> {
    await this.running
    const contactIds = knownContactIds(this.ctx.storage.sql, person.emails)
    const forgotten = forgetPerson(this.ctx.storage.sql, person)
    if (!options.gdprDelete) return { forgotten, hubspot: null }
    const { client, reads } = this.budgetedClient()
    return { forgotten, hubspot: await gdprDeleteContact(client, reads, { emails: person.emails, contactIds }) }
  }

  /** Re-enqueues a HubSpot dead letter and marks it replayed. */
  async replayDeadLetter(id: number): Promise<{ replayed: boolean; reference?: string; reason?: string }> {
    const [row] = await this.replayDeadLetters([id])
    return row ? { replayed: true, reference: row } : { replayed: false, reason: `no open HubSpot dead letter ${id}` }
  }

  /** Re-enqueues HubSpot dead letters not replayed yet and marks them replayed; their references. */
  async replayDeadLetters(ids: number[]): Promise<string[]> {
    const references: string[] = []
    for (let i = 0; i < ids.length; i += 90) {
      const results = await openHubSpotDeadLetters(this.env.DB, ids.slice(i, i + 90))
      if (!results.length) continue
      await this.enqueue(results.map((row) => JSON.parse(row.payload) as HubSpotRecord))
      await markDeadLettersReplayed(this.env.DB, results.map((row) => row.id), Date.now())
      references.push(...results.map((row) => row.reference))
    }
    return references
  }

  /**
   * An operator resumes HubSpot writes: lifts the writer's pauses (refused token or scope, outage backoff,
   * daily limit) and flushes at once. True when it was paused.
   */
  async resume(): Promise<boolean> {
    await this.running
    const wasPaused = this.engine.resume()
    await this.ctx.storage.setAlarm(Date.now())
    return wasPaused
  }

  /** Writes what is pending now; one flush at a time. The alarm calls it, tests may too. */
  async flush(): Promise<FlushResult> {
    if (this.running) return this.running
    this.running = (async () => {
      try {
        const result = await this.engine.flush()
        await this.schedule(result.nextRunAt)
        return result
      } finally {
        this.running = null
      }
    })()
    return this.running
  }

  async alarm(): Promise<void> {
    await this.flush()
  }

  /** A client whose calls share this writer's rate budget with its batches. */
  private budgetedClient(): { client: HubSpotClient; reads: BudgetedRead } {
    const config = requireConfig(this.env)
    this.reads ??= budgetedReads(this.engine.budget, this.time)
    return { client: hubspotClient(config), reads: this.reads }
  }

  private async schedule(at: number | null): Promise<void> {
    if (at === null) {
      await this.ctx.storage.deleteAlarm()
      return
    }
    await this.ctx.storage.setAlarm(Math.max(at, Date.now() + 50))
  }

  /** The engine's tuning (attempts, backoffs, batch sizes): tests shorten the waits through it. */
  get tuning(): EngineOptions {
    return this.engine.options
  }

  private get engine(): WriterEngine {
    if (!this.engineInstance) {
      const config = requireConfig(this.env)
      const client = hubspotClient(config)
      this.engineInstance = new WriterEngine(
        { store: this.store, client, sink: d1Sink(this.env.DB), clock: this.time },
        { customEvents: config.HUBSPOT_CUSTOM_EVENTS },
      )
    }
    return this.engineInstance
  }
}

/** Dead letters and order sync times go to D1, where the admin API and the quality report read them. */
function d1Sink(db: D1Database): WriterSink {
  return {
    async deadLetter(entry) {
      const reference = `${entry.objectType}:${entry.key}`
      await recordHubSpotDeadLetter(db, { reference, payload: JSON.stringify(entry.record), error: entry.error, attempts: entry.attempts, createdAt: entry.at })
    },
    async pauseChanged(pause, retryAt) {
      if (!pause) {
        await closeApiPause(db, 'hubspot', 'writer', Date.now())
        return
      }
      const opening = { cause: pause.cause, status: pause.status, detail: pause.detail, probePath: null, now: pause.since, nextProbeAt: retryAt, replace: true }
      await openApiPause(db, 'hubspot', opening)
    },
    async contactsMerged(merge) {
      await recordHubSpotMerge(db, merge)
    },
    async ordersSynced(orderIds, at) {
      await markOrdersSynced(db, orderIds, at)
    },
  }
}
