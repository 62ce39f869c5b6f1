import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { resolveSession, SESSION_ABSOLUTE_MS, type SessionActor } from '../../admin/dashboard-sessions'
import type { Config } from '../../config'

/**
 * The dashboard's session cookie: `__Host-bc_admin_session`, HttpOnly, Secure, SameSite=Strict, Path=/, holding
 * a random session secret (never the token; see admin/dashboard-sessions.ts). Browsers keep Secure cookies of
 * http://localhost and 127.0.0.1 too (a secure context), so the local demo signs in the same way. The dashboard
 * pages accept it, and so do the read-only admin pages the dashboard links to (the API docs); the JSON API does not.
 */
export const COOKIE = 'bc_admin_session'
const PREFIX = 'host' as const

export function sessionSecret(c: Context): string | undefined {
  return getCookie(c, COOKIE, PREFIX)
}

/** The signed-in actor of the request's session cookie, or null. */
export async function cookieActor(c: Context, db: D1Database, config: Config): Promise<SessionActor | null> {
  return resolveSession(db, config, sessionSecret(c), Date.now())
}

export function setSessionCookie(c: Context, secret: string): void {
  setCookie(c, COOKIE, secret, { prefix: PREFIX, httpOnly: true, secure: true, sameSite: 'Strict', path: '/', maxAge: SESSION_ABSOLUTE_MS / 1000 })
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, COOKIE, { prefix: PREFIX, secure: true, path: '/' })
}

/** Before sessions the cookie was the token itself (`bc_admin_token`, Path=/admin): a browser still holding one loses it. */
export function dropLegacyTokenCookie(c: Context): void {
  if (getCookie(c, 'bc_admin_token') !== undefined) deleteCookie(c, 'bc_admin_token', { path: '/admin' })
}
