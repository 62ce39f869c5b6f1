import { checkCustomersWriteScope } from '../bigcommerce/consent-write-back'
import { webhookDestination } from '../bigcommerce/hooks'
import { ORDER_INCLUDES } from '../bigcommerce/order-reads'
import { BIGCOMMERCE_SCOPES } from '../bigcommerce/bigcommerce-scopes'
import type { Config } from '../config'
import { readState, writeState } from '../db/sync-state'
import type { HubSpotClient, RemotePropertyDefinition } from '../hubspot/hubspot-client'
import { OPT_OUT_ALL, optOutProperty } from '../hubspot/consent/opt-out-reads'
import { LIST_NAME_PREFIX } from '../hubspot/lists'
import type { ListSearchBody } from '../hubspot/models'
import { ASSOCIATIONS, customProperties, hubspotProperties, PROPERTY_GROUP } from '../hubspot/properties'
import { OBJECT_TYPES, OPTIONAL_OBJECT_TYPES, type HubSpotObjectType } from '../hubspot/records'
import { missingScopes } from '../hubspot/hubspot-scopes'
import { b2bClient, bigCommerceClient, hubspotClient } from '../clients'
import type { CheckLevel, LiveCheck, LiveCheckReport } from './live-check-report'
import { writeRoundTrip } from './live-write-check'

export type { LiveCheckReport }

/**
 * What a deploy depends on, checked against the real HubSpot portal and BigCommerce store the worker is
 * configured for: `npm run check:live` prints these as one table (non-zero exit on a blocker), and the
 * dashboard's getting-started panel shows the last run. Read-only unless `write` (a test portal): then one
 * record of each object type is created with its associations, read back and archived.
 */
export async function runLiveChecks(config: Config, options: { now: Date; write?: boolean }): Promise<LiveCheckReport> {
  const hubspot = hubspotClient(config, { timeoutMs: 15_000 })
  const checks = [
    ...(await hubspotChecks(hubspot, config)),
    ...(await bigcommerceChecks(config)),
    publicUrlCheck(config),
    ...(options.write ? await writeRoundTrip(hubspot, options.now, writtenObjectTypes(config), writtenAssociations(config)) : []),
  ]
  return { ranAt: options.now.toISOString(), blockers: checks.filter((c) => c.level === 'fail').length, checks }
}

/** The objects this installation writes: companies only with BIGCOMMERCE_B2B=on. */
function writtenObjectTypes(config: Config): HubSpotObjectType[] {
  return OBJECT_TYPES.filter((type) => config.BIGCOMMERCE_B2B || !OPTIONAL_OBJECT_TYPES.includes(type))
}

/** The association types the writer uses between those objects. */
function writtenAssociations(config: Config): typeof ASSOCIATIONS {
  const types = writtenObjectTypes(config)
  return ASSOCIATIONS.filter((a) => a.typeId > 0 && types.includes(a.from) && types.includes(a.to))
}

const row = (platform: LiveCheck['platform'], id: string, label: string, level: CheckLevel, detail: string): LiveCheck => ({
  platform,
  id,
  label,
  level,
  detail,
})

