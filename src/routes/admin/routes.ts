import { z } from 'zod'
import { audited } from '../../admin/audit'
import { bulkReplay, bulkReplayAudited, MAX_REPLAYED } from '../../admin/bulk-replay'
import { deadLetterView, ERROR_CLASSES, replayDeadLetterAudited } from '../../admin/dead-letters'
import { eraseAudited } from '../../admin/erasure'
import { resumeApiAudited } from '../../admin/pauses'
import { APIS } from '../../db/api-pauses'
import {
  attributionReportFor,
  checkConsentWriteBackScope,
  checkSupportTickets,
  historyBackfillStatus,
  hubspotWriterStatus,
  registerStoreWebhooks,
  runHubSpotSetup,
  setUpAudienceLists,
  startHistoryBackfill,
  syncStoreChannels,
} from '../../admin/operations'
import { runAndKeepLiveChecks } from '../../admin/live-checks'
import { outcomesReport } from '../../admin/outcomes'
import { overridesSchema, readOverrides, replaceOverridesAudited } from '../../admin/overrides'
import { qualityReport } from '../../admin/quality'
import { rangeQueryShape, resolveRange } from '../../admin/range'
import { HubSpotReadError, hubspotClient, reconcile } from '../../admin/reconciliation'
import { settle, syncStatus } from '../../admin/status'
import { checkB2BAccess } from '../../companies/report'
import { listAudit } from '../../db/audit'
import { listDeadLetters, listDecisions } from '../../db/operations'
import { normalizeEmail } from '../../domain/identity'
import { TRIGGERS } from '../../domain/model'
import { jsonError } from '../../http'
import type { SetupResult } from '../../hubspot/setup'
import { route, type AdminRoute } from './define'

/** The admin API (contract section 3), one entry per route. The OpenAPI document is generated from this. */

const isoTime = z.string().describe('ISO-8601 UTC')
const DECISION_KINDS = ['fired', 'deferred', 'suppressed', 'cancelled', 'shadowed'] as const
const decision = z.object({
  email: z.string(),
  trigger: z.enum(TRIGGERS),
  decision: z.enum(DECISION_KINDS),
  reason: z.string(),
  at: isoTime,
  shadow: z
    .object({
      outcome: z.enum(['fired', 'deferred', 'suppressed', 'cancelled']).describe('what a live family would have done'),
      wouldWrite: z.record(z.string(), z.unknown()).nullable().describe('the contact properties it would have written'),
    })
    .optional()
    .describe('with `shadowed`: the family is in shadow mode'),
})
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
const auditRecord = z.object({
  id: z.number().int(),
  at: isoTime,
  who: z.object({ role: z.enum(['viewer', 'operator', 'admin']), fingerprint: z.string().describe('keyed HMAC fingerprint of the token (16 hex), never a plain hash') }),
  action: z.string(),
  target: z.string().nullable(),
  outcome: z.enum(['ok', 'failed']),
  before: z.unknown(),
  after: z.unknown(),
})
const limit = (fallback: number, max: number) =>
  z.coerce.number().int().min(1).max(max).default(fallback).describe(`At most this many (1 to ${max})`)

/** A report's storefront filter: a BigCommerce channel id (GET /admin/api/storefronts lists them). */
const storefrontQuery = z.coerce
  .number()
  .int()
  .positive()
  .optional()
  .describe('Only this storefront: a BigCommerce channel id (see /storefronts); orders without a channel count as 1')

function setupSummary(setup: SetupResult | null | undefined) {
  if (!setup) return null
  const { available: _available, ...rest } = setup
  return rest
}

