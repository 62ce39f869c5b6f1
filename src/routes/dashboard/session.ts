import type { Role } from '../../config'
import { jsonError } from '../../http'
import { checkActor, type AdminContext } from '../admin/define'
import { cookieActor } from '../admin/session-cookie'
import { renderLogin } from './view'

/** The dashboard's form posts: from this site's own pages, with a signed-in session (../admin/session-cookie.ts). */

/**
 * A state-changing request from this site's own page: its Origin is ours, or, when the browser sent none or
 * `null` (it must, for a form post from a page with `Referrer-Policy: no-referrer`, as ours are), Sec-Fetch-Site
 * says same-origin (a header no page can set). With neither it is refused.
 */
export function sameOrigin(c: AdminContext): boolean {
  const origin = c.req.header('origin')
  if (origin !== undefined && origin !== 'null') return origin === new URL(c.req.url).origin
  return c.req.header('sec-fetch-site') === 'same-origin'
}

export function crossOrigin(c: AdminContext) {
  return jsonError(c, 403, 'forbidden', 'form posts must come from this dashboard (Origin or Sec-Fetch-Site same-origin)')
}

function wantsHtml(c: AdminContext): boolean {
  return (c.req.header('accept') ?? '').includes('text/html') || c.req.method === 'POST'
}

/**
 * A dashboard form post: same origin and a signed-in actor with `role` (sets `actor`), or the response that
 * refuses it (a sign-in page when the session is gone).
 */
export async function guardForm(c: AdminContext, role: Role, signInAgain: string): Promise<Response | null> {
  if (!sameOrigin(c)) return crossOrigin(c)
  const denied = checkActor(c, await cookieActor(c, c.env.DB, c.get('config')), role)
  if (denied) return wantsHtml(c) && denied.status === 401 ? c.html(renderLogin(signInAgain), 401) : denied
  return null
}
