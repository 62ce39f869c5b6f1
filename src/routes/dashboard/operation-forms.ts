import { Hono } from 'hono'
import { bulkReplay, bulkReplayAudited, type BulkReplayFilter } from '../../admin/bulk-replay'
import { ERROR_CLASSES, type ErrorClass } from '../../admin/dead-letter-replay'
import { resumeApiAudited } from '../../admin/pauses'
import { APIS, type Api } from '../../db/api-pauses'
import { ApiError } from '../../http'
import type { AdminEnv } from '../admin/define'
import { noticeLocation } from './notices'
import { guardForm } from './session'

/** The operator's forms: resume paused processing, replay dead letters by filter (audited like the API's). */
export const operationForms = new Hono<AdminEnv>()

operationForms.post('/pauses/:api/resume', async (c) => {
  const denied = await guardForm(c, 'operator', 'Sign in again to resume.')
  if (denied) return denied
  const api = c.req.param('api')
  if (!(APIS as readonly string[]).includes(api)) throw new ApiError(400, 'invalid_request', `path.api: one of ${APIS.join(', ')}`)
  const result = await resumeApiAudited(c.env, c.get('actor'), api as Api, new Date())
  const location = result.resumed
    ? noticeLocation('api_resumed', { api, queued: String(result.handedOver) })
    : noticeLocation('api_not_paused', { api })
  return c.redirect(location, 303)
})

const asParams = (figures: Record<string, number>) => Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, String(v)]))

/** A `datetime-local` value (no zone) read as UTC; empty: no bound. */
function utc(value: unknown): Date | undefined | null {
  if (typeof value !== 'string' || value.trim() === '') return undefined
  const date = new Date(/[zZ]|[+-]\d\d:\d\d$/.test(value) ? value : `${value}Z`)
  return Number.isNaN(date.getTime()) ? null : date
}

operationForms.post('/dead-letters/replay', async (c) => {
  const denied = await guardForm(c, 'operator', 'Sign in again to replay.')
  if (denied) return denied
  const form = await c.req.parseBody()
  const kind: BulkReplayFilter['kind'] = form.kind === 'webhook' || form.kind === 'hubspot' ? form.kind : undefined
  const errorClass = (ERROR_CLASSES as readonly unknown[]).includes(form.errorClass) ? (form.errorClass as ErrorClass) : undefined
  const from = utc(form.from)
  const to = utc(form.to)
  if (from === null || to === null) throw new ApiError(400, 'invalid_request', 'from, to: dates like 2026-12-10T08:00')
  const filter = { kind, errorClass, from, to }
  const now = new Date()
  if (form.action === 'replay') {
    const r = await bulkReplayAudited(c.env, c.get('actor'), filter, now)
    return c.redirect(noticeLocation('dead_letters_replayed', asParams({ replayed: r.replayed, matched: r.matched, skipped: r.skipped, remaining: r.remaining })), 303)
  }
  const r = await bulkReplay(c.env, filter, { dryRun: true, now })
  return c.redirect(noticeLocation('dead_letters_counted', asParams({ matched: r.matched, webhook: r.byKind.webhook, hubspot: r.byKind.hubspot })), 303)
})
