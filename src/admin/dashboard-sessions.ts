import type { Role } from '../config'
import type { Actor } from '../db/audit'
import {
  deleteEndedSessions,
  findSession,
  insertSession,
  listOpenSessions,
  revokeSessionRow,
  touchSession,
  type AdminSessionRow,
} from '../db/admin-sessions'
import { randomSecret, sha256Hex } from '../secrets'
import { audited } from './audited-change'
import { configuredRoles, type AuthConfig } from './auth'

/**
 * Dashboard sessions, held by the server: signing in exchanges a token for a random secret (the cookie);
 * D1 keeps only its SHA-256 with the role, the token's fingerprint and the times. Every request checks that
 * the session is not revoked, not past its absolute expiry, not idle too long, and that its token is still
 * configured with that role, so removing a token from ADMIN_TOKENS ends its sessions too.
 */
export const SESSION_IDLE_MS = 30 * 60_000
export const SESSION_ABSOLUTE_MS = 12 * 3_600_000
/** last_used_at is written at most this often: idle expiry is exact to within it. */
const TOUCH_EVERY_MS = 60_000
/** Ended sessions are kept this long for the list, then forgotten (on the next sign-in). */
const KEEP_ENDED_MS = 7 * 86_400_000

export interface SessionActor extends Actor {
  sessionId: string
}

export interface SessionView {
  id: string
  role: Role
  fingerprint: string
  createdAt: string
  lastUsedAt: string
  expiresAt: string
  idleExpiresAt: string
  userAgent: string | null
}

export async function startSession(
  db: D1Database,
  actor: Actor,
  userAgent: string | null,
  now: number,
): Promise<{ secret: string; sessionId: string }> {
  const secret = randomSecret()
  const sessionId = await sha256Hex(secret)
  await deleteEndedSessions(db, now - KEEP_ENDED_MS)
  await insertSession(db, {
    id: sessionId,
    role: actor.role,
    tokenFingerprint: actor.fingerprint,
    createdAt: now,
    lastUsedAt: now,
    expiresAt: now + SESSION_ABSOLUTE_MS,
    revokedAt: null,
    revokedBy: null,
    userAgent: userAgent ? userAgent.slice(0, 200) : null,
  })
  return { secret, sessionId }
}

/** The signed-in actor of a cookie's secret, or null when the session is unknown, revoked or expired. */
export async function resolveSession(db: D1Database, config: AuthConfig, secret: string | undefined, now: number): Promise<SessionActor | null> {
  if (!secret || secret.length > 128) return null
  const session = await findSession(db, await sha256Hex(secret))
  if (!session || !live(session, now)) return null
  const role = (await configuredRoles(config)).get(session.tokenFingerprint)
  if (role !== session.role) return null
  if (now - session.lastUsedAt >= TOUCH_EVERY_MS) await touchSession(db, session.id, now)
  return { role: session.role, fingerprint: session.tokenFingerprint, sessionId: session.id }
}

function live(session: AdminSessionRow, now: number): boolean {
  return session.revokedAt === null && now < session.expiresAt && now - session.lastUsedAt < SESSION_IDLE_MS
}

/** Signing out: the session ends on the server, whatever the browser keeps. */
export async function endSession(db: D1Database, secret: string | undefined, now: number): Promise<void> {
  if (secret && secret.length <= 128) await revokeSessionRow(db, await sha256Hex(secret), 'logout', now)
}

/** The sessions that would be accepted now, newest first, for an admin. */
export async function openSessions(db: D1Database, now: number): Promise<SessionView[]> {
  return (await listOpenSessions(db, now))
    .filter((s) => live(s, now))
    .map((s) => ({
      id: s.id,
      role: s.role,
      fingerprint: s.tokenFingerprint,
      createdAt: new Date(s.createdAt).toISOString(),
      lastUsedAt: new Date(s.lastUsedAt).toISOString(),
      expiresAt: new Date(s.expiresAt).toISOString(),
      idleExpiresAt: new Date(Math.min(s.expiresAt, s.lastUsedAt + SESSION_IDLE_MS)).toISOString(),
      userAgent: s.userAgent,
    }))
}

/** An admin revokes a session (audited); false when no open session has that id. */
export async function revokeSessionAudited(db: D1Database, actor: Actor, id: string, now: Date): Promise<boolean> {
  return audited(db, { actor, action: 'session.revoke', target: id, before: null }, () =>
    revokeSessionRow(db, id, `${actor.role}:${actor.fingerprint}`, now.getTime()),
  (revoked) => ({ revoked }))
}
