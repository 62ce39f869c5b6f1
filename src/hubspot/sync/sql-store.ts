import {
  OBJECT_TYPES,
  type CustomEventRecord,
  type HubSpotObjectType,
  type HubSpotRecord,
  type PropertyValue,
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
  type PendingRecord,
  type ReadyAssociation,
  type WriterStore,
} from './store'

/** Durable Object SQLite takes at most 100 bound parameters per statement; keys share it with a few others. */
const KEYS_PER_QUERY = 90

/** The writer store on Durable Object SQLite storage (`ctx.storage.sql`). */
export class SqlWriterStore implements WriterStore {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS pending (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      object_type TEXT NOT NULL,
      key TEXT NOT NULL,
      properties TEXT NOT NULL,
      version INTEGER NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      next_attempt_at INTEGER NOT NULL,
      last_error TEXT,
      UNIQUE (object_type, key)
    )`)
    sql.exec('CREATE INDEX IF NOT EXISTS pending_due ON pending (object_type, next_attempt_at, seq)')
    addColumn(sql, "ALTER TABLE pending ADD COLUMN lane TEXT NOT NULL DEFAULT 'live'")
    sql.exec('CREATE INDEX IF NOT EXISTS pending_lane_due ON pending (object_type, lane, next_attempt_at, seq)')
    sql.exec(`CREATE TABLE IF NOT EXISTS pending_triggers (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      object_type TEXT NOT NULL,
      key TEXT NOT NULL,
      property TEXT NOT NULL,
      properties TEXT NOT NULL
    )`)
    sql.exec('CREATE INDEX IF NOT EXISTS pending_triggers_record ON pending_triggers (object_type, key, seq)')
    sql.exec(`CREATE TABLE IF NOT EXISTS written_triggers (
      object_type TEXT NOT NULL,
      key TEXT NOT NULL,
      properties TEXT NOT NULL,
      written_at INTEGER NOT NULL,
      PRIMARY KEY (object_type, key, properties)
    )`)
    sql.exec('CREATE INDEX IF NOT EXISTS written_triggers_age ON written_triggers (written_at)')
    sql.exec(`CREATE TABLE IF NOT EXISTS pending_associations (
      from_type TEXT NOT NULL,
      from_key TEXT NOT NULL,
      to_type TEXT NOT NULL,
      to_key TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      next_attempt_at INTEGER NOT NULL,
      PRIMARY KEY (from_type, from_key, to_type, to_key)
    )`)
    sql.exec(`CREATE TABLE IF NOT EXISTS object_ids (
      object_type TEXT NOT NULL,
      key TEXT NOT NULL,
      hs_id TEXT NOT NULL,
      update_by_id INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (object_type, key)
    )`)
    sql.exec('CREATE TABLE IF NOT EXISTS writer_values (name TEXT PRIMARY KEY, value TEXT NOT NULL)')
    sql.exec(`CREATE TABLE IF NOT EXISTS pending_events (
      key TEXT PRIMARY KEY,
      event TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      next_attempt_at INTEGER NOT NULL
    )`)
    sql.exec('CREATE INDEX IF NOT EXISTS pending_events_due ON pending_events (next_attempt_at)')
    sql.exec('CREATE TABLE IF NOT EXISTS sent_events (key TEXT PRIMARY KEY, sent_at INTEGER NOT NULL)')
  }

  enqueue(records: HubSpotRecord[], now: number, lane: WriteLane = 'live'): void {
    for (const record of records) {
      const key = recordKey(record.objectType, record.key)
      const queued = (record.triggers ?? []).filter((t) => this.queueTrigger(record.objectType, key, t))
      const existing = this.sql
        .exec<{ properties: string }>('SELECT properties FROM pending WHERE object_type = ? AND key = ?', record.objectType, key)
        .toArray()[0]
      if (existing) {
        const merged = { ...(JSON.parse(existing.properties) as Record<string, PropertyValue>), ...record.properties }
        this.sql.exec(
          `UPDATE pending SET properties = ?, version = version + 1, lane = CASE WHEN ? = 'live' THEN 'live' ELSE lane END
           WHERE object_type = ? AND key = ?`,
          JSON.stringify(merged),
          lane,
          record.objectType,
          key,
        )
      } else if (Object.keys(record.properties).length || queued.length) {
        this.sql.exec(
          'INSERT INTO pending (object_type, key, properties, version, next_attempt_at, lane) VALUES (?, ?, ?, 1, ?, ?)',
          record.objectType,
          key,
          JSON.stringify(record.properties),
          now,
          lane,
        )
      }
      for (const a of record.associations ?? []) {
        const p = canonicalPair(record.objectType, key, a.toObjectType, recordKey(a.toObjectType, a.toKey))
        this.sql.exec(
          `INSERT OR IGNORE INTO pending_associations (from_type, from_key, to_type, to_key, created_at, next_attempt_at)
           VALUES (?, ?, ?, ?, ?, ?)`,
          p.fromType,
          p.fromKey,
          p.toType,
          p.toKey,
          now,
          now,
        )
      }
    }
  }

  /** Queues a trigger write unless the same one is queued or was written already (a replay). */
  private queueTrigger(objectType: HubSpotObjectType, key: string, trigger: TriggerWrite): boolean {
    const properties = JSON.stringify(trigger.properties)
    const known = this.sql
      .exec(
        `SELECT 1 FROM pending_triggers WHERE object_type = ? AND key = ? AND properties = ?
         UNION ALL SELECT 1 FROM written_triggers WHERE object_type = ? AND key = ? AND properties = ?`,
        objectType,
        key,
        properties,
        objectType,
        key,
        properties,
      )
      .toArray().length
    if (known) return false
    this.sql.exec(
      'INSERT INTO pending_triggers (object_type, key, property, properties) VALUES (?, ?, ?, ?)',
      objectType,
      key,
      trigger.property,
      properties,
    )
    return true
  }

  due(objectType: HubSpotObjectType, now: number, limit: number, lane: WriteLane = 'live'): PendingRecord[] {
    const rows = this.sql
      .exec<PendingRow>(
        `SELECT object_type, key, properties, version, attempts, next_attempt_at, last_error, lane FROM pending
         WHERE object_type = ? AND lane = ? AND next_attempt_at <= ? ORDER BY seq LIMIT ?`,
        objectType,
        lane,
        now,
        limit,
      )
      .toArray()
    const heads = this.triggerHeads(objectType, rows.map((r) => r.key))
    return rows.map((row) => toPendingRecord(row, heads.get(row.key) ?? []))
  }

  /** The oldest queued write of each trigger property, per record. */
  private triggerHeads(objectType: HubSpotObjectType, keys: string[]): Map<string, PendingTrigger[]> {
    const heads = new Map<string, PendingTrigger[]>()
    for (let i = 0; i < keys.length; i += KEYS_PER_QUERY) {
      const chunk = keys.slice(i, i + KEYS_PER_QUERY)
      const rows = this.sql.exec<{ seq: number; key: string; property: string; properties: string }>(
        `SELECT seq, key, property, properties FROM pending_triggers
         WHERE object_type = ? AND key IN (${chunk.map(() => '?').join(',')}) ORDER BY seq`,
        objectType,
        ...chunk,
      )
      for (const row of rows) {
        const list = heads.get(row.key) ?? []
        if (list.some((t) => t.property === row.property)) continue
        list.push({ seq: row.seq, property: row.property, properties: JSON.parse(row.properties) as Record<string, PropertyValue> })
        heads.set(row.key, list)
      }
    }
    return heads
  }

  hasDue(types: readonly HubSpotObjectType[], now: number, lane: WriteLane): boolean {
    if (!types.length) return false
    return (
      this.sql
        .exec(
          `SELECT 1 FROM pending WHERE object_type IN (${types.map(() => '?').join(',')}) AND lane = ? AND next_attempt_at <= ? LIMIT 1`,
          ...types,
          lane,
          now,
        )
        .toArray().length > 0
    )
  }

  complete(objectType: HubSpotObjectType, rows: CompletedRow[], now: number): void {
    for (const { key, version, triggers = [] } of rows) {
      for (const t of triggers) {
        this.sql.exec('DELETE FROM pending_triggers WHERE seq = ?', t.seq)
        this.sql.exec(
          'INSERT OR REPLACE INTO written_triggers (object_type, key, properties, written_at) VALUES (?, ?, ?, ?)',
          objectType,
          key,
          JSON.stringify(t.properties),
          now,
        )
      }
      const waiting = this.sql
        .exec('SELECT 1 FROM pending_triggers WHERE object_type = ? AND key = ? LIMIT 1', objectType, key)
        .toArray().length
      if (!waiting) {
        this.sql.exec('DELETE FROM pending WHERE object_type = ? AND key = ? AND version = ?', objectType, key, version)
        continue
      }
      // The state went out with this call; what is left is the next trigger write of each property.
      this.sql.exec(
        `UPDATE pending SET properties = '{}', attempts = 0, next_attempt_at = ?, last_error = NULL
         WHERE object_type = ? AND key = ? AND version = ?`,
        now,
        objectType,
        key,
        version,
      )
    }
  }

  retryLater(objectType: HubSpotObjectType, key: string, attempts: number, nextAttemptAt: number, error: string): void {
    this.sql.exec(
      'UPDATE pending SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE object_type = ? AND key = ?',
      attempts,
      nextAttemptAt,
      error,
      objectType,
      key,
    )
  }

  remove(objectType: HubSpotObjectType, key: string, version: number): boolean {
    const removed =
      this.sql.exec('DELETE FROM pending WHERE object_type = ? AND key = ? AND version = ?', objectType, key, version)
        .rowsWritten > 0
    if (removed) this.sql.exec('DELETE FROM pending_triggers WHERE object_type = ? AND key = ?', objectType, key)
    return removed
  }

  queuedTriggers(objectType: HubSpotObjectType, key: string): TriggerWrite[] {
    return this.sql
      .exec<{ property: string; properties: string }>(
        'SELECT property, properties FROM pending_triggers WHERE object_type = ? AND key = ? ORDER BY seq',
        objectType,
        key,
      )
      .toArray()
      .map((row) => ({ property: row.property, properties: JSON.parse(row.properties) as Record<string, PropertyValue> }))
  }

  queuedTriggerCount(): number {
    return this.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM pending_triggers').one().n
  }

  forgetWrittenTriggers(before: number): void {
    this.sql.exec('DELETE FROM written_triggers WHERE written_at < ?', before)
  }

  pendingCounts(): Record<HubSpotObjectType, number> {
    const counts = Object.fromEntries(OBJECT_TYPES.map((t) => [t, 0])) as Record<HubSpotObjectType, number>
    for (const row of this.sql.exec<{ object_type: HubSpotObjectType; n: number }>(
      'SELECT object_type, COUNT(*) AS n FROM pending GROUP BY object_type',
    )) {
      counts[row.object_type] = row.n
    }
    return counts
  }

  laneCounts(): Record<WriteLane, number> {
    const counts: Record<WriteLane, number> = { live: 0, bulk: 0 }
    for (const row of this.sql.exec<{ lane: WriteLane; n: number }>('SELECT lane, COUNT(*) AS n FROM pending GROUP BY lane')) {
      counts[row.lane] = row.n
    }
    return counts
  }

  nextDueAt(types: readonly HubSpotObjectType[]): number | null {
    if (!types.length) return null
    return this.sql
      .exec<{ at: number | null }>(
        `SELECT MIN(next_attempt_at) AS at FROM pending WHERE object_type IN (${types.map(() => '?').join(',')})`,
        ...types,
      )
      .one().at
  }

  knownIds(objectType: HubSpotObjectType, keys: string[]): Map<string, KnownId> {
    const out = new Map<string, KnownId>()
    for (let i = 0; i < keys.length; i += KEYS_PER_QUERY) {
      const chunk = keys.slice(i, i + KEYS_PER_QUERY)
      const rows = this.sql.exec<{ key: string; hs_id: string; update_by_id: number }>(
        `SELECT key, hs_id, update_by_id FROM object_ids WHERE object_type = ? AND key IN (${chunk.map(() => '?').join(',')})`,
        objectType,
        ...chunk,
      )
      for (const row of rows) out.set(row.key, { id: row.hs_id, updateById: row.update_by_id === 1 })
    }
    return out
  }

  saveIds(objectType: HubSpotObjectType, ids: { key: string; id: string; updateById?: boolean }[]): void {
    for (const { key, id, updateById } of ids) {
      this.sql.exec(
        'INSERT OR REPLACE INTO object_ids (object_type, key, hs_id, update_by_id) VALUES (?, ?, ?, ?)',
        objectType,
        key,
        id,
        updateById ? 1 : 0,
      )
    }
  }

  forgetId(objectType: HubSpotObjectType, key: string): void {
    this.sql.exec('DELETE FROM object_ids WHERE object_type = ? AND key = ?', objectType, key)
  }

  readyAssociations(fromType: HubSpotObjectType, toType: HubSpotObjectType, now: number, limit: number): ReadyAssociation[] {
    return this.sql
      .exec<AssociationRow & { from_id: string; to_id: string }>(
        `SELECT a.*, f.hs_id AS from_id, t.hs_id AS to_id FROM pending_associations a
         JOIN object_ids f ON f.object_type = a.from_type AND f.key = a.from_key
         JOIN object_ids t ON t.object_type = a.to_type AND t.key = a.to_key
         WHERE a.from_type = ? AND a.to_type = ? AND a.next_attempt_at <= ? LIMIT ?`,
        fromType,
        toType,
        now,
        limit,
      )
      .toArray()
      .map((row) => ({ ...toAssociation(row), fromId: row.from_id, toId: row.to_id }))
  }

  associationsOf(fromType: HubSpotObjectType, keys: string[], toType: HubSpotObjectType): PendingAssociation[] {
    const out: PendingAssociation[] = []
    for (let i = 0; i < keys.length; i += KEYS_PER_QUERY) {
      const chunk = keys.slice(i, i + KEYS_PER_QUERY)
      const rows = this.sql.exec<AssociationRow>(
        `SELECT * FROM pending_associations WHERE from_type = ? AND to_type = ?
         AND from_key IN (${chunk.map(() => '?').join(',')})`,
        fromType,
        toType,
        ...chunk,
      )
      for (const row of rows) out.push(toAssociation(row))
    }
    return out
  }

  associationsInvolving(objectType: HubSpotObjectType, key: string): PendingAssociation[] {
    return this.sql
      .exec<AssociationRow>(
        `SELECT * FROM pending_associations WHERE (from_type = ? AND from_key = ?) OR (to_type = ? AND to_key = ?)`,
        objectType,
        key,
        objectType,
        key,
      )
      .toArray()
      .map(toAssociation)
  }

  deleteAssociations(list: PendingAssociation[]): void {
    for (const a of list) {
      this.sql.exec(
        'DELETE FROM pending_associations WHERE from_type = ? AND from_key = ? AND to_type = ? AND to_key = ?',
        a.fromType,
        a.fromKey,
        a.toType,
        a.toKey,
      )
    }
  }

  retryAssociationsLater(list: PendingAssociation[], attempts: number, nextAttemptAt: number): void {
    for (const a of list) {
      this.sql.exec(
        `UPDATE pending_associations SET attempts = ?, next_attempt_at = ?
         WHERE from_type = ? AND from_key = ? AND to_type = ? AND to_key = ?`,
        attempts,
        nextAttemptAt,
        a.fromType,
        a.fromKey,
        a.toType,
        a.toKey,
      )
    }
  }

  expireAssociations(cutoff: number): number {
    return this.sql.exec(
      `DELETE FROM pending_associations WHERE created_at < ? AND (
         NOT EXISTS (SELECT 1 FROM object_ids f WHERE f.object_type = from_type AND f.key = from_key)
         OR NOT EXISTS (SELECT 1 FROM object_ids t WHERE t.object_type = to_type AND t.key = to_key))`,
      cutoff,
    ).rowsWritten
  }

  associationCount(): number {
    return this.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM pending_associations').one().n
  }

  nextAssociationAt(bound: number): number | null {
    return this.sql
      .exec<{ at: number | null }>(
        `SELECT MIN(CASE WHEN f.hs_id IS NOT NULL AND t.hs_id IS NOT NULL THEN a.next_attempt_at ELSE a.created_at + ? END) AS at
         FROM pending_associations a
         LEFT JOIN object_ids f ON f.object_type = a.from_type AND f.key = a.from_key
         LEFT JOIN object_ids t ON t.object_type = a.to_type AND t.key = a.to_key`,
        bound,
      )
      .one().at
  }

  enqueueEvents(events: CustomEventRecord[], now: number): void {
    for (const event of events) {
      this.sql.exec(
        `INSERT OR IGNORE INTO pending_events (key, event, created_at, next_attempt_at)
         SELECT ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM sent_events WHERE key = ?)`,
        event.key,
        JSON.stringify(event),
        now,
        now,
        event.key,
      )
    }
  }

  dueEvents(now: number, limit: number): PendingEvent[] {
    return this.sql
      .exec<{ event: string; created_at: number; attempts: number; next_attempt_at: number }>(
        'SELECT event, created_at, attempts, next_attempt_at FROM pending_events WHERE next_attempt_at <= ? ORDER BY created_at, key LIMIT ?',
        now,
        limit,
      )
      .toArray()
      .map((row) => ({
        event: JSON.parse(row.event) as CustomEventRecord,
        createdAt: row.created_at,
        attempts: row.attempts,
        nextAttemptAt: row.next_attempt_at,
      }))
  }

  eventSent(key: string, at: number): void {
    this.sql.exec('INSERT OR IGNORE INTO sent_events (key, sent_at) VALUES (?, ?)', key, at)
    this.sql.exec('DELETE FROM pending_events WHERE key = ?', key)
  }

  retryEventLater(key: string, attempts: number, nextAttemptAt: number): void {
    this.sql.exec('UPDATE pending_events SET attempts = ?, next_attempt_at = ? WHERE key = ?', attempts, nextAttemptAt, key)
  }

  dropEvent(key: string): void {
    this.sql.exec('DELETE FROM pending_events WHERE key = ?', key)
  }

  pendingEventCount(): number {
    return this.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM pending_events').one().n
  }

  nextEventAt(): number | null {
    return this.sql.exec<{ at: number | null }>('SELECT MIN(next_attempt_at) AS at FROM pending_events').one().at
  }

  getValue<T>(name: string): T | undefined {
    const row = this.sql.exec<{ value: string }>('SELECT value FROM writer_values WHERE name = ?', name).toArray()[0]
    return row ? (JSON.parse(row.value) as T) : undefined
  }

  setValue(name: string, value: unknown): void {
    this.sql.exec('INSERT OR REPLACE INTO writer_values (name, value) VALUES (?, ?)', name, JSON.stringify(value))
  }
}

type PendingRow = {
  object_type: HubSpotObjectType
  key: string
  properties: string
  version: number
  attempts: number
  next_attempt_at: number
  last_error: string | null
  lane: WriteLane
}

type AssociationRow = {
  from_type: HubSpotObjectType
  from_key: string
  to_type: HubSpotObjectType
  to_key: string
  created_at: number
  attempts: number
  next_attempt_at: number
}

function toPendingRecord(row: PendingRow, triggers: PendingTrigger[]): PendingRecord {
  return {
    objectType: row.object_type,
    key: row.key,
    properties: JSON.parse(row.properties) as Record<string, PropertyValue>,
    triggers,
    lane: row.lane,
    version: row.version,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
  }
}

function toAssociation(row: AssociationRow): PendingAssociation {
  return {
    fromType: row.from_type,
    fromKey: row.from_key,
    toType: row.to_type,
    toKey: row.to_key,
    createdAt: row.created_at,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
  }
}

/** Adds a column to a table created by an older version; a no-op when it is there already. */
function addColumn(sql: SqlStorage, statement: string): void {
  try {
    sql.exec(statement)
  } catch (err) {
    if (!/duplicate column/i.test(err instanceof Error ? err.message : String(err))) throw err
  }
}
