import { and, desc, eq, gte, inArray, isNotNull, isNull, lt, lte, type SQL } from 'drizzle-orm'
import { drizzle, type DrizzleD1Database } from 'drizzle-orm/d1'
import { deadLetters } from './schema'

/**
 * The dead letters (table `dead_letters`): webhook events the inbox gave up on and HubSpot records the writer
 * gave up on, kept for the admin API to list and replay.
 */

export type DeadLetterRow = typeof deadLetters.$inferSelect

export interface DeadLetterFilter {
  source?: 'webhook' | 'hubspot'
  state: 'open' | 'replayed' | 'all'
  /** Created within [from, to], unix ms. */
  from?: number
  to?: number
  /** Pages back: only ids below this one. */
  beforeId?: number
  limit: number
}

/** Newest first. */
export async function listDeadLetters(db: D1Database, filter: DeadLetterFilter): Promise<DeadLetterRow[]> {
  const conditions: SQL[] = []
  if (filter.source) conditions.push(eq(deadLetters.source, filter.source))
  if (filter.state === 'open') conditions.push(isNull(deadLetters.replayedAt))
  if (filter.state === 'replayed') conditions.push(isNotNull(deadLetters.replayedAt))
  if (filter.from !== undefined) conditions.push(gte(deadLetters.createdAt, filter.from))
  if (filter.to !== undefined) conditions.push(lte(deadLetters.createdAt, filter.to))
  if (filter.beforeId !== undefined) conditions.push(lt(deadLetters.id, filter.beforeId))
  return drizzle(db)
    .select()
    .from(deadLetters)
    .where(and(...conditions))
    .orderBy(desc(deadLetters.id))
    .limit(filter.limit)
}

export async function deadLetterById(db: D1Database, id: number): Promise<DeadLetterRow | null> {
  const [row] = await drizzle(db).select().from(deadLetters).where(eq(deadLetters.id, id))
  return row ?? null
}

/** HubSpot dead letters among `ids` (at most 90) not replayed yet, with the records they hold. */
export async function openHubSpotDeadLetters(db: D1Database, ids: readonly number[]): Promise<DeadLetterRow[]> {
  return drizzle(db)
    .select()
    .from(deadLetters)
    .where(and(inArray(deadLetters.id, [...ids]), eq(deadLetters.source, 'hubspot'), isNull(deadLetters.replayedAt)))
}

/** Marks these replayed (those not replayed yet); the ids it marked. */
export async function markDeadLettersReplayed(db: D1Database, ids: readonly number[], now: number): Promise<number[]> {
  const marked: number[] = []
  for (let i = 0; i < ids.length; i += 90) {
    const rows = await drizzle(db)
      .update(deadLetters)
      .set({ replayedAt: now })
      .where(and(inArray(deadLetters.id, ids.slice(i, i + 90)), isNull(deadLetters.replayedAt)))
      .returning({ id: deadLetters.id })
    marked.push(...rows.map((r) => r.id))
  }
  return marked
}

/** Marks it replayed unless it already was; false when another replay got there first. */
export async function markDeadLetterReplayed(db: D1Database, id: number, now: number): Promise<boolean> {
  const rows = await drizzle(db)
    .update(deadLetters)
    .set({ replayedAt: now })
    .where(and(eq(deadLetters.id, id), isNull(deadLetters.replayedAt)))
    .returning({ id: deadLetters.id })
  return rows.length === 1
}

/** The insert of one dead letter, for a caller's batch (the inbox dead-letters an event in one with its own update). */
export function deadLetterInsert(d: DrizzleD1Database, letter: typeof deadLetters.$inferInsert) {
  return d.insert(deadLetters).values(letter)
}

/** A HubSpot record the writer gave up on (its error cut to 2,000 characters). */
export async function recordHubSpotDeadLetter(
  db: D1Database,
  letter: { reference: string; payload: string; error: string; attempts: number; createdAt: number },
): Promise<void> {
  await deadLetterInsert(drizzle(db), { source: 'hubspot', ...letter, error: letter.error.slice(0, 2000) }).run()
}
