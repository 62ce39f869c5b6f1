import { OBJECT_TYPES, type CustomEventRecord, type HubSpotObjectType, type HubSpotRecord } from '../records'
import {
  canonicalPair,
  recordKey,
  type KnownId,
  type PendingAssociation,
  type PendingEvent,
  type PendingRecord,
  type ReadyAssociation,
  type WriterStore,
} from './store'

/** The writer store in memory: for the benchmark in Node and for unit tests. Same semantics as the SQL one. */
export class MemoryWriterStore implements WriterStore {
  private readonly rows = new Map<HubSpotObjectType, Map<string, PendingRecord & { seq: number }>>(
    OBJECT_TYPES.map((t) => [t, new Map()]),
  )
  private readonly ids = new Map<HubSpotObjectType, Map<string, KnownId>>(OBJECT_TYPES.map((t) => [t, new Map()]))
  private readonly associations = new Map<string, PendingAssociation>()
  /** `${fromType}\n${fromKey}` → association ids, for associationsOf. */
  private readonly byFrom = new Map<string, Set<string>>()
  private readonly values = new Map<string, string>()
  private readonly events = new Map<string, PendingEvent & { seq: number }>()
  private readonly sentEvents = new Map<string, number>()
  private seq = 0

  enqueue(records: HubSpotRecord[], now: number): void {
    for (const record of records) {
      const key = recordKey(record.objectType, record.key)
      const table = this.rows.get(record.objectType)!
      const existing = table.get(key)
      if (existing) {
        existing.properties = { ...existing.properties, ...record.properties }
        existing.version++
      } else {
        table.set(key, {
          objectType: record.objectType,
          key,
          properties: { ...record.properties },
          version: 1,
          attempts: 0,
          nextAttemptAt: now,
          lastError: null,
          seq: ++this.seq,
        })
      }
      for (const a of record.associations ?? []) {
        const pair = canonicalPair(record.objectType, key, a.toObjectType, recordKey(a.toObjectType, a.toKey))
        const id = associationId(pair)
        if (this.associations.has(id)) continue
        this.associations.set(id, { ...pair, createdAt: now, attempts: 0, nextAttemptAt: now })
        const from = `${pair.fromType}\n${pair.fromKey}`
        if (!this.byFrom.has(from)) this.byFrom.set(from, new Set())
        this.byFrom.get(from)!.add(id)
      }
    }
  }

  due(objectType: HubSpotObjectType, now: number, limit: number): PendingRecord[] {
    const out: PendingRecord[] = []
    for (const row of this.rows.get(objectType)!.values()) {
      if (row.nextAttemptAt <= now) out.push(copy(row))
      if (out.length >= limit) break
    }
    return out
  }

  complete(objectType: HubSpotObjectType, rows: { key: string; version: number }[]): void {
    const table = this.rows.get(objectType)!
    for (const { key, version } of rows) if (table.get(key)?.version === version) table.delete(key)
  }

  retryLater(objectType: HubSpotObjectType, key: string, attempts: number, nextAttemptAt: number, error: string): void {
    const row = this.rows.get(objectType)!.get(key)
    if (row) Object.assign(row, { attempts, nextAttemptAt, lastError: error })
  }

  remove(objectType: HubSpotObjectType, key: string, version: number): boolean {
    const table = this.rows.get(objectType)!
    if (table.get(key)?.version !== version) return false
    table.delete(key)
    return true
  }

  pendingCounts(): Record<HubSpotObjectType, number> {
    return Object.fromEntries(OBJECT_TYPES.map((t) => [t, this.rows.get(t)!.size])) as Record<HubSpotObjectType, number>
  }

  nextDueAt(types: readonly HubSpotObjectType[]): number | null {
    let next: number | null = null
    for (const type of types) {
      for (const row of this.rows.get(type)!.values()) if (next === null || row.nextAttemptAt < next) next = row.nextAttemptAt
    }
    return next
  }

  knownIds(objectType: HubSpotObjectType, keys: string[]): Map<string, KnownId> {
    const table = this.ids.get(objectType)!
    const out = new Map<string, KnownId>()
    for (const key of keys) {
      const known = table.get(key)
      if (known) out.set(key, { ...known })
    }
    return out
  }

  saveIds(objectType: HubSpotObjectType, ids: { key: string; id: string; updateById?: boolean }[]): void {
    const table = this.ids.get(objectType)!
    for (const { key, id, updateById } of ids) table.set(key, { id, updateById: updateById ?? false })
  }

  forgetId(objectType: HubSpotObjectType, key: string): void {
    this.ids.get(objectType)!.delete(key)
  }

