import { Hono } from 'hono'
import { deleteCookie, setCookie } from 'hono/cookie'
import { authenticateToken } from '../../admin/auth'
import { deadLetterView, replayDeadLetterAudited } from '../../admin/dead-letters'
import { outcomesReport } from '../../admin/outcomes'
import { qualityReport } from '../../admin/quality'
import { hubspotClient, recentReconciliation } from '../../admin/reconciliation'
import { rolloutReport } from '../../admin/rollout'
import { runAndKeepLiveChecks } from '../../admin/live-checks'
import { settle, syncStatus } from '../../admin/status'
import { storefrontsReport } from '../../admin/storefronts'
import { attributionReportFor } from '../../admin/operations'
import { listDeadLetters, listDecisions } from '../../db/operations'
import { jsonError } from '../../http'
import type { AdminEnv } from '../admin/define'
import { revenueByChannel } from './chart'
import { rolloutForms } from './rollout'
import { COOKIE, cookieActor } from '../admin/session-cookie'
import { guardForm, sameOrigin } from './session'
import { renderDashboard, renderLogin } from './view'

/** `/admin`: the dashboard, rendered on the server (sign-in and form posts: ./session.ts). */
export const dashboard = new Hono<AdminEnv>()

dashboard.get('/', async (c) => {
  const actor = await cookieActor(c, c.get('config'))
  if (!actor) return c.html(renderLogin(null), 401)
  c.set('actor', actor)
  const now = new Date()
  const db = c.env.DB
  const lastMonth = { from: new Date(now.getTime() - 30 * 86_400_000), to: now }
  const [status, quality, reconciliation, revenue, decisions, deadLetters, rollout, outcomes, storefronts] = await Promise.all([
    syncStatus(c.env, c.get('config'), now),
    qualityReport(db, now, 30),
    settle(() => recentReconciliation(db, hubspotClient(c.get('config')), now), 8_000),
    settle(async () => revenueByChannel((await attributionReportFor(c.env, lastMonth, 'order')).rows)),
    listDecisions(db, undefined, 15),
    listDeadLetters(db, { state: 'open', limit: 25 }),
    settle(() => rolloutReport(c.env, c.get('config'), now)),
    settle(() => outcomesReport(db, lastMonth)),
    settle(() => storefrontsReport(c.env, now)),
  ])
  const message = c.req.query('replayed') ?? c.req.query('notice')
  const notice = message ? { ok: c.req.query('ok') === '1', text: message } : null
  c.header('Cache-Control', 'no-store')
  return c.html(
    renderDashboard({
      now, actor, notice, status, quality, reconciliation, revenue, decisions, deadLetters: deadLetters.map(deadLetterView), rollout, outcomes,
      storefronts,
    }),
  )
})

dashboard.post('/login', async (c) => {
  if (!sameOrigin(c)) return jsonError(c, 403, 'forbidden', 'cross-origin form posts are refused')
  const form = await c.req.parseBody()
  const token = typeof form.token === 'string' ? form.token.trim() : ''
  const actor = await authenticateToken(c.get('config').ADMIN_TOKENS, token)
  if (!actor) return c.html(renderLogin('That token is not valid.'), 401)
  setCookie(c, COOKIE, token, {
    path: '/admin',
    httpOnly: true,
    secure: new URL(c.req.url).protocol === 'https:',
    sameSite: 'Strict',
    maxAge: 12 * 3600,
  })
  return c.redirect('/admin', 303)
})

dashboard.post('/logout', (c) => {
  deleteCookie(c, COOKIE, { path: '/admin', secure: new URL(c.req.url).protocol === 'https:' })
  return c.redirect('/admin', 303)
})

dashboard.post('/dead-letters/:id/replay', async (c) => {
  const denied = await guardForm(c, 'operator', 'Sign in again to replay.')
  if (denied) return denied
  const id = Number(c.req.param('id'))
  if (!Number.isSafeInteger(id) || id <= 0) return jsonError(c, 400, 'invalid_request', 'path.id: must be a positive integer')
  const now = new Date()
  const outcome = await replayDeadLetterAudited(c.env, c.get('actor'), id, now)
  const text = outcome.ok ? `Dead letter #${id} replayed: ${outcome.result}.` : outcome.message
  return c.redirect(`/admin?ok=${outcome.ok ? 1 : 0}&replayed=${encodeURIComponent(text)}`, 303)
})

dashboard.post('/live-checks', async (c) => {
  const denied = await guardForm(c, 'operator', 'Sign in again to run the deploy checks.')
  if (denied) return denied
  const report = await runAndKeepLiveChecks(c.env.DB, c.get('config'), new Date())
  const text = report.blockers ? `Deploy checks: ${report.blockers} blocker(s).` : 'Deploy checks: no blocker.'
  return c.redirect(`/admin?ok=${report.blockers ? 0 : 1}&notice=${encodeURIComponent(text)}#getting-started`, 303)
})

dashboard.route('/families', rolloutForms)
