import type { Role } from '../../config'
import { jsonError } from '../../http'
import { checkActor, type AdminContext } from '../admin/define'
import { cookieActor } from '../admin/session-cookie'
import { renderLogin } from './view'

/** The dashboard's form posts: same origin and a signed-in session (see ../admin/session-cookie.ts). */

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
  const denied = checkActor(c, await cookieActor(c, c.get('config')), role)
  if (denied) return wantsHtml(c) && denied.status === 401 ? c.html(renderLogin(signInAgain), 401) : denied
  return null
}
