import { eq } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import type { SupportTicket } from '../domain/support'
import { readState, writeState } from './sync-state'
import { supportEscalations } from './schema'

/**
 * The cache of open escalated tickets by contact (`support_escalations`, migrations/0011) that the contacts
 * read when they evaluate, and the state of the last refresh in `sync_state` under ESCALATIONS_STATE_KEY.
 */

export const ESCALATIONS_STATE_KEY = 'support_escalations'

/** One contact's open escalated tickets (the primary key's prefix). */
export async function openEscalationsOf(db: D1Database, email: string): Promise<SupportTicket[]> {
  return drizzle(db)
    .select({
      ticketId: supportEscalations.ticketId,
      priority: supportEscalations.priority,
      subject: supportEscalations.subject,
      stage: supportEscalations.stage,
    })
    .from(supportEscalations)
    .where(eq(supportEscalations.email, email))
}

export interface EscalatedContact extends SupportTicket {
  email: string
}

/** D1 binds at most 100 values per statement: 5 per row. */
const ROWS_PER_INSERT = 20

/** Replaces the whole cache with what the last search found, in one batch (readers never see it half done). */
export async function replaceEscalations(db: D1Database, rows: EscalatedContact[]): Promise<void> {
  const d = drizzle(db)
  const inserts = []
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    inserts.push(d.insert(supportEscalations).values(rows.slice(i, i + ROWS_PER_INSERT)).onConflictDoNothing())
  }
  await d.batch([d.delete(supportEscalations), ...inserts])
}

export async function readEscalationsState<T>(db: D1Database): Promise<T | null> {
  return (await readState<T>(db, ESCALATIONS_STATE_KEY))?.value ?? null
}

export async function writeEscalationsState(db: D1Database, state: unknown, now: Date): Promise<void> {
  await writeState(db, ESCALATIONS_STATE_KEY, state, now.getTime())
}
