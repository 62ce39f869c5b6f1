/**
 * A local stand-in for the HubSpot API, as strict as the real one: a portable Hono app with its state in
 * memory, used in-process by the tests (workerd), as a Node server by `npm start` (see ./server.ts), and by
 * the sync benchmark. Never imported by `src/`.
 *
 *   const hubspot = createHubSpotStandin({ clock: () => now })
 *   serveHost('hubspot.standin', hubspot.fetch)            // test/support/network.ts
 *   hubspot.portal.findByProperty('contacts', 'email', 'ada@example.com')
 *
 * Exported API
 * - `createHubSpotStandin(options?): HubSpotStandin`
 *   - options: `accessToken` ('hs-test-token'), `rateLimit` ({max: 100, intervalMs: 10_000}, rolling),
 *     `dailyLimit` (250_000), `clock` (Date.now; drives rate limits and timestamps), `missingProperties`
 *     (HubSpot-defined properties this portal lacks, per object), `customEvents` (false: event endpoints 403),
 *     `portalId` (12345678; custom event names are `pe{portalId}_{name}`), `latencyMs` (0; real delay per call),
 *     `scopes` ({tickets, lists, eCommerce, companies: true}; `tickets: false` answers every ticket call 403
 *     MISSING_SCOPES, `companies: false` every company call, `eCommerce: false` every property creation on line
 *     items and products, also settable later through `standin.scopes`; `POST /oauth/v2/private-apps/get/access-token-info`
 *     lists them), `ticketPriorities` (the portal's `hs_ticket_priority` options).
 *   - `fetch(request)`: the API. `portal`: the state (class `Portal`: `records(type)`, `record(type, id)`,
 *     `findByProperty(type, property, value)`, `associations(fromType, id, toType?)`, `properties(type)`,
 *     `property(type, name)`, `groups(type)`, `customEvents`, `eventDefinitions`, `ticketPipelines`,
 *     `addTicketPipeline(label, stages)`).
 *   - `faults.fail(match, response, times?, share?)` / `faults.clear()`: see ./faults.ts (5xx, 429, 423, timeouts via
 *     `delayMs`). `requests`: every API call `{method, path, status, inputs?, at}`. `setRateLimit(max, ms)`.
 * - Types: `HubSpotStandin`, `HubSpotStandinOptions`, `RequestLogEntry`, `ObjectType`, `OBJECT_TYPES`,
 *   `OBJECT_TYPE_IDS`, `StoredRecord`, `PropertyDefinition`, `Portal`, `FaultMatch`, `FaultResponse`.
 *
 * Objects: contacts, products, orders, line_items, carts, tasks (`hs_timestamp` required on create), tickets
 * (`subject` and `hs_pipeline_stage` required; the stage must be one of its pipeline's) and companies (0-2;
 * upserted by a custom unique property like the others, associated with contacts 279/280 and orders 934/935).
 * Endpoints (v3 objects and properties, v4 associations, v3 events; object types by name or id, 0-1 …):
 *   POST /crm/v3/objects/{type}/batch/{upsert,create,update,read}   ≤100 inputs
 *   POST /crm/v3/objects/{type} · GET|PATCH /crm/v3/objects/{type}/{id}[?idProperty=] · GET /crm/v3/objects/{type}
 *   POST /crm/v3/objects/contacts/merge   {primaryObjectId, objectIdToMerge}: a new record with a new id (the primary's
 *                                          values win, the secondary's fill gaps, its email joins hs_additional_emails
 *                                          and can no longer be created; hs_merged_object_ids; both old ids resolve to it;
 *                                          associations move); refuses itself, an id merged already (400), an unknown
 *                                          id (404), a body without both ids (400), a result over 250 identities (400)
 *   POST /crm/v3/objects/{type}/search     EQ/NEQ/IN/NOT_IN/GT/GTE/LT/LTE/HAS_PROPERTY; one sort; ≤200 a page,
 *                                          10,000 a query, body ≤3,000 chars, ≤5 groups × 6 filters (18); 5 per second
 *   GET  /crm/v3/pipelines/tickets[/{pipelineId}]                   stages with metadata.ticketState OPEN|CLOSED
 *   POST /crm/v3/lists · POST /crm/v3/lists/search · GET /crm/v3/lists[/{id}] · PUT /crm/v3/lists/{id}/update-list-filters
 *                                          contact lists (Lists v3): unique names; DYNAMIC lists' PROPERTY filters are
 *                                          checked against the portal's contact properties; `scopes.lists: false` → 403
 *   POST /crm/v4/associations/{from}/{to}/batch/{associate/default,create,read}
 *   PUT  /crm/v4/objects/{from}/{id}/associations/default/{to}/{toId} · GET /crm/v4/objects/{from}/{id}/associations/{to}
 *   GET|POST /crm/v3/properties/{type}[/batch/create|/batch/read|/{name}] · PATCH …/{name} · GET|POST …/groups
 *   GET|POST /events/v3/event-definitions · POST /events/v3/send     only with `customEvents`
 *   GET /_standin, /_standin/records/{type}, /_standin/events, /_standin/requests   (read-only view)
 *
 * Behaviour worth knowing when writing a client against it (each mirrors HubSpot, see research/hubspot.md):
 * - Errors are `{status:'error', message, correlationId, category, errors?:[{message, code, context}]}`.
 *   Property values are checked: unknown (PROPERTY_DOESNT_EXIST), read-only (READ_ONLY_VALUE), enumeration
 *   (INVALID_OPTION), number (INVALID_FLOAT), `date` not at midnight UTC (INVALID_DATE), datetime
 *   (INVALID_DATETIME), email (INVALID_EMAIL), duplicate unique value (CONFLICTING_UNIQUE_VALUE, or 409
 *   CONFLICT "Contact already exists. Existing ID: N" for a contact email), required on create
 *   (REQUIRED_PROPERTY: orders `hs_order_name`, products `name`).
 * - A batch fails whole (400) when malformed: over 100 inputs, bad JSON, missing/non-unique idProperty, the
 *   same id twice. Refused inputs fail alone (207 with `errors[]`, each with `context.ids` or
 *   `context.objectWriteTraceId`); if every input fails, the first failure's status and body are returned.
 *   Two exceptions fail the whole batch on any refused input: batch/create unless every input carries a
 *   unique `objectWriteTraceId`, and contact upserts by `email` (HubSpot: no partial upserts by email).
 *   Contacts can be upserted and read by `email`, but batch/update by email is refused (non-unique).
 * - Default associations exist only between the pairs in ./associations-types.ts. Products cannot be
 *   associated: a line item names its product with `hs_product_id`.
 */
