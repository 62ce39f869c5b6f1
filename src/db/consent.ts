import { and, desc, eq, isNotNull, isNull } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import { sql, type SqlBool } from 'kysely'
import type { HubSpotOptOut } from '../domain/model'
import { queryBuilder, setOf } from './query-builder'
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
  const qb = queryBuilder(db)
  const field = (name: keyof (typeof rows)[number]) => sql<string>`r.value ->> ${sql.lit(`$.${name}`)}`
  const result = await qb
    .insertInto('hubspot_consent')
    .columns(['email', 'hubspot_id', 'opted_out_all', 'types', 'updated_at'])
    .expression(qb
      .selectFrom(sql<{ value: string }>`json_each(${JSON.stringify(rows)})`.as('r'))
      .select([field('email').as('email'), field('hubspot_id').as('hubspot_id'), field('opted_out_all').as('opted_out_all'), field('types').as('types'), sql.val(now).as('updated_at')])
      // SQLite reads an ON CONFLICT after a SELECT without WHERE as a join's ON.
      .where(sql<SqlBool>`true`))
    .onConflict((oc) => oc
      .column('email')
      .doUpdateSet((eb) => ({
        hubspot_id: eb.ref('excluded.hubspot_id'),
        opted_out_all: eb.ref('excluded.opted_out_all'),
        types: eb.ref('excluded.types'),
        opted_out_at: null,
        applied_at: null,
        written_back_at: null,
        updated_at: eb.ref('excluded.updated_at'),
      }))
      .where((eb) => eb.or([
        eb('hubspot_consent.opted_out_all', 'is not', eb.ref('excluded.opted_out_all')),
        eb('hubspot_consent.types', 'is not', eb.ref('excluded.types')),
      ])))
    .executeTakeFirst()
  return Number(result.numInsertedOrUpdatedRows ?? 0)
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
  const qb = queryBuilder(db)
  const rows = await qb.selectFrom('contacts').select('email').where('email', 'in', setOf(qb, emails)).execute()
  return new Set(rows.map((r) => r.email))
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
  const qb = queryBuilder(db)
  await qb.updateTable('hubspot_consent').set({ written_back_at: now }).where('email', 'in', setOf(qb, emails)).execute()
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
  const row = await queryBuilder(db)
    .selectFrom('hubspot_consent')
    .select((eb) => [
      eb.fn.countAll<number>().as('total'),
      eb.fn.coalesce(eb.fn.sum<number>(eb('applied_at', 'is', null)), eb.lit(0)).as('unapplied'),
      eb
        .selectFrom('hubspot_consent as h')
        .innerJoin('contacts as c', 'c.email', 'h.email')
        .select((w) => w.fn.countAll<number>().as('n'))
        .where('h.written_back_at', 'is', null)
        .as('write_back'),
    ])
    .executeTakeFirst()
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
