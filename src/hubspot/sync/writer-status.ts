import type { RateLimitInfo } from '../hubspot-client'
import { OBJECT_TYPES, type HubSpotObjectType } from '../records'
import type { SetupResult } from '../setup'
import { STORE_KEYS, type EngineOptions, type EventDefinitionsState, type Pause, type WriterPause } from './options'
import type { RateBudget } from './rate-budget'
import type { WriterStore } from './store'

/** Counters the writer keeps across flushes (in its store). */
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
  /** Pending associations dropped because one end was dead-lettered (they are in its dead letter). */
  associationsAbandoned: number
  /** Properties left out of writes: `<objectType>.<name>` → why. */
  droppedProperties: Record<string, string>
  /**
   * Values of HubSpot's own properties refused as INVALID_OPTION (e.g. a currency the portal's enumeration
   * lacks): `<objectType>.<name>` → records written without that value.
   */
  invalidOptionsDropped: Record<string, number>
  /** Trigger values HubSpot accepted, each its own change of its property. */
  triggersWritten: number
  eventsSent: number
  /** Custom events not sent: the feature is off, the account lacks it, or they kept failing. */
  eventsDropped: number
  /** Paused by HubSpot's answers until a write is accepted again (null: not paused). */
  paused: WriterPause | null
  /** HubSpot contact merges made, and given up. */
  contactsMerged: number
  contactMergesFailed: number
}

export interface WriterStatus {
  queue: Record<HubSpotObjectType, number>
  /** Records waiting in each lane: live work is written before bulk work (backfill, recomputes). */
  lanes: { live: number; bulk: number }
  /** Fired triggers not yet accepted by HubSpot (a second value of a property waits for the first). */
  triggersPending: number
  triggersWritten: number
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
  /**
   * HubSpot refuses the writer's token or scope, or fails call after call: since when, and when the writer
   * tries again by itself (an operator may resume at once).
   */
  paused: { cause: 'auth' | 'outage'; status: number; since: string; detail: string; retryAt: string | null } | null
  /** HubSpot properties the account lacks, left out of writes. */
  missingProperties: Partial<Record<HubSpotObjectType, string[]>>
  droppedProperties: Record<string, string>
  /** Records written without a value HubSpot refused as INVALID_OPTION on one of its own properties. */
  invalidOptionsDropped: Record<string, number>
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
  /** One person's contacts merged in HubSpot: waiting, made, given up. */
  contactMerges: { pending: number; merged: number; failed: number }
}

/** Stats stored by an older version lack newer counters (and object types): start those at zero. */
export function withDefaults(stored: WriterStats | undefined): WriterStats {
  const empty = emptyStats()
  if (!stored) return empty
  return { ...empty, ...stored, written: { ...empty.written, ...stored.written } }
}

function emptyStats(): WriterStats {
  return {
    written: { contacts: 0, products: 0, orders: 0, line_items: 0, carts: 0, tasks: 0, companies: 0 },
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
    invalidOptionsDropped: {},
    triggersWritten: 0,
    eventsSent: 0,
    eventsDropped: 0,
    paused: null,
    contactsMerged: 0,
    contactMergesFailed: 0,
  }
}

/** The writer's status as the admin API shows it. */
export function writerStatus(
  store: WriterStore,
  stats: WriterStats,
  budget: RateBudget,
  options: EngineOptions,
  now: number,
  retryAt: number | null = null,
): WriterStatus {
  const setup = store.getValue<SetupResult>(STORE_KEYS.setup) ?? null
  const pause = store.getValue<Pause>(STORE_KEYS.pause)
  const paused = pause && pause.until > now ? pause : null
  const unavailable = store.getValue<Partial<Record<HubSpotObjectType, string[]>>>(STORE_KEYS.unavailable) ?? {}
  const events = store.getValue<EventDefinitionsState>(STORE_KEYS.eventDefinitions)
  const missing: Partial<Record<HubSpotObjectType, string[]>> = {}
  for (const type of OBJECT_TYPES) {
    const names = [...new Set([...(setup?.missing[type] ?? []), ...(unavailable[type] ?? [])])].sort()
    if (names.length) missing[type] = names
  }
  const s = stats
  const last = budget.last
  return {
    queue: store.pendingCounts(),
    lanes: store.laneCounts(),
    triggersPending: store.queuedTriggerCount(),
    triggersWritten: s.triggersWritten,
    associationsPending: store.associationCount(),
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
    paused: s.paused && {
      ...s.paused,
      since: new Date(s.paused.since).toISOString(),
      retryAt: retryAt === null ? null : new Date(Math.max(retryAt, now)).toISOString(),
    },
    missingProperties: missing,
    droppedProperties: { ...s.droppedProperties },
    invalidOptionsDropped: { ...s.invalidOptionsDropped },
    blockedObjects: setup?.blocked ?? [],
    setup,
    rateLimit: last ? { ...last, at: new Date(last.at).toISOString() } : null,
    customEvents: {
      enabled: options.customEvents,
      available: events?.available ?? null,
      reason: events?.reason ?? null,
      pending: store.pendingEventCount(),
      sent: s.eventsSent,
      dropped: s.eventsDropped,
    },
    contactMerges: { pending: store.pendingMergeCount(), merged: s.contactsMerged, failed: s.contactMergesFailed },
  }
}
