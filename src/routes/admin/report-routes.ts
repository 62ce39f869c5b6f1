import { z } from 'zod'
import {
  attributionReportFor,
} from '../../admin/operator-actions'
import { outcomesReport } from '../../admin/outcomes-report'
import { qualityReport } from '../../admin/quality-report'
import { rangeQueryShape, resolveRange } from '../../admin/range'
import { HubSpotReadError, reconciliationClient, reconcile } from '../../upkeep/order-reconciliation'
import { listAudit } from '../../db/audit'
import { listDecisions } from '../../db/operations'
import { normalizeEmail } from '../../domain/identity-keys'
import { TRIGGERS } from '../../domain/model'
import { ApiError } from '../../http'
import { route, type AdminRoute } from './define'
import { isoTime, limit, storefrontQuery } from './fields'

/** Reports: automation decisions, data quality, reconciliation, attribution, outcomes and the audit log. */
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

export const REPORT_ROUTES: readonly AdminRoute[] = [
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
      if (!range.ok) throw new ApiError(400, 'invalid_request', range.message)
      try {
        return c.json(await reconcile(c.env.DB, reconciliationClient(c.get('config')), range, new Date()))
      } catch (err) {
        if (err instanceof HubSpotReadError) throw new ApiError(502, 'hubspot_unavailable', err.message)
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
      if (!range.ok) throw new ApiError(400, 'invalid_request', range.message)
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
      if (!range.ok) throw new ApiError(400, 'invalid_request', range.message)
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
]