async function hubspotChecks(client: HubSpotClient, config: Config): Promise<LiveCheck[]> {
  const checks: LiveCheck[] = []
  const hs = (id: string, label: string, level: CheckLevel, detail: string) => checks.push(row('hubspot', id, label, level, detail))

  const info = await client.request<{ scopes?: string[]; hubId?: number }>('POST', '/oauth/v2/private-apps/get/access-token-info', {
    tokenKey: config.HUBSPOT_ACCESS_TOKEN,
  })
  if (!info.ok) {
    const level = info.status === 401 ? 'fail' : 'warn'
    hs('scopes', 'Token and scopes', level, `the token's scopes could not be read (${info.status || 'no answer'}): ${info.error.message}`)
  } else {
    const { required, optional } = missingScopes(info.data.scopes ?? [], { b2b: config.BIGCOMMERCE_B2B })
    const portal = info.data.hubId ? ` (portal ${info.data.hubId})` : ''
    if (required.length) hs('scopes', 'Token and scopes', 'fail', `missing required scopes: ${required.map((s) => `${s.scope} (${s.why})`).join('; ')}`)
    else hs('scopes', 'Token and scopes', optional.length ? 'warn' : 'pass', optional.length ? `all required${portal}; without ${optional.map((s) => `${s.scope} (${s.why})`).join('; ')}` : `every scope granted${portal}`)
  }

  let rateHeaders = false
  for (const objectType of writtenObjectTypes(config)) {
    const [groups, listed] = [await client.listGroups(objectType), await client.listProperties(objectType)]
    if (!listed.ok || !groups.ok) {
      const error = (!listed.ok ? listed : groups) as { status: number; error: { message: string } }
      hs(`properties.${objectType}`, `${objectType} properties`, 'fail', `could not be read (${error.status}): ${error.error.message}`)
      continue
    }
    rateHeaders ||= listed.rateLimit.max !== undefined && listed.rateLimit.remaining !== undefined
    const existing = new Map(listed.data.results.map((p) => [p.name, p]))
    const { level, detail } = propertyVerdict(existing, objectType, groups.data.results.some((g) => g.name === PROPERTY_GROUP.name))
    hs(`properties.${objectType}`, `${objectType} properties and group`, level, detail)
    if (objectType === 'contacts') {
      const consent = consentVerdict(existing, config.HUBSPOT_MARKETING_SUBSCRIPTION_TYPES)
      hs('consent', 'Unsubscribe properties (consent from HubSpot)', consent.level, consent.detail)
    }
  }

  const wrongLabels: string[] = []
  const associations = writtenAssociations(config)
  for (const association of associations) {
    const labels = await client.request<{ results?: { category?: string; typeId?: number }[] }>(
      'GET',
      `/crm/v4/associations/${association.from}/${association.to}/labels`,
    )
    const found = labels.ok && (labels.data.results ?? []).some((l) => l.typeId === association.typeId && l.category === 'HUBSPOT_DEFINED')
    if (!found) wrongLabels.push(`${association.from}→${association.to} ${association.typeId}${labels.ok ? '' : ` (${labels.status})`}`)
  }
  hs('associations', 'Association types', wrongLabels.length ? 'fail' : 'pass', wrongLabels.length ? `not in the portal: ${wrongLabels.join(', ')}` : `${associations.length} HUBSPOT_DEFINED types present`)

  const search: ListSearchBody = { query: LIST_NAME_PREFIX, offset: 0, count: 1, additionalProperties: [] }
  const lists = await client.request<{ total?: number }>('POST', '/crm/v3/lists/search', search)
  hs('lists', 'Lists API', lists.ok ? 'pass' : 'warn', lists.ok ? 'list search answers; setup creates the audience lists' : `no audience lists (${lists.status}): ${lists.error.message}`)

  const events = await client.listEventDefinitions()
  const wanted = config.HUBSPOT_CUSTOM_EVENTS
  if (events.ok) hs('custom_events', 'Custom events', 'pass', `available (${events.data.results.length} definitions)${wanted ? '' : '; HUBSPOT_CUSTOM_EVENTS is off'}`)
  else hs('custom_events', 'Custom events', wanted ? 'fail' : 'warn', `not available (${events.status}): ${events.error.message}${wanted ? ': turn HUBSPOT_CUSTOM_EVENTS off or use an Enterprise portal' : ''}`)

  hs('rate_limit_headers', 'Rate-limit headers', rateHeaders ? 'pass' : 'warn', rateHeaders ? 'X-HubSpot-RateLimit-Max and -Remaining present: the writer paces itself by them' : 'absent: the writer falls back to its own pacing')
  return checks
}

/** The opt-out properties the consent job searches: all email, and each type of HUBSPOT_MARKETING_SUBSCRIPTION_TYPES. */
function consentVerdict(existing: Map<string, RemotePropertyDefinition>, types: readonly string[]): { level: CheckLevel; detail: string } {
  if (!existing.has(OPT_OUT_ALL)) return { level: 'fail', detail: `${OPT_OUT_ALL} is not readable: unsubscribes in HubSpot would not stop marketing triggers` }
  const unknown = types.filter((t) => !existing.has(optOutProperty(t)))
  if (unknown.length) {
    return {
      level: 'fail',
      detail: `HUBSPOT_MARKETING_SUBSCRIPTION_TYPES names ${unknown.join(', ')}, which this portal has no ${OPT_OUT_ALL}_<id> property for: fix the ids`,
    }
  }
  return { level: 'pass', detail: `${[OPT_OUT_ALL, ...types.map(optOutProperty)].join(', ')} readable` }
}

