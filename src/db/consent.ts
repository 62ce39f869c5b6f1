import { and, desc, eq, isNotNull, isNull } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import type { HubSpotOptOut } from '../domain/model'
import { readState, writeState } from './sync-state'
import { contacts, hubspotConsent } from './schema'

/**
 * HubSpot's unsubscribes as the consent job last read them (`hubspot_consent`, migrations/0050), and the job's
 * state in `sync_state` under CONSENT_STATE_KEY. The table is also the job's queue: rows whose opt-outs changed
 * wait to be told to their contact (applied_at) and, with CONSENT_WRITE_BACK=on, written back (written_back_at).
 */

/** The consent job's state in `sync_state`: `hubspot_consent:read` and `hubspot_consent:write_back`. */
export const CONSENT_STATE_KEY = 'hubspot_consent'
export type ConsentStatePart = 'read' | 'write_back'

/** An unsubscribed contact as the search found it. */
export interface FoundOptOut {
  email: string
  hubspotId: string
  allEmail: boolean
  /** Configured subscription type ids opted out of, sorted. */
  types: string[]
}

export interface ConsentRow extends FoundOptOut {
  optedOutAt: string | null
  updatedAt: number
}

/**
 * Stores what a search found. A new row, or one whose opt-outs changed, goes back to the queue; the same
 * opt-outs found again (HubSpot's lastmodifieddate moves with every write, ours too) change nothing. Returns how
 * many rows were new or changed.
 */
export async function recordOptOuts(db: D1Database, found: FoundOptOut[], now: number): Promise<number> {
  if (found.length === 0) return 0
  const rows = found.map((f) => ({ email: f.email, hubspot_id: f.hubspotId, opted_out_all: f.allEmail ? 1 : 0, types: JSON.stringify(f.types) }))
  const result = await db
    .prepare(
      `INSERT INTO hubspot_consent (email, hubspot_id, opted_out_all, types, updated_at)
       SELECT value ->> '$.email', value ->> '$.hubspot_id', value ->> '$.opted_out_all', value ->> '$.types', ?2 FROM json_each(?1) WHERE true
       ON CONFLICT (email) DO UPDATE SET hubspot_id = excluded.hubspot_id, opted_out_all = excluded.opted_out_all, types = excluded.types,
         opted_out_at = NULL, applied_at = NULL, written_back_at = NULL, updated_at = excluded.updated_at
       WHERE hubspot_consent.opted_out_all IS NOT excluded.opted_out_all OR hubspot_consent.types IS NOT excluded.types`,
    )
    .bind(JSON.stringify(rows), now)
    .run()
  return result.meta.changes ?? 0
}

/** Rows not yet told to their contact, the most recently changed first. */
export async function unappliedOptOuts(db: D1Database, limit: number): Promise<ConsentRow[]> {
  const rows = await drizzle(db)
    .select()
    .from(hubspotConsent)
    .where(isNull(hubspotConsent.appliedAt))
    .orderBy(desc(hubspotConsent.updatedAt))
    .limit(limit)
  return rows.map(toConsentRow)
}

/** Which of these emails have a contact (a Durable Object with state to tell). */
export async function knownContacts(db: D1Database, emails: string[]): Promise<Set<string>> {
  if (emails.length === 0) return new Set()
  const { results } = await db
    .prepare('SELECT email FROM contacts WHERE email IN (SELECT value FROM json_each(?1))')
    .bind(JSON.stringify(emails))
    .all<{ email: string }>()
  return new Set(results.map((r) => r.email))
}

export async function markApplied(db: D1Database, applied: { email: string; optedOutAt: string }[], now: number): Promise<void> {
  if (applied.length === 0) return
  const d = drizzle(db)
  const [first, ...rest] = applied.map(({ email, optedOutAt }) =>
    d.update(hubspotConsent).set({ optedOutAt, appliedAt: now }).where(eq(hubspotConsent.email, email)),
  )
  await d.batch([first!, ...rest])
}

/**
 * Applied rows not yet written back whose contact the worker knows (a store customer, subscriber or buyer): an
 * unsubscribed HubSpot lead the store never saw costs no BigCommerce call. A contact created later is picked up
 * then.
 */
export async function pendingWriteBacks(db: D1Database, limit: number): Promise<ConsentRow[]> {
  const rows = await drizzle(db)
    .select({ row: hubspotConsent })
    .from(hubspotConsent)
    .innerJoin(contacts, eq(contacts.email, hubspotConsent.email))
    .where(and(isNull(hubspotConsent.writtenBackAt), isNotNull(hubspotConsent.appliedAt), isNotNull(hubspotConsent.optedOutAt)))
    .orderBy(desc(hubspotConsent.updatedAt))
    .limit(limit)
  return rows.map((r) => toConsentRow(r.row))
}

export async function markWrittenBack(db: D1Database, emails: string[], now: number): Promise<void> {
  if (emails.length === 0) return
  await db
    .prepare('UPDATE hubspot_consent SET written_back_at = ?2 WHERE email IN (SELECT value FROM json_each(?1))')
    .bind(JSON.stringify(emails), now)
    .run()
}

/**
 * The unsubscribe a contact starts with (its Durable Object reads it when it has no state yet): HubSpot's opt-outs
 * already in the portal count from the first order or sign-up. Before the job read its time, the time it was
 * found stands in (later than the real one: the safe side).
 */
export async function hubspotOptOutOf(db: D1Database, email: string): Promise<HubSpotOptOut | null> {
  const rows = await drizzle(db).select().from(hubspotConsent).where(eq(hubspotConsent.email, email))
  const row = rows[0]
  if (!row) return null
  return { allEmail: row.allEmail, types: JSON.parse(row.types) as string[], at: row.optedOutAt ?? new Date(row.updatedAt).toISOString() }
}

export async function optOutCounts(db: D1Database): Promise<{ total: number; unapplied: number; writeBackPending: number }> {
  const row = await db
    .prepare(
      `SELECT count(*) AS total, coalesce(sum(applied_at IS NULL), 0) AS unapplied,
         (SELECT count(*) FROM hubspot_consent h JOIN contacts c ON c.email = h.email WHERE h.written_back_at IS NULL) AS write_back
       FROM hubspot_consent`,
    )
    .first<{ total: number; unapplied: number; write_back: number }>()
  return { total: row?.total ?? 0, unapplied: row?.unapplied ?? 0, writeBackPending: row?.write_back ?? 0 }
}

export async function readConsentState<T>(db: D1Database, part: ConsentStatePart): Promise<T | null> {
  return (await readState<T>(db, `${CONSENT_STATE_KEY}:${part}`))?.value ?? null
}

export async function writeConsentState(db: D1Database, part: ConsentStatePart, state: unknown, now: Date): Promise<void> {
  await writeState(db, `${CONSENT_STATE_KEY}:${part}`, state, now.getTime())
}

function toConsentRow(row: typeof hubspotConsent.$inferSelect): ConsentRow {
  return {
    email: row.email,
    hubspotId: row.hubspotId,
    allEmail: row.allEmail,
    types: JSON.parse(row.types) as string[],
    optedOutAt: row.optedOutAt,
    updatedAt: row.updatedAt,
  }
}
