import type { CustomEventRecord, HubSpotObjectType, HubSpotRecord, PropertyValue, TriggerWrite, WriteLane } from '../records'

/**
 * What the writer keeps durably: pending record writes (state properties coalesced by object type and key,
 * trigger writes queued behind each other), pending associations, the HubSpot ids learned from upsert
 * results, and a few named values. Synchronous, because Durable Object SQLite storage is; the same interface
 * has an in-memory twin for the benchmark, proven to answer the same by test/hubspot/sync/writer-store.test.ts.
 * Lists of associations come in no particular order.
 */
export interface PendingRecord {
  objectType: HubSpotObjectType
  key: string
  /** State properties: a later enqueue overwrites an earlier value. */
  properties: Record<string, PropertyValue>
  /** The oldest queued write of each trigger property: what this record's next call carries. */
  triggers: PendingTrigger[]
  lane: WriteLane
  /** Bumped by every coalesced enqueue: a row leaves pending only if it is unchanged since it was sent. */
  version: number
  attempts: number
  nextAttemptAt: number
  lastError: string | null
}

export interface PendingTrigger extends TriggerWrite {
  /** Queue position: firing order. */
  seq: number
}

/** A row HubSpot accepted: the version it was read at and the trigger writes it carried. */
export interface CompletedRow {
  key: string
  version: number
  triggers?: PendingTrigger[]
}

export interface PendingAssociation {
  fromType: HubSpotObjectType
  fromKey: string
  toType: HubSpotObjectType
  toKey: string
  createdAt: number
  attempts: number
  nextAttemptAt: number
}

export interface ReadyAssociation extends PendingAssociation {
  fromId: string
  toId: string
}

export interface PendingEvent {
  event: CustomEventRecord
  createdAt: number
  attempts: number
  nextAttemptAt: number
}

/** One person's contacts to merge in HubSpot: the absorbed contact into the surviving (primary) one. */
export interface PendingMerge {
  primaryKey: string
  absorbedKey: string
  createdAt: number
  attempts: number
  nextAttemptAt: number
  lastError: string | null
}

export interface KnownId {
  id: string
  /** Set after a 409 named the existing record: write it by id (batch/update) instead of upserting. */
  updateById: boolean
}

export interface WriterStore {
  /**
   * Stores records as pending: state properties coalesce with what is pending for the same (type, key);
   * each trigger write is queued behind earlier ones of its property, unless the same write is already
   * queued or was written (a replay). A live enqueue moves a bulk row to the live lane.
   */
  enqueue(records: HubSpotRecord[], now: number, lane?: WriteLane): void
  /** Pending rows of one type and lane due by `now`, oldest first. */
  due(objectType: HubSpotObjectType, now: number, limit: number, lane?: WriteLane): PendingRecord[]
  /** Whether any row of these types in this lane is due by `now`. */
  hasDue(types: readonly HubSpotObjectType[], now: number, lane: WriteLane): boolean
  /**
   * Records what HubSpot accepted: the trigger writes sent leave their queue (remembered as written), and a
   * row leaves pending unless it changed since it was read or more trigger writes wait (then it stays due,
   * carrying only those).
   */
  complete(objectType: HubSpotObjectType, rows: CompletedRow[], now: number): void
  /** Records a failed attempt of one row. */
  retryLater(objectType: HubSpotObjectType, key: string, attempts: number, nextAttemptAt: number, error: string): void
  /** Drops a row and its queued trigger writes (they went to the dead letters), unless it changed since it was read. Returns whether it did. */
  remove(objectType: HubSpotObjectType, key: string, version: number): boolean
  /** Every queued trigger write of a record, in firing order (for its dead letter). */
  queuedTriggers(objectType: HubSpotObjectType, key: string): TriggerWrite[]
  pendingCounts(): Record<HubSpotObjectType, number>
  /** Pending records per lane. */
  laneCounts(): Record<WriteLane, number>
  /** Trigger writes not yet accepted by HubSpot. */
  queuedTriggerCount(): number
  /** Forgets written trigger writes older than `before` (the memory that makes a replay a no-op). */
  forgetWrittenTriggers(before: number): void
  /** The earliest next_attempt_at over pending rows of these types, or null when none is pending. */
  nextDueAt(types: readonly HubSpotObjectType[]): number | null

