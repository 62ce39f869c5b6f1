import {
  OBJECT_TYPES,
  type CustomEventRecord,
  type HubSpotObjectType,
  type HubSpotRecord,
  type TriggerWrite,
  type WriteLane,
} from '../records'
import {
  canonicalPair,
  recordKey,
  type CompletedRow,
  type PendingTrigger,
  type KnownId,
  type PendingAssociation,
  type PendingEvent,
  type PendingMerge,
  type PendingRecord,
  type ReadyAssociation,
  type WriterStore,
} from './store'

/** The writer store in memory, for the benchmark in Node: answers as the SQL one does (test/hubspot/sync/writer-store.test.ts). */
export class MemoryWriterStore implements WriterStore {
  private readonly rows = new Map<HubSpotObjectType, Map<string, StoredRow>>(OBJECT_TYPES.map((t) => [t, new Map()]))
  /** `${type}\n${key}` → queued trigger writes, in firing order. */
  private readonly triggers = new Map<string, PendingTrigger[]>()
  /** `${type}\n${key}\n${properties}` → when that trigger write was accepted. */
  private readonly written = new Map<string, number>()
  private readonly ids = new Map<HubSpotObjectType, Map<string, KnownId>>(OBJECT_TYPES.map((t) => [t, new Map()]))
  private readonly associations = new Map<string, PendingAssociation>()
  /** `${fromType}\n${fromKey}` → association ids, for associationsOf. */
  private readonly byFrom = new Map<string, Set<string>>()
  private readonly values = new Map<string, string>()
  private readonly events = new Map<string, PendingEvent>()
  private readonly sentEvents = new Map<string, number>()
  private readonly redirects = new Map<string, string>()
  private readonly merges = new Map<string, PendingMerge>()
  private seq = 0

