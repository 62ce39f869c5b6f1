import { z } from 'zod'
import type { BigCommerceClient } from './bigcommerce-client'

/**
 * The worker's BigCommerce webhook subscriptions (research/bigcommerce.md §1.4–1.5): registered idempotently
 * at `PUBLIC_URL/webhooks/bigcommerce`, with the shared secret as a custom header when one is configured.
 * BigCommerce deactivates a hook after 48 h of failed deliveries (or 90 days idle) and tells nobody but an
 * email address, so health reads `/v3/hooks/admin` and a cron re-enables ours. Nothing returned here carries
 * the hooks' headers: they hold the secret.
 */

/** The scopes the worker subscribes to (contract section 3, `POST /admin/api/setup`). */
export const HOOK_SCOPES = [
  'store/order/*',
  'store/cart/*',
  'store/customer/*',
  'store/product/*',
  'store/sku/*',
  'store/shipment/*',
  'store/subscriber/*',
  // A new, renamed or closed storefront: its links and beacon origins follow at once (the daily sync catches the rest).
  'store/channel/created',
  'store/channel/updated',
] as const

/**
 * B2B Edition's company events (BIGCOMMERCE_B2B=on; registered through the same `/v3/hooks`, with the token's B2B
 * Edition scope), each by the name docs/integrations/webhooks/events/b2b-edition.mdx gives it: the page documents
 * no wildcard, so none is assumed. Bulk-created companies fire none (the daily reconciliation finds them); quotes
 * and super admins are not synced.
 */
export const B2B_HOOK_SCOPES = [
  'store/company/created',
  'store/company/updated',
  'store/company/deleted',
  'store/company/statusUpdated',
  'store/company/user/created',
  'store/company/user/updated',
  'store/company/user/deleted',
  'store/company/address/created',
  'store/company/address/updated',
  'store/company/address/deleted',
] as const

/** The scopes this installation subscribes to. */
export function hookScopes(b2b: boolean): readonly string[] {
  return b2b ? [...HOOK_SCOPES, ...B2B_HOOK_SCOPES] : HOOK_SCOPES
}

export const SECRET_HEADER = 'X-Webhook-Secret'

