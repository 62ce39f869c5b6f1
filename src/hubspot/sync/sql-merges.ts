import type { HubSpotObjectType } from '../records'
import { KEYS_PER_QUERY, SqlLinkStore } from './sql-links'
import type { PendingMerge } from './store'

/**
 * Contact merges on Durable Object SQLite: the HubSpot merges waiting to be made, and the contact keys
 * redirected to the person's surviving contact. The record queues (./sql-store.ts) build on it.
 */
export class SqlMergeStore extends SqlLinkStore {
  constructor(sql: SqlStorage) {
    super(sql)
    sql.exec('CREATE TABLE IF NOT EXISTS contact_redirects (from_key TEXT PRIMARY KEY, to_key TEXT NOT NULL)')
    sql.exec(`CREATE TABLE IF NOT EXISTS pending_merges (
      absorbed_key TEXT PRIMARY KEY,
      primary_key TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      next_attempt_at INTEGER NOT NULL,
      last_error TEXT
    )`)
  }

  /**
   * Records the redirect; keys redirected to `fromKey` follow it, and so do merges waiting to merge into it.
   * The survivor itself is redirected nowhere (a redirect is one hop: its writes must stay its own).
   */
  protected saveRedirect(fromKey: string, toKey: string): void {
    this.sql.exec('INSERT OR REPLACE INTO contact_redirects (from_key, to_key) VALUES (?, ?)', fromKey, toKey)
    this.sql.exec('UPDATE contact_redirects SET to_key = ? WHERE to_key = ?', toKey, fromKey)
    this.sql.exec('DELETE FROM contact_redirects WHERE from_key = ?', toKey)
    this.sql.exec('UPDATE pending_merges SET primary_key = ? WHERE primary_key = ?', toKey, fromKey)
  }

  contactRedirects(keys: string[]): Map<string, string> {
    const out = new Map<string, string>()
    for (let i = 0; i < keys.length; i += KEYS_PER_QUERY) {
      const chunk = keys.slice(i, i + KEYS_PER_QUERY)
      const rows = this.sql.exec<{ from_key: string; to_key: string }>(
        `SELECT from_key, to_key FROM contact_redirects WHERE from_key IN (${chunk.map(() => '?').join(',')})`,
        ...chunk,
      )
      for (const row of rows) out.set(row.from_key, row.to_key)
    }
    return out
  }

  enqueueMerge(primaryKey: string, absorbedKey: string, now: number): void {
    this.sql.exec(
      `INSERT INTO pending_merges (absorbed_key, primary_key, created_at, next_attempt_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (absorbed_key) DO UPDATE SET primary_key = excluded.primary_key`,
      absorbedKey,
      primaryKey,
      now,
      now,
    )
  }

  dueMerges(now: number, limit: number): PendingMerge[] {
    return this.sql
      .exec<{ absorbed_key: string; primary_key: string; created_at: number; attempts: number; next_attempt_at: number; last_error: string | null }>(
        'SELECT * FROM pending_merges WHERE next_attempt_at <= ? ORDER BY created_at, absorbed_key LIMIT ?',
        now,
        limit,
      )
      .toArray()
      .map((row) => ({
        primaryKey: row.primary_key,
        absorbedKey: row.absorbed_key,
        createdAt: row.created_at,
        attempts: row.attempts,
        nextAttemptAt: row.next_attempt_at,
        lastError: row.last_error,
      }))
  }

  retryMergeLater(absorbedKey: string, attempts: number, nextAttemptAt: number, error: string): void {
    this.sql.exec(
      'UPDATE pending_merges SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE absorbed_key = ?',
      attempts,
      nextAttemptAt,
      error,
      absorbedKey,
    )
  }

  mergeSettled(absorbedKey: string): void {
    this.sql.exec('DELETE FROM pending_merges WHERE absorbed_key = ?', absorbedKey)
  }

  pendingMergeCount(): number {
    return this.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM pending_merges').one().n
  }

  nextMergeAt(): number | null {
    return this.sql.exec<{ at: number | null }>('SELECT MIN(next_attempt_at) AS at FROM pending_merges').one().at
  }

  repointIds(objectType: HubSpotObjectType, ids: string[], id: string): void {
    for (const old of ids) this.sql.exec('UPDATE object_ids SET hs_id = ? WHERE object_type = ? AND hs_id = ?', id, objectType, old)
  }
}