  enqueue(records: HubSpotRecord[], now: number, lane: WriteLane = 'live'): void {
    for (const record of records) {
      const key = recordKey(record.objectType, record.key)
      const queued = (record.triggers ?? []).filter((t) => this.queueTrigger(record.objectType, key, t))
      const table = this.rows.get(record.objectType)!
      const existing = table.get(key)
      if (existing) {
        existing.properties = { ...existing.properties, ...record.properties }
        existing.version++
        if (lane === 'live') existing.lane = 'live'
      } else if (Object.keys(record.properties).length || queued.length) {
        table.set(key, {
          objectType: record.objectType,
          key,
          properties: { ...record.properties },
          lane,
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

  private queueTrigger(objectType: HubSpotObjectType, key: string, trigger: TriggerWrite): boolean {
    const text = JSON.stringify(trigger.properties)
    const queue = this.triggers.get(`${objectType}\n${key}`) ?? []
    if (queue.some((t) => JSON.stringify(t.properties) === text) || this.written.has(`${objectType}\n${key}\n${text}`)) return false
    queue.push({ seq: ++this.seq, property: trigger.property, properties: { ...trigger.properties } })
    this.triggers.set(`${objectType}\n${key}`, queue)
    return true
  }

  due(objectType: HubSpotObjectType, now: number, limit: number, lane: WriteLane = 'live'): PendingRecord[] {
    const out: PendingRecord[] = []
    for (const row of this.rows.get(objectType)!.values()) {
      if (row.lane === lane && row.nextAttemptAt <= now) out.push(this.copy(row))
      if (out.length >= limit) break
    }
    return out
  }

  hasDue(types: readonly HubSpotObjectType[], now: number, lane: WriteLane): boolean {
    return types.some((t) => [...this.rows.get(t)!.values()].some((row) => row.lane === lane && row.nextAttemptAt <= now))
  }

  complete(objectType: HubSpotObjectType, rows: CompletedRow[], now: number): void {
    const table = this.rows.get(objectType)!
    for (const { key, version, triggers = [] } of rows) {
      const id = `${objectType}\n${key}`
      const sent = new Set(triggers.map((t) => t.seq))
      const left = (this.triggers.get(id) ?? []).filter((t) => !sent.has(t.seq))
      for (const t of triggers) this.written.set(`${id}\n${JSON.stringify(t.properties)}`, now)
      if (left.length) this.triggers.set(id, left)
      else this.triggers.delete(id)
      const row = table.get(key)
      if (row?.version !== version) continue
      if (!left.length) table.delete(key)
      else Object.assign(row, { properties: {}, attempts: 0, nextAttemptAt: now, lastError: null })
    }
  }

  retryLater(objectType: HubSpotObjectType, key: string, attempts: number, nextAttemptAt: number, error: string): void {
    const row = this.rows.get(objectType)!.get(key)
    if (row) Object.assign(row, { attempts, nextAttemptAt, lastError: error })
  }

  remove(objectType: HubSpotObjectType, key: string, version: number): boolean {
    const table = this.rows.get(objectType)!
    if (table.get(key)?.version !== version) return false
    table.delete(key)
    this.triggers.delete(`${objectType}\n${key}`)
    return true
  }

  queuedTriggers(objectType: HubSpotObjectType, key: string): TriggerWrite[] {
    return (this.triggers.get(`${objectType}\n${key}`) ?? []).map((t) => ({ property: t.property, properties: { ...t.properties } }))
  }

  queuedTriggerCount(): number {
    let n = 0
    for (const queue of this.triggers.values()) n += queue.length
    return n
  }

  forgetWrittenTriggers(before: number): void {
    for (const [id, at] of this.written) if (at < before) this.written.delete(id)
  }

  pendingCounts(): Record<HubSpotObjectType, number> {
    return Object.fromEntries(OBJECT_TYPES.map((t) => [t, this.rows.get(t)!.size])) as Record<HubSpotObjectType, number>
  }

  laneCounts(): Record<WriteLane, number> {
    const counts: Record<WriteLane, number> = { live: 0, bulk: 0 }
    for (const table of this.rows.values()) for (const row of table.values()) counts[row.lane]++
    return counts
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

  private drop(id: string, a: PendingAssociation): void {
    this.associations.delete(id)
    this.byFrom.get(`${a.fromType}\n${a.fromKey}`)?.delete(id)
  }

  associationCount(): number {
    return this.associations.size
  }

  nextAssociationAt(): number | null {
    let next: number | null = null
    for (const a of this.associations.values()) {
      const resolved = this.ids.get(a.fromType)!.has(a.fromKey) && this.ids.get(a.toType)!.has(a.toKey)
      if (resolved && (next === null || a.nextAttemptAt < next)) next = a.nextAttemptAt
    }
    return next
  }

  enqueueEvents(events: CustomEventRecord[], now: number): void {
    for (const event of events) {
      if (this.events.has(event.key) || this.sentEvents.has(event.key)) continue
      this.events.set(event.key, { event: structuredClone(event), createdAt: now, attempts: 0, nextAttemptAt: now })
    }
  }

  dueEvents(now: number, limit: number): PendingEvent[] {
    return [...this.events.values()]
      .filter((e) => e.nextAttemptAt <= now)
      // Ties in key order, as the SQL store's ORDER BY created_at, key.
      .sort((a, b) => a.createdAt - b.createdAt || (a.event.key < b.event.key ? -1 : 1))
      .slice(0, limit)
      .map((e) => ({ ...e, event: structuredClone(e.event) }))
  }

  eventSent(key: string, at: number): void {
    if (!this.sentEvents.has(key)) this.sentEvents.set(key, at)
    this.events.delete(key)
  }

  forgetSentEvents(before: number): void {
    for (const [key, at] of this.sentEvents) if (at < before) this.sentEvents.delete(key)
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

  redirectContact(fromKey: string, toKey: string): void {
    if (fromKey === toKey) return
    this.redirects.set(fromKey, toKey)
    for (const [from, to] of this.redirects) if (to === fromKey) this.redirects.set(from, toKey)
    this.redirects.delete(toKey)
    for (const merge of this.merges.values()) if (merge.primaryKey === fromKey) merge.primaryKey = toKey
    const rows = this.rows.get('contacts')!
    rows.delete(fromKey)
    const moved = this.triggers.get(`contacts\n${fromKey}`) ?? []
    this.triggers.delete(`contacts\n${fromKey}`)
    if (!moved.length) return
    const id = `contacts\n${toKey}`
    this.triggers.set(id, [...(this.triggers.get(id) ?? []), ...moved].sort((a, b) => a.seq - b.seq))
    const row = rows.get(toKey)
    if (row) Object.assign(row, { version: row.version + 1, nextAttemptAt: 0, lane: 'live' })
    else {
      rows.set(toKey, {
        objectType: 'contacts', key: toKey, properties: {}, lane: 'live', version: 1, attempts: 0, nextAttemptAt: 0, lastError: null, seq: ++this.seq,
      })
    }
  }

  contactRedirects(keys: string[]): Map<string, string> {
    return new Map(keys.filter((k) => this.redirects.has(k)).map((k) => [k, this.redirects.get(k)!]))
  }

  enqueueMerge(primaryKey: string, absorbedKey: string, now: number): void {
    const existing = this.merges.get(absorbedKey)
    if (existing) existing.primaryKey = primaryKey
    else this.merges.set(absorbedKey, { primaryKey, absorbedKey, createdAt: now, attempts: 0, nextAttemptAt: now, lastError: null })
  }

  dueMerges(now: number, limit: number): PendingMerge[] {
    return [...this.merges.values()]
      .filter((m) => m.nextAttemptAt <= now)
      .sort((a, b) => a.createdAt - b.createdAt || (a.absorbedKey < b.absorbedKey ? -1 : 1))
      .slice(0, limit)
      .map((m) => ({ ...m }))
  }

  retryMergeLater(absorbedKey: string, attempts: number, nextAttemptAt: number, error: string): void {
    const merge = this.merges.get(absorbedKey)
    if (merge) Object.assign(merge, { attempts, nextAttemptAt, lastError: error })
  }

  mergeSettled(absorbedKey: string): void {
    this.merges.delete(absorbedKey)
  }

  pendingMergeCount(): number {
    return this.merges.size
  }

  nextMergeAt(): number | null {
    let next: number | null = null
    for (const m of this.merges.values()) if (next === null || m.nextAttemptAt < next) next = m.nextAttemptAt
    return next
  }

  repointIds(objectType: HubSpotObjectType, ids: string[], id: string): void {
    for (const known of this.ids.get(objectType)!.values()) if (ids.includes(known.id)) known.id = id
  }

  /** A due row with the oldest queued write of each of its trigger properties. */
  private copy(row: StoredRow): PendingRecord {
    const { seq: _seq, ...rest } = row
    const heads: PendingTrigger[] = []
    for (const t of this.triggers.get(`${row.objectType}\n${row.key}`) ?? []) {
      if (!heads.some((h) => h.property === t.property)) heads.push({ ...t, properties: { ...t.properties } })
    }
    return { ...rest, properties: { ...rest.properties }, triggers: heads }
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

type StoredRow = Omit<PendingRecord, 'triggers'> & { seq: number }
