import { getCookie } from 'hono/cookie'
import type { Context } from 'hono'
import { authenticateToken } from '../../admin/auth'
import type { Config } from '../../config'

/**
 * The dashboard's session cookie: a browser signs in with a token once and keeps it in an HttpOnly,
 * SameSite=Strict cookie (Secure over https). The dashboard pages accept it, and so do the read-only admin
 * pages the dashboard links to (the API docs); the JSON API does not.
 */
export const COOKIE = 'bc_admin_token'

export async function cookieActor(c: Context, config: Config) {
  return authenticateToken(config.ADMIN_TOKENS, getCookie(c, COOKIE))
}