import { Hono } from 'hono'
import { errorBody, HubSpotFailure, json } from './errors'
import { FaultInjector } from './faults'
import { authGate, budgetGate, faultGate, grantedScopes, scopeGate, type Scopes } from './gate'
import { iso, type StandinContext, type StandinEnv } from './http'
import { DailyBudget, RollingWindow } from './limits'
import { Portal } from './portal'
import { associationRoutes } from './routes/associations'
import { eventRoutes } from './routes/events'
import { objectBatchRoutes } from './routes/object-batches'
import { objectRoutes } from './routes/objects'
import { pipelineRoutes } from './routes/pipelines'
import { listRoutes } from './routes/lists'
import { propertyRoutes } from './routes/properties'
import { viewRoutes } from './routes/view'
import type { ObjectType } from './types'

export { OBJECT_TYPES, OBJECT_TYPE_IDS } from './types'
export type { ObjectType, PropertyDefinition, StoredRecord } from './types'
export type { FaultMatch, FaultResponse } from './faults'
export { Portal } from './portal'

export interface HubSpotStandinOptions {
  accessToken?: string
  rateLimit?: { max: number; intervalMs: number }
  dailyLimit?: number
  clock?: () => number
  /** HubSpot-defined (`hs_`) properties this portal lacks. */
  missingProperties?: Partial<Record<ObjectType, string[]>>
  /** Enterprise tier: the custom event endpoints work. */
  customEvents?: boolean
  portalId?: number
  /** Real milliseconds every API call waits before answering (for benchmarks). */
  latencyMs?: number
  /** The token's scopes (default: all granted); `{ tickets: false }` answers ticket calls with 403. */
  scopes?: Partial<Scopes>
  /** The portal's `hs_ticket_priority` options, when not HubSpot's defaults (LOW, MEDIUM, HIGH, URGENT). */
  ticketPriorities?: { value: string; label: string }[]
  /**
   * The portal's currencies: `hs_currency_code` (orders, carts) and `hs_line_item_currency_code` become
   * enumerations of them, refusing any other code with INVALID_OPTION. Unset: free text.
   */
  currencies?: string[]
}