function propertyVerdict(
  existing: Map<string, RemotePropertyDefinition>,
  objectType: HubSpotObjectType,
  hasGroup: boolean,
): { level: CheckLevel; detail: string } {
  const conflicts: string[] = []
  const toCreate: string[] = []
  for (const wanted of customProperties(objectType)) {
    const found = existing.get(wanted.name)
    if (!found) toCreate.push(wanted.name)
    else if (found.type !== wanted.type) conflicts.push(`${wanted.name} is ${found.type}, expected ${wanted.type}`)
    else if (wanted.hasUniqueValue && !found.hasUniqueValue) conflicts.push(`${wanted.name} exists without unique values`)
  }
  const lacking = hubspotProperties(objectType).filter((p) => !existing.has(p.name)).map((p) => p.name)
  if (conflicts.length) return { level: 'fail', detail: `conflicting: ${conflicts.join('; ')}` }
  const notes = [
    hasGroup ? '' : `group ${PROPERTY_GROUP.name} missing`,
    toCreate.length ? `${toCreate.length} of ours missing (setup creates them)` : '',
    lacking.length ? `HubSpot's own lacking (left out of writes): ${lacking.join(', ')}` : '',
  ].filter(Boolean)
  return notes.length ? { level: 'warn', detail: notes.join('; ') } : { level: 'pass', detail: 'all present with the expected types' }
}

async function bigcommerceChecks(config: Config): Promise<LiveCheck[]> {
  const checks: LiveCheck[] = []
  const bc = (id: string, label: string, level: CheckLevel, detail: string) => checks.push(row('bigcommerce', id, label, level, detail))
  const base = `${config.BIGCOMMERCE_API_BASE.replace(/\/+$/, '')}/stores/${config.BIGCOMMERCE_STORE_HASH}`
  let rateHeaders = false
  const get = async (path: string): Promise<{ status: number; body: unknown }> => {
    try {
      const res = await fetch(`${base}${path}`, {
        headers: { 'X-Auth-Token': config.BIGCOMMERCE_ACCESS_TOKEN, accept: 'application/json' },
        signal: AbortSignal.timeout(15_000),
      })
      rateHeaders ||= res.headers.has('X-Rate-Limit-Requests-Left') && res.headers.has('X-Rate-Limit-Time-Reset-Ms')
      const text = await res.text()
      return { status: res.status, body: text ? safeJson(text) : null }
    } catch (err) {
      return { status: 0, body: err instanceof Error ? err.message : String(err) }
    }
  }
  const scopeOf = (ui: string) => BIGCOMMERCE_SCOPES.find((s) => s.ui === ui)!
  const verdict = (status: number, ui: string, okStatuses: number[]) =>
    okStatuses.includes(status)
      ? null
      : status === 403
        ? `refused (403): the API account needs ${scopeOf(ui).ui} ${scopeOf(ui).permission} (${scopeOf(ui).scope})`
        : `answered ${status || 'nothing'}`

  // Its own host and quota: checked even when the store's API refuses the token.
  if (config.BIGCOMMERCE_B2B) bc('b2b', 'B2B Edition companies (BIGCOMMERCE_B2B=on)', ...(await b2bVerdict(config)))
  const store = await get('/v3/channels?limit=1')
  if (store.status === 200) bc('store', 'Store and token', 'pass', `store ${config.BIGCOMMERCE_STORE_HASH} answers`)
  else {
    bc('store', 'Store and token', 'fail', store.status === 401 ? 'the access token is refused (401)' : store.status === 404 ? `no store ${config.BIGCOMMERCE_STORE_HASH} (404)` : `answered ${store.status || 'nothing'}`)
    return checks
  }
  const reads: [id: string, label: string, path: string, ui: string, ok: number[], blocker: boolean][] = [
    ['orders', 'An order page with its line items', `/v2/orders?limit=1&sort=id:desc&${new URLSearchParams(ORDER_INCLUDES)}`, 'Orders', [200, 204], true],
    ['refunds', 'Refunds', '/v3/orders/payment_actions/refunds?limit=1', 'Orders', [200, 204], true],
    ['customers', 'Customers', '/v3/customers?limit=1&include=addresses', 'Customers', [200], true],
    ['subscribers', 'Subscribers', '/v3/customers/subscribers?limit=1', 'Customers', [200], true],
    ['catalog', 'Catalog', '/v3/catalog/products?limit=1&include=variants', 'Products', [200], true],
    ['hooks', 'Webhooks', '/v3/hooks', 'Information & Settings', [200], true],
    // No cart to read: an unknown id answers 404 when the scope allows reading carts, 403 when it does not.
    ['carts', 'Carts (read; recovery links create redirect URLs)', '/v3/carts/00000000-0000-4000-8000-000000000000', 'Carts', [404], true],
    ['abandoned_carts', 'Abandoned-cart tokens', `/v3/abandoned-carts/${'0'.repeat(32)}`, 'Information & Settings', [404], false],
    ['storefront', "Storefront address (where spent links land)", '/v3/channels/1/site', 'Sites & Routes', [200], false],
  ]
  for (const [id, label, path, ui, ok, blocker] of reads) {
    const res = await get(path)
    const problem = verdict(res.status, ui, ok)
    if (!problem && id === 'orders' && res.status === 200) {
      const [order] = Array.isArray(res.body) ? (res.body as Record<string, unknown>[]) : []
      const withItems = order && 'consignments' in order
      bc(id, label, withItems ? 'pass' : 'warn', withItems ? 'line items come with the order page' : 'the page came without consignments: one extra call per order')
      continue
    }
    bc(id, label, problem ? (blocker ? 'fail' : 'warn') : 'pass', problem ?? 'readable')
  }
  if (config.CONSENT_WRITE_BACK) {
    // An empty update changes nothing; a token without Customers modify is refused it (setup runs the same check).
    const scope = await checkCustomersWriteScope(bigCommerceClient(config)).catch((err: unknown) => ({
      available: false as const,
      reason: `the check failed: ${err instanceof Error ? err.message : String(err)}`,
    }))
    bc('consent_write_back', 'Customer updates (CONSENT_WRITE_BACK=on)', scope.available ? 'pass' : 'fail', scope.available ? 'the API account may update subscribers and customers' : scope.reason)
  }
  bc('rate_limit_headers', 'Rate-limit headers', rateHeaders ? 'pass' : 'warn', rateHeaders ? 'X-Rate-Limit-Requests-Left and -Time-Reset-Ms present: the client leaves quota to other apps' : 'absent: the client backs off on 429s only')
  return checks
}

