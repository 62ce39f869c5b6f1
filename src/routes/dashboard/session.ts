import { getCookie } from 'hono/cookie'
import { authenticateToken } from '../../admin/auth'
import type { Role } from '../../config'
import { jsonError } from '../../http'
import { checkActor, type AdminContext } from '../admin/define'
import { renderLogin } from './view'

/**
 * The dashboard's session: a browser signs in with a token once; it is kept in an HttpOnly, SameSite=Strict
 * cookie (Secure over https) that only these pages accept, never the JSON API. Form posts must come from
 * this origin.
 */
export const COOKIE = 'bc_admin_token'

export async function cookieActor(c: AdminContext) {
  return authenticateToken(c.get('config').ADMIN_TOKENS, getCookie(c, COOKIE))
}

export function sameOrigin(c: AdminContext): boolean {
  const origin = c.req.header('origin')
  return origin === undefined || origin === new URL(c.req.url).origin
}

function wantsHtml(c: AdminContext): boolean {
  return (c.req.header('accept') ?? '').includes('text/html') || c.req.method === 'POST'
}

/**
 * A dashboard form post: same origin and a signed-in actor with `role` (sets `actor`), or the response that
 * refuses it (a sign-in page when the session is gone).
 */
export async function guardForm(c: AdminContext, role: Role, signInAgain: string): Promise<Response | null> {
  if (!sameOrigin(c)) return jsonError(c, 403, 'forbidden', 'cross-origin form posts are refused')
  const denied = checkActor(c, await cookieActor(c), role)
  if (denied) return wantsHtml(c) && denied.status === 401 ? c.html(renderLogin(signInAgain), 401) : denied
  return null
}
