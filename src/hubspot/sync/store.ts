import type { CustomEventRecord, HubSpotObjectType, HubSpotRecord, PropertyValue } from '../records'

/**
 * What the writer keeps durably: pending record writes (coalesced by object type and key), pending
 * associations, the HubSpot ids learned from upsert results, and a few named values. Synchronous, because
 * Durable Object SQLite storage is; the same interface has an in-memory twin for the benchmark and tests.
 */
export interface PendingRecord {
  objectType: HubSpotObjectType
  key: string
  properties: Record<string, PropertyValue>
  /** Bumped by every coalesced enqueue: a row leaves pending only if it is unchanged since it was sent. */
  version: number
  attempts: number
  nextAttemptAt: number
  lastError: string | null
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

export interface KnownId {
  id: string
  /** Set after a 409 named the existing record: write it by id (batch/update) instead of upserting. */
  updateById: boolean
}

export interface WriterStore {
  /** Stores records as pending, coalescing with what is already pending for the same (type, key). */
  enqueue(records: HubSpotRecord[], now: number): void
  /** Pending rows of one type due by `now`, oldest first. */
  due(objectType: HubSpotObjectType, now: number, limit: number): PendingRecord[]
  /** Removes rows HubSpot accepted, unless they changed since they were read (then they stay pending). */
  complete(objectType: HubSpotObjectType, rows: { key: string; version: number }[]): void
  /** Records a failed attempt of one row. */
  retryLater(objectType: HubSpotObjectType, key: string, attempts: number, nextAttemptAt: number, error: string): void
  /** Drops a row (it went to the dead letters), unless it changed since it was read. Returns whether it did. */
  remove(objectType: HubSpotObjectType, key: string, version: number): boolean
  pendingCounts(): Record<HubSpotObjectType, number>
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
  /** Drops associations created before `cutoff` that still lack an end; returns how many. */
  expireAssociations(cutoff: number): number
  associationCount(): number
  /** The earliest time an association is due or expires (unresolved ones at createdAt + bound). */
  nextAssociationAt(bound: number): number | null

  /** Queues custom events, ignoring any whose key is pending or was sent already (a replay). */
  enqueueEvents(events: CustomEventRecord[], now: number): void
  /** Pending events due by `now`, oldest first. */
  dueEvents(now: number, limit: number): PendingEvent[]
  /** Remembers the key as sent (for good) and drops the pending row. */
  eventSent(key: string, at: number): void
  retryEventLater(key: string, attempts: number, nextAttemptAt: number): void
  /** Drops a pending event without sending it (custom events off or unavailable, or it kept failing). */
  dropEvent(key: string): void
  pendingEventCount(): number
  /** The earliest next attempt over pending events, or null when none is pending. */
  nextEventAt(): number | null

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
