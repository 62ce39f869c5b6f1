import { desc, lt } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import type { Role } from '../config'
import { auditLog } from './schema'

export interface Actor {
  role: Role
  /** Keyed HMAC fingerprint of the token (admin/auth.ts): tells tokens apart without revealing one. */
  fingerprint: string
}

export interface AuditEntry {
  actor: Actor
  action: string
  target: string | null
  outcome: 'ok' | 'failed'
  before: unknown
  after: unknown
  at: Date
}

export interface AuditRecord {
  id: number
  at: string
  who: Actor
  action: string
  target: string | null
  outcome: 'ok' | 'failed'
  before: unknown
  after: unknown
}

export async function recordAudit(db: D1Database, entry: AuditEntry): Promise<number> {
  const [row] = await drizzle(db)
    .insert(auditLog)
    .values({
      at: entry.at.toISOString(),
      actorRole: entry.actor.role,
      actorFingerprint: entry.actor.fingerprint,
      action: entry.action,
      target: entry.target,
      outcome: entry.outcome,
      before: entry.before === undefined || entry.before === null ? null : JSON.stringify(entry.before),
      after: entry.after === undefined ? null : JSON.stringify(entry.after),
    })
    .returning({ id: auditLog.id })
  return row!.id
}

/** Newest first; `beforeId` pages back through older entries. */
export async function listAudit(db: D1Database, limit: number, beforeId?: number): Promise<AuditRecord[]> {
  const query = drizzle(db).select().from(auditLog)
  const rows = await (beforeId === undefined ? query : query.where(lt(auditLog.id, beforeId)))
    .orderBy(desc(auditLog.id))
    .limit(limit)
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    who: { role: r.actorRole, fingerprint: r.actorFingerprint },
    action: r.action,
    target: r.target,
    outcome: r.outcome,
    before: r.before === null ? null : JSON.parse(r.before),
    after: r.after === null ? null : JSON.parse(r.after),
  }))
}
