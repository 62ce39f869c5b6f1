import { z } from 'zod'
import { bulkReplay, bulkReplayAudited, MAX_REPLAYED } from '../../admin/bulk-replay'
import { deadLetterView, ERROR_CLASSES, replayDeadLetterAudited } from '../../admin/dead-letter-replay'
import { resumeApiAudited } from '../../admin/pauses'
import { APIS } from '../../db/api-pauses'
import { listDeadLetters } from '../../db/dead-letters'
import { ApiError } from '../../http'
import { route, type AdminRoute } from './define'
import { isoTime, limit } from './fields'

/** What failed and what to do about it: dead letters (one or by filter) and paused APIs. */
const deadLetter = z.object({
  id: z.number().int(),
  source: z.enum(['webhook', 'hubspot']),
  reference: z.string().describe('webhook event id, or <objectType>:<key>'),
  error: z.string(),
  errorClass: z.enum(ERROR_CLASSES).describe('what kind of failure, read from the error (the bulk replay filters on it)'),
  attempts: z.number().int(),
  createdAt: isoTime,
  replayedAt: isoTime.nullable(),
})

export const FAILURE_ROUTES: readonly AdminRoute[] = [
  route({
    method: 'get',
    path: '/dead-letters',
    role: 'viewer',
    summary: 'Dead letters',
    description: 'Webhook events and HubSpot records that failed too often, newest first.',
    query: z.object({
      source: z.enum(['webhook', 'hubspot']).optional(),
      state: z.enum(['open', 'replayed', 'all']).default('open'),
      limit: limit(100, 500),
    }),
    success: { status: 200, description: 'Dead letters', schema: z.object({ deadLetters: z.array(deadLetter) }) },
    async handler(c, { query }) {
      const rows = await listDeadLetters(c.env.DB, query)
      return c.json({ deadLetters: rows.map(deadLetterView) })
    },
  }),
  route({
    method: 'post',
    path: '/dead-letters/replay',
    role: 'operator',
    summary: 'Replay dead letters by filter',
    description:
      'Every open dead letter matching the filter: `kind` (webhook events or HubSpot records), `errorClass` (what ' +
      'failed: `auth` for a refused token or scope, `outage` for 5xx and timeouts, ...), and when it was ' +
      'dead-lettered (`from`, `to`). With `dryRun` only counts. Otherwise webhook events go back into the inbox ' +
      'with a fresh attempt count and to the queue, HubSpot records back to the writer, oldest first, at most ' +
      `${MAX_REPLAYED} per call (\`remaining\` says how many still match: call again). Audited (not a dry run).`,
    body: z
      .object({
        kind: z.enum(['webhook', 'hubspot']).optional().describe('webhook events or HubSpot records; default both'),
        errorClass: z.enum(ERROR_CLASSES).optional().describe('only dead letters of this error class'),
        from: z.iso.datetime({ offset: true }).optional().describe('dead-lettered at or after (ISO-8601)'),
        to: z.iso.datetime({ offset: true }).optional().describe('dead-lettered at or before (ISO-8601)'),
        dryRun: z.boolean().default(false).describe('only count what matches'),
      })
      .strict()
      .refine((b) => !b.from || !b.to || Date.parse(b.from) <= Date.parse(b.to), { message: '`from` must not be after `to`' }),
    audit: 'dead_letter.bulk_replay',
    success: {
      status: 200,
      description: 'What matched and what was replayed',
      schema: z.object({
        dryRun: z.boolean(),
        matched: z.number().int(),
        replayed: z.number().int(),
        skipped: z.number().int().describe('matching ones another replay settled first'),
        remaining: z.number().int().describe('still matching after this call'),
        byKind: z.object({ webhook: z.number().int(), hubspot: z.number().int() }),
        byErrorClass: z.record(z.string(), z.number().int()),
      }),
    },
    async handler(c, { body }) {
      const filter = {
        kind: body.kind,
        errorClass: body.errorClass,
        from: body.from ? new Date(body.from) : undefined,
        to: body.to ? new Date(body.to) : undefined,
      }
      const now = new Date()
      return c.json(body.dryRun ? await bulkReplay(c.env, filter, { dryRun: true, now }) : await bulkReplayAudited(c.env, c.get('actor'), filter, now))
    },
  }),
  route({
    method: 'post',
    path: '/pauses/{api}/resume',
    role: 'operator',
    summary: 'Resume processing paused for an API',
    description:
      'Processing pauses for BigCommerce when it answers 401/403 (token, scope) or a run of 5xx and timeouts, and ' +
      'the HubSpot writer pauses when HubSpot does; a probe resumes by itself once a call succeeds. This resumes ' +
      'at once (after fixing the token): BigCommerce\'s waiting events go to the queue, the HubSpot writer flushes. ' +
      'If the cause remains, the next call pauses it again. `GET /admin/api/status` shows the pauses. Audited.',
    params: z.object({ api: z.enum(APIS) }),
    audit: 'api.resume',
    success: {
      status: 200,
      description: '`resumed` false: it was not paused',
      schema: z.object({ api: z.enum(APIS), resumed: z.boolean(), handedOver: z.number().int().describe('waiting events queued') }),
    },
    async handler(c, { params }) {
      return c.json(await resumeApiAudited(c.env, c.get('actor'), params.api, new Date()))
    },
  }),
  route({
    method: 'post',
    path: '/dead-letters/{id}/replay',
    role: 'operator',
    summary: 'Replay a dead letter',
    description:
      'A webhook event is put back in the inbox and processed at once; a HubSpot record is re-enqueued by the ' +
      'writer. The dead letter is marked replayed. Audited.',
    params: z.object({ id: z.coerce.number().int().positive() }),
    audit: 'dead_letter.replay',
    success: {
      status: 200,
      description: 'Replayed',
      schema: z.object({ id: z.number().int(), source: z.enum(['webhook', 'hubspot']), reference: z.string(), result: z.string() }),
    },
    errors: { 404: 'no such dead letter', 409: 'already replayed' },
    async handler(c, { params }) {
      const outcome = await replayDeadLetterAudited(c.env, c.get('actor'), params.id, new Date())
      if (!outcome.ok) throw new ApiError(outcome.status, outcome.error, outcome.message)
      const { ok: _ok, ...body } = outcome
      return c.json(body)
    },
  }),
]
