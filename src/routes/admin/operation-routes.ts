import { z } from 'zod'
import { audited } from '../../admin/audited-change'
import {
  checkConsentWriteBackScope,
  checkSupportTickets,
  historyBackfillStatus,
  hubspotWriterStatus,
  registerStoreWebhooks,
  runHubSpotSetup,
  setUpAudienceLists,
  startHistoryBackfill,
  syncStoreChannels,
} from '../../admin/operator-actions'
import { runAndKeepLiveChecks } from '../../admin/live-checks'
import { replaceOverridesAudited } from '../../admin/override-changes'
import { settle, syncStatus } from '../../admin/sync-status'
import { checkB2BAccess } from '../../companies/report'
import { readOverrides } from '../../db/overrides'
import { overridesSchema } from '../../domain/operator-overrides'
import { ApiError } from '../../http'
import type { SetupResult } from '../../hubspot/setup'
import { route, type AdminRoute } from './define'
import { isoTime } from './fields'

function setupSummary(setup: SetupResult | null | undefined) {
  if (!setup) return null
  const { available: _available, ...rest } = setup
  return rest
}

/** Setting up and running the sync: HubSpot and webhook setup, the backfill, status, live checks. */
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
        throw new ApiError(502, 'setup_failed', err instanceof Error ? err.message : String(err))
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
]

/** The configuration overrides an admin may set. */
export const OVERRIDE_ROUTES: readonly AdminRoute[] = [
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