export const ADMIN_ROUTES: readonly AdminRoute[] = [
  route({
    method: 'post',
    path: '/setup',
    role: 'admin',
    summary: 'Set up HubSpot and register the BigCommerce webhooks',
    description:
      'Idempotently creates the HubSpot property group, properties and unique keys (through the HubSpot writer), ' +
      'and, when PUBLIC_URL is set, registers the BigCommerce webhooks at PUBLIC_URL/webhooks/bigcommerce with the ' +
      'X-Webhook-Secret header. Also reads the open support tickets now (`supportTickets`): a token without the ' +
      'tickets scope is reported there, and suppression by tickets is then off. Creates the audiences as HubSpot ' +
      'active lists (`lists`, found again by name, never duplicated); a list edited in HubSpot is left as it is ' +
      'and reported as drifted, unless `repairLists` is true. A token without list access is reported there. Reads ' +
      "the store's channels with their sites and currencies first (`storefronts`; the daily sync's work), so a store " +
      'with several storefronts gets a list per storefront. With ' +
      'BIGCOMMERCE_B2B=on it also sets up HubSpot companies (`bc_company_id` and the company properties), registers ' +
      "B2B Edition's company webhooks and checks the token can read B2B Edition (`b2b`). With CONSENT_WRITE_BACK=on, " +
      'checks that the BigCommerce token may update customers (`consentWriteBack`). Audited.',
    body: z
      .object({ repairLists: z.boolean().optional().describe('put lists edited in HubSpot back to our definition') })
      .strict()
      .optional(),
    audit: 'setup',
    success: {
      status: 200,
      description: '`{hubspot: SetupResult, webhooks, supportTickets, storefronts, lists, b2b, consentWriteBack}`; `hubspot.ok` false names what failed',
    },
    errors: { 502: 'the HubSpot writer could not run setup' },
    async handler(c, { body }) {
      const env = c.env
      const before = await settle(() => hubspotWriterStatus(env))
      try {
        const result = await audited(
          env.DB,
          { actor: c.get('actor'), action: 'setup', target: null, before: { hubspot: before.ok ? setupSummary(before.value.setup) : null } },
          async () => {
            const hubspot = await runHubSpotSetup(env, c.get('config'))
            const webhooks = await settle(() => registerStoreWebhooks(c.get('config')), 25_000)
            const supportTickets = await settle(() => checkSupportTickets(env), 25_000)
            const storefronts = await settle(() => syncStoreChannels(env), 25_000)
            const lists = await settle(() => setUpAudienceLists(env, body?.repairLists ?? false), 25_000)
            const b2b = await settle(() => checkB2BAccess(c.get('config')), 15_000)
            const consentWriteBack = await settle(() => checkConsentWriteBackScope(env, c.get('config')), 25_000)
            return {
              hubspot,
              webhooks: webhooks.ok ? webhooks.value : { error: webhooks.error },
              supportTickets: supportTickets.ok ? supportTickets.value : { error: supportTickets.error },
              storefronts: storefronts.ok ? storefronts.value : { error: storefronts.error },
              lists: lists.ok ? lists.value : { error: lists.error },
              b2b: b2b.ok ? b2b.value : { error: b2b.error },
              consentWriteBack: consentWriteBack.ok ? consentWriteBack.value : { error: consentWriteBack.error },
            }
          },
          (r) => ({
            hubspot: setupSummary(r.hubspot),
            webhooks: r.webhooks,
            supportTickets: r.supportTickets,
            storefronts: r.storefronts,
            lists: r.lists,
            b2b: r.b2b,
            consentWriteBack: r.consentWriteBack,
          }),
        )
        return c.json(result)
      } catch (err) {
        return jsonError(c, 502, 'setup_failed', err instanceof Error ? err.message : String(err))
      }
    },
  }),
  route({
    method: 'post',
    path: '/backfill',
    role: 'operator',
    summary: 'Import history',
    description:
      'Imports customers, products and orders (with line items and refunds) created since `since` (default: all ' +
      'history) through the same model and writer as live events. Imported history fires no trigger. Audited.',
    body: z
      .object({
        since: z
          .union([z.iso.date(), z.iso.datetime({ offset: true })])
          .optional()
          .describe('ISO-8601 date or datetime: records changed since then; default all history'),
      })
      .strict()
      .optional(),
    audit: 'backfill.start',
    success: { status: 202, description: 'The backfill started (or resumed)', schema: z.object({ id: z.string() }) },
    async handler(c, { body }) {
      const env = c.env
      const since = body?.since
      const before = await settle(() => historyBackfillStatus(env))
      const started = await audited(
        env.DB,
        { actor: c.get('actor'), action: 'backfill.start', target: since ?? 'all history', before: before.ok ? before.value : null },
        () => startHistoryBackfill(env, since, (p) => c.executionCtx.waitUntil(p)),
        (r) => ({ id: r.id, since: since ?? null }),
      )
      return c.json({ id: started.id }, 202)
    },
  }),
  route({
    method: 'get',
    path: '/status',
    role: 'viewer',
    summary: 'Sync health',
    description:
      'Health with the problems that need attention, webhook queue depths and dead letters, the HubSpot writer ' +
      '(queue, last success, error counts, paused objects, missing properties), webhook health including ' +
      'deactivated BigCommerce hooks, and `backfill: {state, done, total, ...}`.',
    success: {
      status: 200,
      description: 'The sync status',
      schema: z.looseObject({
        health: z.enum(['ok', 'attention']),
        problems: z.array(z.string()),
        checkedAt: isoTime,
        queue: z.looseObject({}),
        hubspot: z.looseObject({}),
        webhooks: z.unknown(),
        backfill: z.unknown(),
      }),
    },
    async handler(c) {
      return c.json(await syncStatus(c.env, c.get('config'), new Date()))
    },
  }),
  route({
    method: 'post',
    path: '/live-checks',
    role: 'operator',
    summary: 'Run the deploy checks now',
    description:
      "The read-only checks of `npm run check:live` against the configured HubSpot portal and BigCommerce store: the " +
      "token's scopes, properties and groups, association types, lists, custom events, BigCommerce reads and rate-limit " +
      'headers. Kept for the dashboard and `GET /admin/api/status` (`liveChecks`). `blockers` counts the failures that ' +
      'would break a deploy.',
    success: {
      status: 200,
      description: '`{ranAt, blockers, checks: [{platform, id, label, level: pass|warn|fail, detail}]}`',
      schema: z.object({
        ranAt: isoTime,
        blockers: z.number().int(),
        checks: z.array(z.object({ platform: z.string(), id: z.string(), label: z.string(), level: z.enum(['pass', 'warn', 'fail']), detail: z.string() })),
      }),
    },
    async handler(c) {
      return c.json(await runAndKeepLiveChecks(c.env.DB, c.get('config'), new Date()))
    },
  }),
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
      if (!outcome.ok) return jsonError(c, outcome.status, outcome.error, outcome.message)
      const { ok: _ok, ...body } = outcome
      return c.json(body)
    },
  }),
  route({
    method: 'post',
    path: '/erase',
    role: 'admin',
    summary: 'Erase a person',
    description:
      'Erases the person with this email (a data subject request): their rows in every D1 table (contact, ' +
      'identities, storefront visitors and touches, attribution, carts, decisions, dead letters), their contact\'s ' +
      'Durable Object storage, and the HubSpot writer\'s pending work and ids for them. Orders are kept as the ' +
      "store's financial records with email, customer and cart cleared. With HUBSPOT_ERASE=on, HubSpot's GDPR " +
      'delete is asked for the contact (through the writer). A tombstone (a keyed hash of the email) keeps a ' +
      'backfill or replay of their history from bringing them back; a new order or sign-up starts a new ' +
      'relationship. Answers what was removed, counted. Audited with the keyed fingerprint, never the email. ' +
      'Safe to repeat.',
    body: z.object({ email: z.string().trim().min(3).max(320).describe('the person\'s email, any case') }).strict(),
    audit: 'erase',
    success: {
      status: 200,
      description: 'What was removed, kept and redacted, counted, and what HubSpot answered',
      schema: z.looseObject({
        person: z.string().describe('the keyed fingerprint, first 16 hex'),
        tombstone: z.enum(['created', 'renewed']),
        removed: z.looseObject({ database: z.record(z.string(), z.number()), contactStorage: z.number(), hubspotWriter: z.record(z.string(), z.number()) }),
        kept: z.object({ ordersUnlinked: z.number(), deadLettersUnlinked: z.number() }),
        redacted: z.record(z.string(), z.number()),
        hubspot: z.looseObject({ requested: z.boolean() }),
      }),
    },
    errors: { 503: 'no key for the fingerprint (ERASURE_KEY, or a BigCommerce client or webhook secret)' },
    async handler(c, { body }) {
      const outcome = await eraseAudited(c.env, c.get('config'), c.get('actor'), body.email, new Date())
      if (!outcome.ok) return jsonError(c, outcome.status, outcome.error, outcome.message)
      return c.json(outcome.answer)
    },
  }),
  route({
    method: 'get',
    path: '/decisions',
    role: 'viewer',
    summary: 'Trigger decisions',
    description:
      'Every trigger decision (fired, deferred, suppressed, cancelled) with its reason, newest first, and what ' +
      'families in shadow mode would have done (`shadowed`, with the properties they would have written).',
    query: z.object({
      email: z.string().trim().min(1).optional().describe('A contact; normalized (trimmed, lower-cased)'),
      decision: z.enum(DECISION_KINDS).optional().describe('Only decisions of this kind'),
      limit: limit(100, 1000),
    }),
    success: { status: 200, description: 'Decisions', schema: z.array(decision) },
    async handler(c, { query }) {
      const email = query.email === undefined ? undefined : (normalizeEmail(query.email) ?? query.email)
      return c.json(await listDecisions(c.env.DB, email, query.limit, query.decision))
    },
  }),
  route({
    method: 'get',
    path: '/quality',
    role: 'viewer',
    summary: 'Data-quality figures',
    description:
      'Order-to-contact match rate (target above 95%), duplicate contact rate as the playbook counts it (below 2% a ' +
      'month: contacts sharing a normalized email or phone, or a customer id; overall and `byMonth`, with ' +
      '`definition`; the groups are listed by GET /duplicates) and event latency percentiles (p50, p90, p95, ' +
      "p99) from the webhook's created_at to the order's first accepted HubSpot write, live events only (orders the " +
      'backfill wrote first do not count; 99th percentile under 15 minutes), each with its target ' +
      'and whether it is met (null: nothing to measure).',
    query: z.object({ days: z.coerce.number().int().min(1).max(365).default(30).describe('Window for orders and latency') }),
    success: { status: 200, description: 'The figures' },
    async handler(c, { query }) {
      return c.json(await qualityReport(c.env.DB, new Date(), query.days, c.get('config').DUPLICATE_PHONE_MAX_GROUP))
    },
  }),
  route({
    method: 'get',
    path: '/reconciliation',
    role: 'viewer',
    summary: 'Store against HubSpot',
    description:
      "Net revenue and order counts per currency for orders created in the range: the store side from D1 orders " +
      '(every order the worker hydrated from BigCommerce), the HubSpot side read by bc_order_id, and the orders ' +
      'that differ (missing in HubSpot, different net revenue or total).',
    query: z.object(rangeQueryShape),
    success: { status: 200, description: 'The reconciliation' },
    errors: { 502: 'HubSpot could not be read' },
    async handler(c, { query }) {
      const range = resolveRange(query, new Date())
      if (!range.ok) return jsonError(c, 400, 'invalid_request', range.message)
      try {
        return c.json(await reconcile(c.env.DB, hubspotClient(c.get('config')), range, new Date()))
      } catch (err) {
        if (err instanceof HubSpotReadError) return jsonError(c, 502, 'hubspot_unavailable', err.message)
        throw err
      }
    },
  }),
  route({
    method: 'get',
    path: '/attribution',
    role: 'viewer',
    summary: 'Revenue by channel, source and campaign',
    description:
      "Paid orders created in the range and their net revenue (store base currency), by the model's channel, source " +
      "and campaign, next to the store's own figures. With `storefront`: only the orders of that BigCommerce channel.",
    query: z.object({
      ...rangeQueryShape,
      model: z.enum(['first', 'last', 'order']).default('order').describe('first touch, last touch, or the credited touch'),
      storefront: storefrontQuery,
    }),
    success: { status: 200, description: 'The attribution report' },
    async handler(c, { query }) {
      const range = resolveRange(query, new Date())
      if (!range.ok) return jsonError(c, 400, 'invalid_request', range.message)
      return c.json(await attributionReportFor(c.env, range, query.model, query.storefront))
    },
  }),
  route({
    method: 'get',
    path: '/outcomes',
    role: 'viewer',
    summary: 'Outcome of each trigger family, per week',
    description:
      'Per trigger family and ISO week: triggers fired, how many were followed by a paid order of the contact within ' +
      "the family's window (abandoned cart 7 days, and whether the cart itself became an order; post-purchase a second " +
      'order within 60 days of the first; winback 30 days; ...), the conversion rate and the revenue of those orders ' +
      "(store base currency, in its minor units), and the same for contacts whose trigger was suppressed or capped: " +
      "an observational comparison group, not a controlled test. With the playbook's reference ranges. With " +
      '`storefront`: the triggers of contacts who ordered or kept a cart on that storefront, converted by its orders only.',
    query: z.object({ ...rangeQueryShape, storefront: storefrontQuery }),
    success: { status: 200, description: 'The outcomes report' },
    async handler(c, { query }) {
      const range = resolveRange(query, new Date())
      if (!range.ok) return jsonError(c, 400, 'invalid_request', range.message)
      return c.json(await outcomesReport(c.env.DB, { ...range, storefront: query.storefront }))
    },
  }),
  route({
    method: 'get',
    path: '/audit',
    role: 'viewer',
    summary: 'Audit log',
    description: 'Who changed what, when, before and after, newest first. `before` pages back by entry id.',
    query: z.object({ limit: limit(100, 500), before: z.coerce.number().int().positive().optional() }),
    success: { status: 200, description: 'Entries', schema: z.object({ entries: z.array(auditRecord) }) },
    async handler(c, { query }) {
      return c.json({ entries: await listAudit(c.env.DB, query.limit, query.before) })
    },
  }),
  route({
    method: 'get',
    path: '/overrides',
    role: 'viewer',
    summary: 'Configuration overrides',
    description: 'The channel rules, marketing cap and trigger family overrides in force (empty: the configuration applies).',
    success: { status: 200, description: 'The overrides', schema: overridesSchema },
    async handler(c) {
      return c.json(await readOverrides(c.env.DB))
    },
  }),
  route({
    method: 'put',
    path: '/overrides',
    role: 'admin',
    summary: 'Replace the configuration overrides',
    description: 'Replaces the whole override document; `{}` removes every override. Audited.',
    body: overridesSchema,
    audit: 'overrides.update',
    success: { status: 200, description: 'The overrides now in force', schema: overridesSchema },
    async handler(c, { body }) {
      return c.json(await replaceOverridesAudited(c.env.DB, c.get('actor'), body, new Date()))
    },
  }),
]