export interface RequestLogEntry {
  method: string
  path: string
  status: number
  /** How many inputs a batch request carried. */
  inputs?: number
  at: number
}

export interface HubSpotStandin {
  fetch(request: Request): Promise<Response>
  portal: Portal
  faults: Pick<FaultInjector, 'fail' | 'clear'>
  requests: RequestLogEntry[]
  setRateLimit(max: number, intervalMs: number): void
  /** The token's scopes, changeable during a test (an admin granting the tickets scope). */
  scopes: Scopes
}

export function createHubSpotStandin(options: HubSpotStandinOptions = {}): HubSpotStandin {
  const clock = options.clock ?? Date.now
  const portal = new Portal(
    options.portalId ?? 12_345_678,
    options.missingProperties ?? {},
    iso(clock()),
    options.ticketPriorities,
    options.currencies,
  )
  const scopes: Scopes = { tickets: true, lists: true, eCommerce: true, companies: true, ...options.scopes }
  const faults = new FaultInjector()
  const requests: RequestLogEntry[] = []
  const { max, intervalMs } = options.rateLimit ?? { max: 100, intervalMs: 10_000 }
  const budgets = {
    burst: new RollingWindow(max, intervalMs),
    daily: new DailyBudget(options.dailyLimit ?? 250_000),
    search: new RollingWindow(5, 1_000),
  }
  const context: StandinContext = { portal, clock }

  const app = new Hono<StandinEnv>()
  app.onError((error) => {
    if (error instanceof HubSpotFailure) return json(error.status, error.body, error.headers)
    return json(500, errorBody('INTERNAL_ERROR', `Stand-in failure: ${error.message}`))
  })
  app.notFound((c) => json(404, errorBody('OBJECT_NOT_FOUND', `No such endpoint: ${c.req.method} ${c.req.path}`)))
  app.route('/', viewRoutes(portal, () => requests))
  // A private app token's own scopes: the token is in the body (no Authorization header), as HubSpot documents it.
  app.post('/oauth/v2/private-apps/get/access-token-info', async (c) => {
    const body = (await c.req.json().catch(() => null)) as { tokenKey?: unknown } | null
    if (typeof body?.tokenKey !== 'string') return json(400, errorBody('VALIDATION_ERROR', 'tokenKey is required'))
    if (body.tokenKey !== (options.accessToken ?? 'hs-test-token')) {
      return json(401, errorBody('INVALID_AUTHENTICATION', 'The access token provided is invalid or has been revoked.'))
    }
    return json(200, { userId: 1, hubId: portal.portalId, appId: 1, scopes: grantedScopes(scopes) })
  })
  app.use('*', async (c, next) => {
    const at = clock()
    if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs))
    await next()
    const inputs = c.get('inputs')
    requests.push({ method: c.req.method, path: c.req.path, status: c.res.status, ...(inputs === undefined ? {} : { inputs }), at })
  })
  app.use('*', faultGate(faults))
  app.use('*', authGate(options.accessToken ?? 'hs-test-token'))
  app.use('*', scopeGate(scopes))
  app.use('*', budgetGate(budgets, clock))
  app.route('/', objectBatchRoutes(context))
  app.route('/', objectRoutes(context))
  app.route('/', associationRoutes(context))
  app.route('/', propertyRoutes(context))
  app.route('/', eventRoutes(context, options.customEvents ?? false))
  app.route('/', pipelineRoutes(context))
  app.route('/', listRoutes(context))

  return {
    fetch: async (request) => {
      const response = await app.fetch(request)
      // Like a real fetch, an aborted request (a client timeout during an injected delay) rejects.
      if (request.signal.aborted) throw request.signal.reason
      return response
    },
    portal,
    faults,
    requests,
    setRateLimit(newMax, newIntervalMs) {
      budgets.burst.max = newMax
      budgets.burst.intervalMs = newIntervalMs
    },
    scopes,
  }
}