  readyAssociations(fromType: HubSpotObjectType, toType: HubSpotObjectType, now: number, limit: number): ReadyAssociation[] {
    const out: ReadyAssociation[] = []
    const fromIds = this.ids.get(fromType)!
    const toIds = this.ids.get(toType)!
    for (const a of this.associations.values()) {
      if (a.fromType !== fromType || a.toType !== toType || a.nextAttemptAt > now) continue
      const fromId = fromIds.get(a.fromKey)?.id
      const toId = toIds.get(a.toKey)?.id
      if (fromId && toId) out.push({ ...a, fromId, toId })
      if (out.length >= limit) break
    }
    return out
  }

  associationsOf(fromType: HubSpotObjectType, keys: string[], toType: HubSpotObjectType): PendingAssociation[] {
    const out: PendingAssociation[] = []
    for (const key of keys) {
      for (const id of this.byFrom.get(`${fromType}\n${key}`) ?? []) {
        const a = this.associations.get(id)
        if (a && a.toType === toType) out.push({ ...a })
      }
    }
    return out
  }

  associationsInvolving(objectType: HubSpotObjectType, key: string): PendingAssociation[] {
    return [...this.associations.values()]
      .filter((a) => (a.fromType === objectType && a.fromKey === key) || (a.toType === objectType && a.toKey === key))
      .map((a) => ({ ...a }))
  }

  deleteAssociations(list: PendingAssociation[]): void {
    for (const a of list) this.drop(associationId(a), a)
  }

  retryAssociationsLater(list: PendingAssociation[], attempts: number, nextAttemptAt: number): void {
    for (const a of list) {
      const stored = this.associations.get(associationId(a))
      if (stored) Object.assign(stored, { attempts, nextAttemptAt })
    }
  }

  expireAssociations(cutoff: number): number {
    let dropped = 0
    for (const [id, a] of this.associations) {
      if (a.createdAt >= cutoff) continue
      if (this.ids.get(a.fromType)!.has(a.fromKey) && this.ids.get(a.toType)!.has(a.toKey)) continue
      this.drop(id, a)
      dropped++
    }
    return dropped
  }

  private drop(id: string, a: PendingAssociation): void {
    this.associations.delete(id)
    this.byFrom.get(`${a.fromType}\n${a.fromKey}`)?.delete(id)
  }

  associationCount(): number {
    return this.associations.size
  }

  nextAssociationAt(bound: number): number | null {
    let next: number | null = null
    for (const a of this.associations.values()) {
      const resolved = this.ids.get(a.fromType)!.has(a.fromKey) && this.ids.get(a.toType)!.has(a.toKey)
      const at = resolved ? a.nextAttemptAt : a.createdAt + bound
      if (next === null || at < next) next = at
    }
    return next
  }

  enqueueEvents(events: CustomEventRecord[], now: number): void {
    for (const event of events) {
      if (this.events.has(event.key) || this.sentEvents.has(event.key)) continue
      this.events.set(event.key, { event: structuredClone(event), createdAt: now, attempts: 0, nextAttemptAt: now, seq: ++this.seq })
    }
  }

  dueEvents(now: number, limit: number): PendingEvent[] {
    return [...this.events.values()]
      .filter((e) => e.nextAttemptAt <= now)
      .sort((a, b) => a.createdAt - b.createdAt || a.seq - b.seq)
      .slice(0, limit)
      .map(({ seq: _seq, ...e }) => ({ ...e, event: structuredClone(e.event) }))
  }

  eventSent(key: string, at: number): void {
    if (!this.sentEvents.has(key)) this.sentEvents.set(key, at)
    this.events.delete(key)
  }

  retryEventLater(key: string, attempts: number, nextAttemptAt: number): void {
    const pending = this.events.get(key)
    if (pending) Object.assign(pending, { attempts, nextAttemptAt })
  }

  dropEvent(key: string): void {
    this.events.delete(key)
  }

  pendingEventCount(): number {
    return this.events.size
  }

  nextEventAt(): number | null {
    let next: number | null = null
    for (const e of this.events.values()) if (next === null || e.nextAttemptAt < next) next = e.nextAttemptAt
    return next
  }

  getValue<T>(name: string): T | undefined {
    const text = this.values.get(name)
    return text === undefined ? undefined : (JSON.parse(text) as T)
  }

  setValue(name: string, value: unknown): void {
    this.values.set(name, JSON.stringify(value))
  }
}

function associationId(a: { fromType: string; fromKey: string; toType: string; toKey: string }): string {
  return `${a.fromType}\n${a.fromKey}\n${a.toType}\n${a.toKey}`
}

function copy(row: PendingRecord & { seq: number }): PendingRecord {
  const { seq: _seq, ...rest } = row
  return { ...rest, properties: { ...rest.properties } }
}
