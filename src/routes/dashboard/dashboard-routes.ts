import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { roleAllows } from '../../admin/auth'
import { deadLetterView, replayDeadLetterAudited, type ReplayOutcome } from '../../admin/dead-letter-replay'
import { duplicateReview } from '../../admin/duplicate-review'
import { outcomesReport } from '../../admin/outcomes-report'
import { qualityReport } from '../../admin/quality-report'
import { reconciliationClient, recentReconciliation } from '../../upkeep/order-reconciliation'
import { rolloutReport } from '../../admin/rollout-report'
import { endSession, openSessions, revokeSessionAudited, startSession } from '../../admin/dashboard-sessions'
import { runAndKeepLiveChecks } from '../../admin/live-checks'
import { settle, syncStatus } from '../../admin/sync-status'
import { storefrontsReport } from '../../admin/storefronts-report'
import { attributionReportFor } from '../../admin/operator-actions'
import { companiesReport } from '../../companies/report'
import { listDeadLetters } from '../../db/dead-letters'
import { listDecisions } from '../../db/operations'
import { ApiError, jsonError } from '../../http'
import type { AdminEnv } from '../admin/define'
import { revenueByChannel } from './chart'
import { eraseForm } from './erase-form'
import { duplicateForms } from './duplicate-forms'
import { noticeFromQuery, noticeLocation, type NoticeCode } from './notices'
import { operationForms } from './operation-forms'
import { rolloutForms } from './rollout-forms'
import { clearSessionCookie, cookieActor, dropLegacyTokenCookie, sessionSecret, setSessionCookie } from '../admin/session-cookie'
import { attemptToken } from '../admin/token-attempt'
import { crossOrigin, guardForm, sameOrigin } from './session'
import { renderDashboard, renderLogin } from './view'

/** `/admin`: the dashboard, rendered on the server (sign-in and form posts: ./session.ts). */
export const dashboard = new Hono<AdminEnv>()

dashboard.get('/', async (c) => {
  dropLegacyTokenCookie(c)
  const actor = await cookieActor(c, c.env.DB, c.get('config'))
  if (!actor) return c.html(renderLogin(null), 401)
  c.set('actor', actor)
  const now = new Date()
  const db = c.env.DB
  const lastMonth = { from: new Date(now.getTime() - 30 * 86_400_000), to: now }
  const config = c.get('config')
  const maxPhoneGroup = config.DUPLICATE_PHONE_MAX_GROUP
  const [status, quality, duplicates, reconciliation, revenue, decisions, deadLetters, rollout, outcomes, storefronts, companies] = await Promise.all([
    syncStatus(c.env, c.get('config'), now),
    qualityReport(db, now, 30, maxPhoneGroup),
    settle(() => duplicateReview(db, maxPhoneGroup, 20)),
    settle(() => recentReconciliation(db, reconciliationClient(c.get('config')), now), 8_000),
    settle(async () => revenueByChannel((await attributionReportFor(c.env, lastMonth, 'order')).rows)),
    listDecisions(db, undefined, 15),
    listDeadLetters(db, { state: 'open', limit: 25 }),
    settle(() => rolloutReport(c.env, c.get('config'), now)),
    settle(() => outcomesReport(db, lastMonth)),
    settle(() => storefrontsReport(c.env, now)),
    config.BIGCOMMERCE_B2B ? settle(() => companiesReport(c.env, config, 15)) : null,
  ])
  const sessions = roleAllows(actor.role, 'admin') ? { current: actor.sessionId, open: await openSessions(db, now.getTime()) } : null
  c.header('Cache-Control', 'no-store')
  return c.html(
    renderDashboard({
      now, actor, notice: noticeFromQuery(c.req.query()), status, quality, duplicates, reconciliation, revenue, decisions,
      deadLetters: deadLetters.map(deadLetterView), rollout, outcomes, storefronts, sessions, companies,
    }),
  )
})

// Sign-in: from this site's page only, a body of at most 4 KiB (checked before it is read), the token
// exchanged for a server-side session; failed attempts are rate limited per client (../admin/token-attempt.ts).
dashboard.post(
  '/login',
  async (c, next) => (sameOrigin(c) ? next() : crossOrigin(c)),
  bodyLimit({ maxSize: 4 * 1024, onError: (c) => jsonError(c, 413, 'payload_too_large', 'a sign-in form is at most 4 KiB') }),
  async (c) => {
    const form = await c.req.parseBody()
    const token = typeof form.token === 'string' ? form.token.trim() : ''
    const attempt = await attemptToken(c, c.env, c.get('config'), token || null)
    if (!attempt.ok) return attempt.refusal ?? c.html(renderLogin('That token is not valid.'), 401)
    const now = Date.now()
    // A browser signing in again leaves no older session of its own behind.
    await endSession(c.env.DB, sessionSecret(c), now)
    const { secret } = await startSession(c.env.DB, attempt.actor, c.req.header('user-agent') ?? null, now)
    setSessionCookie(c, secret)
    return c.redirect('/admin', 303)
  },
)

dashboard.post('/logout', async (c) => {
  if (!sameOrigin(c)) return crossOrigin(c)
  await endSession(c.env.DB, sessionSecret(c), Date.now())
  clearSessionCookie(c)
  return c.redirect('/admin', 303)
})

dashboard.post('/dead-letters/:id/replay', async (c) => {
  const denied = await guardForm(c, 'operator', 'Sign in again to replay.')
  if (denied) return denied
  const id = Number(c.req.param('id'))
  if (!Number.isSafeInteger(id) || id <= 0) throw new ApiError(400, 'invalid_request', 'path.id: must be a positive integer')
  const now = new Date()
  const outcome = await replayDeadLetterAudited(c.env, c.get('actor'), id, now)
  return c.redirect(noticeLocation(replayNotice(outcome), { id: String(id) }), 303)
})

function replayNotice(outcome: ReplayOutcome): NoticeCode {
  if (!outcome.ok) return outcome.status === 404 ? 'dead_letter_not_found' : 'dead_letter_not_replayable'
  if (outcome.source === 'hubspot') return 'dead_letter_queued'
  return outcome.result === 'processed' ? 'dead_letter_processed' : 'dead_letter_failed_again'
}

dashboard.post('/sessions/:id/revoke', async (c) => {
  const denied = await guardForm(c, 'admin', 'Sign in again to revoke a session.')
  if (denied) return denied
  const revoked = await revokeSessionAudited(c.env.DB, c.get('actor'), c.req.param('id'), new Date())
  return c.redirect(noticeLocation(revoked ? 'session_revoked' : 'session_not_found'), 303)
})

dashboard.post('/live-checks', async (c) => {
  const denied = await guardForm(c, 'operator', 'Sign in again to run the deploy checks.')
  if (denied) return denied
  const report = await runAndKeepLiveChecks(c.env.DB, c.get('config'), new Date())
  const notice = report.blockers ? noticeLocation('live_checks_blocked', { blockers: String(report.blockers) }) : noticeLocation('live_checks_passed')
  return c.redirect(`${notice}#getting-started`, 303)
})

dashboard.route('/families', rolloutForms)
dashboard.route('/erase', eraseForm)
dashboard.route('/', operationForms)
dashboard.route('/duplicates', duplicateForms)