/** Where the worker receives webhooks, from its public origin. */
export function webhookDestination(publicUrl: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/webhooks/bigcommerce`
}

/**
 * `store/hook/deliveryException` reports deliveries BigCommerce is retrying, gave up on or blocked. It is one
 * per client and its destination must differ from every other hook's: the same route, one path further.
 */
export const DELIVERY_EXCEPTION_SCOPE = 'store/hook/deliveryException'
export const DELIVERY_EXCEPTION_PATH = '/delivery-exceptions'

/** Every hook the worker keeps: each scope with its destination. */
function wantedHooks(destination: string, scopes: readonly string[] = HOOK_SCOPES): { scope: string; destination: string }[] {
  return [
    ...scopes.map((scope) => ({ scope, destination })),
    { scope: DELIVERY_EXCEPTION_SCOPE, destination: `${destination.replace(/\/+$/, '')}${DELIVERY_EXCEPTION_PATH}` },
  ]
}

const hookSchema = z.object({
  id: z.number().int(),
  scope: z.string(),
  destination: z.string(),
  is_active: z.boolean().nullish(),
  /** Only in `/v3/hooks/admin`. */
  status: z.enum(['active', 'inactive', 'deactivated']).nullish(),
  headers: z.record(z.string(), z.string()).nullish(),
  updated_at: z.number().nullish(),
})
type RawHook = z.output<typeof hookSchema>

const adminSchema = z.object({
  data: z.object({
    hooks_list: z.array(hookSchema).nullish(),
    blocked_domains: z
      .array(
        z.object({
          destination: z.string(),
          time_left: z.number().nullish(),
          reasons: z
            .array(
              z.object({
                failure_description: z.string().nullish(),
                count: z.number().nullish(),
                timestamp: z.number().nullish(),
              }),
            )
            .nullish(),
        }),
      )
      .nullish(),
  }),
})

export type HookStatus = 'active' | 'inactive' | 'deactivated'

/** A hook as reported: never its headers. */
export interface HookSummary {
  id: number
  scope: string
  destination: string
  active: boolean
  status: HookStatus
  /** Whether it carries the configured `X-Webhook-Secret` (always true when none is configured). */
  secretHeader: boolean
  updatedAt: string | null
}

export interface RegisterOptions {
  destination: string
  webhookSecret?: string | undefined
  /** Default HOOK_SCOPES (`hookScopes` adds B2B Edition's). */
  scopes?: readonly string[]
}

export interface RegisterResult {
  destination: string
  created: HookSummary[]
  /** Reactivated, or given the current secret header. */
  updated: HookSummary[]
  unchanged: HookSummary[]
}

/**
 * Creates the missing hooks and repairs the existing ones (inactive, or a stale secret header); a second run
 * changes nothing. BigCommerce allows one hook per scope and destination, so that pair is the identity.
 */
export async function registerWebhooks(client: BigCommerceClient, options: RegisterOptions): Promise<RegisterResult> {
  const destination = options.destination
  const headers = options.webhookSecret ? { [SECRET_HEADER]: options.webhookSecret } : null
  const existing = await listHooks(client)
  const result: RegisterResult = { destination, created: [], updated: [], unchanged: [] }

  for (const { scope, destination } of wantedHooks(options.destination, options.scopes)) {
    const hook = existing.find((h) => h.scope === scope && sameDestination(h.destination, destination))
    if (!hook) {
      const created = await client.post('/v3/hooks', { scope, destination, is_active: true, headers })
      result.created.push(summarize(parseOne(created, `create hook ${scope}`), options.webhookSecret))
      continue
    }
    const active = hook.is_active ?? hook.status === 'active'
    const secretOk = hasSecret(hook, options.webhookSecret)
    if (active && secretOk) {
      result.unchanged.push(summarize(hook, options.webhookSecret))
      continue
    }
    // Headers are replaced only when the secret is wrong: a merchant's extra headers survive reactivation.
    const patch = secretOk ? { is_active: true } : { is_active: true, headers: { ...(hook.headers ?? {}), ...headers } }
    const updated = await client.put(`/v3/hooks/${hook.id}`, patch)
    if (updated === null) {
      // Deleted meanwhile: create it again.
      const created = await client.post('/v3/hooks', { scope, destination, is_active: true, headers })
      result.created.push(summarize(parseOne(created, `create hook ${scope}`), options.webhookSecret))
      continue
    }
    result.updated.push(summarize(parseOne(updated, `update hook ${hook.id}`), options.webhookSecret))
  }
  return result
}

export interface BlockedDomain {
  destination: string
  secondsLeft: number
  reasons: { description: string; count: number; at: string | null }[]
}

export interface HooksReport {
  /** The destination checked against, when known (PUBLIC_URL set). */
  destination: string | null
  hooks: HookSummary[]
  /** Our scopes with no hook at the destination. */
  missingScopes: string[]
  /** Our hooks BigCommerce deactivated (the cron re-enables them). */
  deactivated: number
  blockedDomains: BlockedDomain[]
  checkedAt: string
}

export interface HooksReportOptions {
  destination?: string | null
  webhookSecret?: string | undefined
  scopes?: readonly string[]
  now?: Date
}

/**
 * The hooks with their status and denylisted domains (`GET /v3/hooks/admin`). With a destination, only hooks
 * at it are listed and missing scopes are named.
 */
export async function readHooksReport(client: BigCommerceClient, options: HooksReportOptions = {}): Promise<HooksReport> {
  const destination = options.destination ?? null
  const raw = await client.v3('/hooks/admin')
  const admin = raw === null ? { data: {} } : adminSchema.parse(raw)
  const all = (admin.data.hooks_list ?? []).map((h) => summarize(h, options.webhookSecret))
  const wanted = destination ? wantedHooks(destination, options.scopes) : []
  const hooks = destination ? all.filter((h) => wanted.some((w) => sameDestination(h.destination, w.destination))) : all
  const now = options.now ?? new Date()
  return {
    destination,
    hooks,
    missingScopes: wanted
      .filter((w) => !hooks.some((h) => h.scope === w.scope && sameDestination(h.destination, w.destination)))
      .map((w) => w.scope),
    deactivated: hooks.filter((h) => h.status === 'deactivated').length,
    blockedDomains: (admin.data.blocked_domains ?? []).map((b) => ({
      destination: b.destination,
      secondsLeft: b.time_left ?? 0,
      reasons: (b.reasons ?? []).map((r) => ({
        description: r.failure_description ?? '',
        count: r.count ?? 0,
        at: r.timestamp ? new Date(r.timestamp * 1000).toISOString() : null,
      })),
    })),
    checkedAt: now.toISOString(),
  }
}

/** Re-enables hooks at `destination` that BigCommerce deactivated. Returns the ids re-enabled. */
export async function reactivateHooks(client: BigCommerceClient, health: Pick<HooksReport, 'hooks'>): Promise<number[]> {
  const reenabled: number[] = []
  for (const hook of health.hooks) {
    if (hook.status !== 'deactivated') continue
    const updated = await client.put(`/v3/hooks/${hook.id}`, { is_active: true })
    if (updated !== null) reenabled.push(hook.id)
  }
  return reenabled
}

async function listHooks(client: BigCommerceClient): Promise<RawHook[]> {
  const hooks: RawHook[] = []
  for await (const page of client.v3List('/hooks')) hooks.push(...z.array(hookSchema).parse(page.items))
  return hooks
}

function parseOne(body: unknown, what: string): RawHook {
  const parsed = z.object({ data: hookSchema }).safeParse(body)
  if (!parsed.success) throw new Error(`BigCommerce ${what}: unexpected response`)
  return parsed.data.data
}

function summarize(hook: RawHook, secret: string | undefined): HookSummary {
  const status: HookStatus = hook.status ?? (hook.is_active === false ? 'inactive' : 'active')
  return {
    id: hook.id,
    scope: hook.scope,
    destination: hook.destination,
    active: hook.is_active ?? status === 'active',
    status,
    secretHeader: hasSecret(hook, secret),
    updatedAt: hook.updated_at ? new Date(hook.updated_at * 1000).toISOString() : null,
  }
}

function hasSecret(hook: RawHook, secret: string | undefined): boolean {
  if (!secret) return true
  const entry = Object.entries(hook.headers ?? {}).find(([name]) => name.toLowerCase() === SECRET_HEADER.toLowerCase())
  return entry?.[1] === secret
}

function sameDestination(a: string, b: string): boolean {
  return a.replace(/\/+$/, '') === b.replace(/\/+$/, '')
}
