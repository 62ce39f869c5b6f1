import { sleep } from '../../sleep'
import { ASSOCIATION_BATCH_LIMIT, BATCH_LIMIT } from '../hubspot-client'
import type { HubSpotObjectType, HubSpotRecord } from '../records'
import type { RateBudgetOptions } from './rate-budget'

/** The writer's clock: real time in the Durable Object, a simulated one in the benchmark. */
export interface WriterClock {
  now(): number
  sleep(ms: number): Promise<void>
}

export const realClock: WriterClock = {
  now: () => Date.now(),
  sleep,
}

export interface DeadLetter {
  objectType: HubSpotObjectType
  key: string
  record: HubSpotRecord
  error: string
  attempts: number
  at: number
}

/** Why the writer is paused: HubSpot refused the token or scope (401/403), or a run of 5xx and timeouts. */
export interface WriterPause {
  cause: 'auth' | 'outage'
  status: number
  since: number
  detail: string
}

/** How one HubSpot contact merge ended (`id`: the surviving contact's id now). */
export interface ContactMergeOutcome {
  primaryKey: string
  absorbedKey: string
  outcome: 'merged' | 'already_merged' | 'nothing_to_merge' | 'failed'
  id: string | null
  error: string | null
  at: number
}

/** Where the writer reports outside its own storage (D1 in the Durable Object, memory in the benchmark). */
export interface WriterSink {
  deadLetter(entry: DeadLetter): Promise<void>
  ordersSynced(orderIds: string[], at: number): Promise<void>
  /** The writer was paused (with when it tries again) or resumed: for `/health`, which reads no Durable Object. */
  pauseChanged?(pause: WriterPause | null, retryAt: number | null): Promise<void>
  contactsMerged?(outcome: ContactMergeOutcome): Promise<void>
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
  /** A custom event (or a contact merge) whose contact never gets an id is given up after this long. */
  eventContactWaitMs: number
  /** Backoff of a failing record: base × 2^(attempts-1). */
  recordRetryBaseMs: number
  /** Backoff after 5xx and timeouts: base × 2^(streak-1), capped. */
  transientBaseMs: number
  transientMaxMs: number
  /** Pause of an object type after 401/403 (a token or scope problem an operator must fix). */
  authBackoffMs: number
  /** Setup with permanent errors or blocked objects is tried again after this long. */
  setupRetryMs: number
  /** How long a written trigger value (and a sent custom event) is remembered, so that a replay of it writes nothing. */
  writtenTriggerMemoryMs: number
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
  eventContactWaitMs: 24 * 3600_000,
  recordRetryBaseMs: 2_000,
  transientBaseMs: 250,
  transientMaxMs: 60_000,
  authBackoffMs: 5 * 60_000,
  setupRetryMs: 3600_000,
  writtenTriggerMemoryMs: 90 * 86_400_000,
  customEvents: false,
  budget: {},
}

/** Names of the values the writer keeps in its store. */
export const STORE_KEYS = {
  stats: 'stats',
  setup: 'setup',
  pause: 'pause',
  /** HubSpot properties the account turned out to lack, per object type. */
  unavailable: 'unavailable',
  /** The custom event definitions as HubSpot has them (./custom-event-writes.ts). */
  eventDefinitions: 'event_definitions',
} as const

export interface EventDefinitionsState {
  checkedAt: number
  /** False when the account refused the events API (no Enterprise tier, or the token lacks the scope). */
  available: boolean
  reason: string | null
  /** Short name (`bc_<trigger>`) → what HubSpot calls it and the properties it defines. */
  definitions: Record<string, { fullyQualifiedName: string; properties: string[] }>
  /** Definitions that could not be created (tried again after `setupRetryMs`). */
  failed: string[]
}

/** A daily-limit pause, kept in the store so a restarted writer honours it. */
export interface Pause {
  until: number
  reason: string
}
