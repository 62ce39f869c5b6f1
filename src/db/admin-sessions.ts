import { and, desc, eq, gt, isNull, lt, or } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import { adminSessions } from './schema'

export type AdminSessionRow = typeof adminSessions.$inferSelect

export async function insertSession(db: D1Database, row: AdminSessionRow): Promise<void> {
  await drizzle(db).insert(adminSessions).values(row)
}

export async function findSession(db: D1Database, id: string): Promise<AdminSessionRow | null> {
  const [row] = await drizzle(db).select().from(adminSessions).where(eq(adminSessions.id, id)).limit(1)
  return row ?? null
}

export async function touchSession(db: D1Database, id: string, at: number): Promise<void> {
  await drizzle(db).update(adminSessions).set({ lastUsedAt: at }).where(eq(adminSessions.id, id))
}

/** Revokes a live session; false when there was none to revoke (unknown, expired or revoked already). */
export async function revokeSessionRow(db: D1Database, id: string, by: string, at: number): Promise<boolean> {
  const revoked = await drizzle(db)
    .update(adminSessions)
    .set({ revokedAt: at, revokedBy: by })
    .where(and(eq(adminSessions.id, id), isNull(adminSessions.revokedAt), gt(adminSessions.expiresAt, at)))
    .returning({ id: adminSessions.id })
  return revoked.length > 0
}

/** Sessions not revoked and not past their absolute expiry, newest first. */
export async function listOpenSessions(db: D1Database, now: number, limit = 200): Promise<AdminSessionRow[]> {
  return drizzle(db)
    .select()
    .from(adminSessions)
    .where(and(isNull(adminSessions.revokedAt), gt(adminSessions.expiresAt, now)))
    .orderBy(desc(adminSessions.createdAt))
    .limit(limit)
}

/** Forgets sessions that ended (expired or revoked) before `before`. */
export async function deleteEndedSessions(db: D1Database, before: number): Promise<void> {
  await drizzle(db)
    .delete(adminSessions)
    .where(or(lt(adminSessions.expiresAt, before), lt(adminSessions.revokedAt, before)))
}

