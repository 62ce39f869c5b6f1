import {
  OBJECT_TYPES,
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
  type PendingRecord,
  type WriterStore,
} from './store'
import { KEYS_PER_QUERY } from './sql-links'
import { SqlMergeStore } from './sql-merges'

/**
 * The writer store on Durable Object SQLite storage (`ctx.storage.sql`): the record queues (state merged per
 * record, trigger writes queued behind each other, live and bulk lanes) on top of the links (./sql-links.ts)
 * and contact merges (./sql-merges.ts).
 */
export class SqlWriterStore extends SqlMergeStore implements WriterStore {
  constructor(sql: SqlStorage) {
    super(sql)
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

  redirectContact(fromKey: string, toKey: string): void {
    if (fromKey === toKey) return
    this.saveRedirect(fromKey, toKey)
    const moved = this.sql.exec(
      "UPDATE pending_triggers SET key = ? WHERE object_type = 'contacts' AND key = ?",
      toKey,
      fromKey,
    ).rowsWritten
    this.sql.exec("DELETE FROM pending WHERE object_type = 'contacts' AND key = ?", fromKey)
    if (moved === 0) return
    // The moved trigger writes ride on the surviving contact's row (created without state when it has none).
    this.sql.exec(
      `INSERT INTO pending (object_type, key, properties, version, next_attempt_at, lane) VALUES ('contacts', ?, '{}', 1, 0, 'live')
       ON CONFLICT (object_type, key) DO UPDATE SET version = version + 1, next_attempt_at = 0, lane = 'live'`,
      toKey,
    )
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

/** Adds a column to a table created by an older version; a no-op when it is there already. */
function addColumn(sql: SqlStorage, statement: string): void {
  try {
    sql.exec(statement)
  } catch (err) {
    if (!/duplicate column/i.test(err instanceof Error ? err.message : String(err))) throw err
  }
}
