import { type CustomEventRecord, type HubSpotObjectType } from '../records'
import { type KnownId, type PendingAssociation, type PendingEvent, type ReadyAssociation } from './store'

/** Durable Object SQLite takes at most 100 bound parameters per statement; keys share it with a few others. */
export const KEYS_PER_QUERY = 90

/**
 * The writer store's links on Durable Object SQLite: the HubSpot ids learned from upsert results, pending
 * associations (written once both ends have ids), custom event occurrences, and a few named values. The
 * record queues (./sql-store.ts) build on it.
 */
export class SqlLinkStore {
  constructor(protected readonly sql: SqlStorage) {
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
    sql.exec('CREATE INDEX IF NOT EXISTS sent_events_age ON sent_events (sent_at)')
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

  associationCount(): number {
    return this.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM pending_associations').one().n
  }

  nextAssociationAt(): number | null {
    return this.sql
      .exec<{ at: number | null }>(
        `SELECT MIN(a.next_attempt_at) AS at FROM pending_associations a
         JOIN object_ids f ON f.object_type = a.from_type AND f.key = a.from_key
         JOIN object_ids t ON t.object_type = a.to_type AND t.key = a.to_key`,
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

  forgetSentEvents(before: number): void {
    this.sql.exec('DELETE FROM sent_events WHERE sent_at < ?', before)
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

type AssociationRow = {
  from_type: HubSpotObjectType
  from_key: string
  to_type: HubSpotObjectType
  to_key: string
  created_at: number
  attempts: number
  next_attempt_at: number
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