  knownIds(objectType: HubSpotObjectType, keys: string[]): Map<string, KnownId>
  saveIds(objectType: HubSpotObjectType, ids: { key: string; id: string; updateById?: boolean }[]): void
  forgetId(objectType: HubSpotObjectType, key: string): void

  /** Associations whose both ends have HubSpot ids, due by `now`. */
  readyAssociations(fromType: HubSpotObjectType, toType: HubSpotObjectType, now: number, limit: number): ReadyAssociation[]
  /** Pending associations of records of `fromType` with the given keys to `toType` (line item → product). */
  associationsOf(fromType: HubSpotObjectType, keys: string[], toType: HubSpotObjectType): PendingAssociation[]
  /** Every pending association with this record at either end. */
  associationsInvolving(objectType: HubSpotObjectType, key: string): PendingAssociation[]
  deleteAssociations(list: PendingAssociation[]): void
  retryAssociationsLater(list: PendingAssociation[], attempts: number, nextAttemptAt: number): void
  associationCount(): number
  /**
   * The earliest time an association whose ends both have ids is due. One still missing an id waits however
   * long its end takes (a paused writer, a long backfill): the write that gives the end its id links it.
   */
  nextAssociationAt(): number | null

  /** Queues custom events, ignoring any whose key is pending or was sent already (a replay). */
  enqueueEvents(events: CustomEventRecord[], now: number): void
  /** Pending events due by `now`, oldest first (ties in key order). */
  dueEvents(now: number, limit: number): PendingEvent[]
  /** Remembers the key as sent and drops the pending row. */
  eventSent(key: string, at: number): void
  /** Forgets keys sent before `before` (past the replay horizon, as written trigger values are). */
  forgetSentEvents(before: number): void
  retryEventLater(key: string, attempts: number, nextAttemptAt: number): void
  /** Drops a pending event without sending it (custom events off or unavailable, or it kept failing). */
  dropEvent(key: string): void
  pendingEventCount(): number
  /** The earliest next attempt over pending events, or null when none is pending. */
  nextEventAt(): number | null

  /**
   * From now on the contact `fromKey` is written as `toKey` (one person): its queued trigger writes move there,
   * its pending state is dropped (the surviving contact carries the person's), and earlier redirects to it follow.
   */
  redirectContact(fromKey: string, toKey: string): void
  /** Where these contact keys are redirected, for those that are. */
  contactRedirects(keys: string[]): Map<string, string>
  /** Queues the HubSpot merge of `absorbedKey` into `primaryKey` (again, if it was settled: a repeat finds it done). */
  enqueueMerge(primaryKey: string, absorbedKey: string, now: number): void
  dueMerges(now: number, limit: number): PendingMerge[]
  retryMergeLater(absorbedKey: string, attempts: number, nextAttemptAt: number, error: string): void
  mergeSettled(absorbedKey: string): void
  pendingMergeCount(): number
  nextMergeAt(): number | null
  /** Every key whose known id is one of `ids` now has `id` (HubSpot gave a merged record a new id). */
  repointIds(objectType: HubSpotObjectType, ids: string[], id: string): void

  getValue<T>(name: string): T | undefined
  setValue(name: string, value: unknown): void
}

/** Default associations are symmetric in HubSpot: store each pair once, in a fixed direction. */
export function canonicalPair(
  aType: HubSpotObjectType,
  aKey: string,
  bType: HubSpotObjectType,
  bKey: string,
): { fromType: HubSpotObjectType; fromKey: string; toType: HubSpotObjectType; toKey: string } {
  return aType < bType || (aType === bType && aKey <= bKey)
    ? { fromType: aType, fromKey: aKey, toType: bType, toKey: bKey }
    : { fromType: bType, fromKey: bKey, toType: aType, toKey: aKey }
}

/** Contacts are keyed by normalized email; other keys as given. */
export function recordKey(objectType: HubSpotObjectType, key: string): string {
  return objectType === 'contacts' ? key.trim().toLowerCase() : key
}