/** One B2B Edition call (its own host and quota): the companies the token can see. */
async function b2bVerdict(config: Config): Promise<[CheckLevel, string]> {
  const client = b2bClient(config, {
    maxWaitMs: 10_000,
    timeoutMs: 15_000,
  })
  try {
    const companies = await client.count('/companies')
    return ['pass', `readable${companies === null ? '' : ` (${companies} companies)`}`]
  } catch (err) {
    return ['fail', `B2B Edition refused or did not answer (the API account needs the B2B Edition scope): ${err instanceof Error ? err.message : String(err)}`]
  }
}

function publicUrlCheck(config: Config): LiveCheck {
  return config.PUBLIC_URL
    ? row('worker', 'public_url', 'PUBLIC_URL', 'pass', `webhooks at ${webhookDestination(config.PUBLIC_URL)}, recovery links at ${config.PUBLIC_URL}/carts/...`)
    : row('worker', 'public_url', 'PUBLIC_URL', 'warn', 'unset: no webhook registration and no cart recovery links')
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

const STORED_KEY = 'live_checks'

/** The last deploy checks run from the dashboard or the admin API (null before the first). */
export async function lastLiveChecks(db: D1Database): Promise<LiveCheckReport | null> {
  return (await readState<LiveCheckReport>(db, STORED_KEY))?.value ?? null
}

/** Runs the read-only checks now (the admin API and the dashboard's button) and keeps the report for the panel. */
export async function runAndKeepLiveChecks(db: D1Database, config: Config, now: Date): Promise<LiveCheckReport> {
  const report = await runLiveChecks(config, { now })
  await writeState(db, STORED_KEY, report, now.getTime())
  return report
}
