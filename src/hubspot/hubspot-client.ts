import type {
  AssociateDefaultBody,
  AssociateDefaultResponse,
  BatchUpdateBody,
  BatchUpsertBody,
  ContactMergeBody,
  EventDefinitionCreateBody,
  EventDefinitionModel,
  EventSendBody,
  PropertyCreateBody,
  PropertyCreateInput,
  PropertyGroupCreateBody,
} from './models'
import type { HubSpotObjectType } from './records'

/**
 * A thin typed HubSpot REST client (no SDK: it would not run in a Worker). Every call returns the parsed
 * `X-HubSpot-RateLimit-*` headers and either the body or a classified error, never throws for HTTP or
 * network failures, and never puts the token in an error or a log line.
 */

/** The API version path segments, in one place: HubSpot is moving to date-based versions (`2026-03`). */
export const API_VERSION = { crm: 'v3', associations: 'v4', events: 'v3' } as const

export const BATCH_LIMIT = 100
export const ASSOCIATION_BATCH_LIMIT = 2000

export interface RateLimitInfo {
  max?: number
  remaining?: number
  intervalMs?: number
  daily?: number
  dailyRemaining?: number
}

export type RateLimitPolicy = 'TEN_SECONDLY_ROLLING' | 'DAILY' | 'SECONDLY'

export type HubSpotErrorKind =
  | 'rate_limit'
  | 'server'
  | 'timeout'
  | 'network'
  | 'conflict'
  | 'validation'
  | 'auth'
  | 'not_found'
  | 'other'

export interface PropertyError {
  name: string
  /** HubSpot's code, e.g. PROPERTY_DOESNT_EXIST, INVALID_OPTION, INVALID_DATE. */
  code?: string
}

export interface HubSpotError {
  kind: HubSpotErrorKind
  /** HTTP status; 0 when no response arrived. */
  status: number
  message: string
  category?: string
  policyName?: RateLimitPolicy | string
  /** Worth retrying the same request later (429 ten-secondly, 5xx, timeouts, network errors). */
  retryable: boolean
  /** Properties a validation error names. */
  propertyErrors: PropertyError[]
  /** From a 409 "... Existing ID: N". */
  existingId?: string
  /** Values a per-input error points at (`context.id`, `context.ids`, objectWriteTraceId). */
  inputRefs: string[]
  retryAfterMs?: number
  correlationId?: string
}

export type HubSpotResponse<T> =
  | { ok: true; status: number; data: T; rateLimit: RateLimitInfo }
  | { ok: false; status: number; error: HubSpotError; rateLimit: RateLimitInfo }

export interface SimplePublicObject {
  id: string
  properties: Record<string, string | null>
  new?: boolean
  createdAt?: string
  updatedAt?: string
  /** Batch writes: the `objectWriteTraceId` of the input this result answers. */
  objectWriteTraceId?: string
}

export interface BatchErrorBody {
  status?: string
  category?: string
  message?: string
  context?: Record<string, unknown>
  errors?: { message?: string; code?: string; context?: Record<string, unknown> }[]
}

export interface BatchResult<R = SimplePublicObject> {
  status?: string
  results: R[]
  errors?: BatchErrorBody[]
  numErrors?: number
}

export interface UpsertInput {
  /** The unique property's value. */
  id: string
  properties: Record<string, string>
  /** Comes back on this input's result and error: how each answer finds its input (results are unordered). */
  objectWriteTraceId: string
}

export interface RemotePropertyDefinition {
  name: string
  type: string
  fieldType?: string
  groupName?: string
  hasUniqueValue?: boolean
  options?: { value: string; label?: string }[]
}

export type { PropertyCreateInput }
export type RemoteEventDefinition = EventDefinitionModel

export interface HubSpotClientOptions {
  baseUrl: string
  accessToken: string
  /** Per-request timeout. */
  timeoutMs?: number
  fetch?: typeof fetch
}

export class HubSpotClient {
  private readonly baseUrl: string
  private readonly timeoutMs: number
  private readonly fetcher: typeof fetch
  /** Counts calls by route, for status and the benchmark. */
  readonly calls = new Map<string, number>()

  constructor(private readonly options: HubSpotClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '')
    this.timeoutMs = options.timeoutMs ?? 30_000
    this.fetcher = options.fetch ?? ((input, init) => fetch(input, init))
  }

  listProperties(objectType: HubSpotObjectType) {
    return this.request<{ results: RemotePropertyDefinition[] }>('GET', `/crm/${API_VERSION.crm}/properties/${objectType}`)
  }

  listGroups(objectType: HubSpotObjectType) {
    return this.request<{ results: { name: string; label?: string }[] }>(
      'GET',
      `/crm/${API_VERSION.crm}/properties/${objectType}/groups`,
    )
  }

  createGroup(objectType: HubSpotObjectType, group: PropertyGroupCreateBody) {
    return this.request<{ name: string }>('POST', `/crm/${API_VERSION.crm}/properties/${objectType}/groups`, group)
  }

  createProperties(objectType: HubSpotObjectType, inputs: PropertyCreateInput[]) {
    const body: PropertyCreateBody = { inputs }
    return this.request<BatchResult<RemotePropertyDefinition>>(
      'POST',
      `/crm/${API_VERSION.crm}/properties/${objectType}/batch/create`,
      body,
    )
  }

  /**
   * Creates or updates up to 100 records by a unique property (or `email` for contacts). HubSpot does not
   * promise results in input order: each input's `objectWriteTraceId` comes back on its result and error.
   */
  batchUpsert(objectType: HubSpotObjectType, idProperty: string, inputs: UpsertInput[]) {
    const body: BatchUpsertBody = {
      inputs: inputs.map((i) => ({ idProperty, id: i.id, properties: i.properties, objectWriteTraceId: i.objectWriteTraceId })),
    }
    return this.request<BatchResult>('POST', `/crm/${API_VERSION.crm}/objects/${objectType}/batch/upsert`, body)
  }

  /** Updates up to 100 records by their HubSpot object id. */
  batchUpdate(objectType: HubSpotObjectType, inputs: { id: string; properties: Record<string, string>; objectWriteTraceId?: string }[]) {
    const body: BatchUpdateBody = { inputs }
    return this.request<BatchResult>('POST', `/crm/${API_VERSION.crm}/objects/${objectType}/batch/update`, body)
  }

  /**
   * Merges one contact into another (`POST /crm/v3/objects/contacts/merge`, PublicMergeInput). HubSpot answers with
   * the merged record, which has a new id; both old ids keep pointing to it.
   */
  mergeContacts(primaryObjectId: string, objectIdToMerge: string) {
    const body: ContactMergeBody = { primaryObjectId, objectIdToMerge }
    return this.request<SimplePublicObject>('POST', `/crm/${API_VERSION.crm}/objects/contacts/merge`, body)
  }

  /** One contact by id (an id merged away answers with the record it became) or by its email. */
  readContact(id: string, by: 'id' | 'email' = 'id') {
    const query = by === 'email' ? '?idProperty=email&properties=email' : '?properties=email'
    return this.request<SimplePublicObject>('GET', `/crm/${API_VERSION.crm}/objects/contacts/${encodeURIComponent(id)}${query}`)
  }

  /**
   * Default (HUBSPOT_DEFINED) associations, up to 2000 pairs per call. HubSpot answers 200 even when pairs
   * failed: they are in `errors` (and `numErrors`).
   */
  batchAssociateDefault(from: HubSpotObjectType, to: HubSpotObjectType, pairs: { from: string; to: string }[]) {
    const body: AssociateDefaultBody = { inputs: pairs.map((p) => ({ from: { id: p.from }, to: { id: p.to } })) }
    return this.request<Partial<AssociateDefaultResponse> & BatchResult<unknown>>(
      'POST',
      `/crm/${API_VERSION.associations}/associations/${from}/${to}/batch/associate/default`,
      body,
    )
  }

  /**
   * Custom event definitions (Enterprise accounts; others answer 403). Their properties are listed
   * (`properties[]`) only with `includeProperties=true`.
   */
  listEventDefinitions(after?: string) {
    const query = `?includeProperties=true${after ? `&after=${encodeURIComponent(after)}` : ''}`
    return this.request<{ results: RemoteEventDefinition[]; paging?: { next?: { after?: string } } }>(
      'GET',
      `/events/${API_VERSION.events}/event-definitions${query}`,
    )
  }

  createEventDefinition(definition: EventDefinitionCreateBody) {
    return this.request<RemoteEventDefinition>('POST', `/events/${API_VERSION.events}/event-definitions`, definition)
  }

  /** One occurrence of a custom event, by its fully qualified name, for the contact with this email. */
  sendEvent(occurrence: EventSendBody & { email: string; occurredAt: string }) {
    return this.request<unknown>('POST', `/events/${API_VERSION.events}/send`, occurrence)
  }

  async request<T>(method: 'GET' | 'POST' | 'PATCH' | 'PUT', path: string, body?: unknown): Promise<HubSpotResponse<T>> {
    // Ids and emails in a path are one route (and no email lands in the counters).
    const route = `${method} ${path.split('?')[0]!.replace(/\/(\d+|[^/]*%40[^/]*)(?=\/|$)/g, '/{id}')}`
    this.calls.set(route, (this.calls.get(route) ?? 0) + 1)
    let response: Response
    try {
      response = await this.fetcher(`${this.baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.options.accessToken}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      })
    } catch (err) {
      const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')
      return {
        ok: false,
        status: 0,
        rateLimit: {},
        error: {
          kind: timedOut ? 'timeout' : 'network',
          status: 0,
          message: this.redact(timedOut ? `timed out after ${this.timeoutMs} ms` : errorText(err)),
          retryable: true,
          propertyErrors: [],
          inputRefs: [],
        },
      }
    }
    const rateLimit = parseRateLimit(response.headers)
    const text = await response.text().catch(() => '')
    let parsed: unknown
    try {
      parsed = text ? JSON.parse(text) : undefined
    } catch {
      parsed = undefined
    }
    if (response.ok) return { ok: true, status: response.status, data: parsed as T, rateLimit }
    const error = classifyError(response.status, parsed, text, response.headers)
    error.message = this.redact(error.message)
    return { ok: false, status: response.status, error, rateLimit }
  }

  private redact(text: string): string {
    return this.options.accessToken ? text.split(this.options.accessToken).join('[redacted]') : text
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

function numberHeader(headers: Headers, name: string): number | undefined {
  const value = headers.get(name)
  if (value === null || value.trim() === '') return undefined
  const n = Number(value)
  return Number.isFinite(n) ? n : undefined
}

export function parseRateLimit(headers: Headers): RateLimitInfo {
  const info: RateLimitInfo = {
    max: numberHeader(headers, 'x-hubspot-ratelimit-max'),
    remaining: numberHeader(headers, 'x-hubspot-ratelimit-remaining'),
    intervalMs: numberHeader(headers, 'x-hubspot-ratelimit-interval-milliseconds'),
    daily: numberHeader(headers, 'x-hubspot-ratelimit-daily'),
    dailyRemaining: numberHeader(headers, 'x-hubspot-ratelimit-daily-remaining'),
  }
  for (const key of Object.keys(info) as (keyof RateLimitInfo)[]) if (info[key] === undefined) delete info[key]
  return info
}

interface ErrorBody extends BatchErrorBody {
  correlationId?: string
  policyName?: string
  errorType?: string
}

/** Maps a failed response to what the writer needs to decide: retry, wait, fix, or give up. */
export function classifyError(status: number, body: unknown, text: string, headers?: Headers): HubSpotError {
  const b = (body && typeof body === 'object' ? body : {}) as ErrorBody
  const message = b.message ?? (text.slice(0, 500) || `HTTP ${status}`)
  const retryAfter = headers ? numberHeader(headers, 'retry-after') : undefined
  const error: HubSpotError = {
    kind: 'other',
    status,
    message,
    category: b.category,
    correlationId: b.correlationId,
    retryable: false,
    propertyErrors: propertyErrorsOf(b),
    inputRefs: inputRefsOf(b),
    ...(retryAfter !== undefined ? { retryAfterMs: retryAfter * 1000 } : {}),
  }
  if (status === 429) {
    error.kind = 'rate_limit'
    error.policyName =
      b.policyName ?? (/daily/i.test(message) ? 'DAILY' : /secondly limit/i.test(message) ? 'SECONDLY' : 'TEN_SECONDLY_ROLLING')
    error.retryable = error.policyName !== 'DAILY'
  } else if (status >= 500 || status === 423) {
    error.kind = 'server'
    error.retryable = true
  } else if (status === 409) {
    error.kind = 'conflict'
    const id = /Existing ID:\s*(\d+)/i.exec(message)
    if (id) error.existingId = id[1]
  } else if (status === 400) {
    error.kind = 'validation'
  } else if (status === 401 || status === 403) {
    error.kind = 'auth'
  } else if (status === 404) {
    error.kind = 'not_found'
  }
  return error
}

/** Property names from `errors[].context.propertyName`, `errors[].context.name` and HubSpot's embedded JSON. */
export function propertyErrorsOf(body: BatchErrorBody): PropertyError[] {
  const found = new Map<string, PropertyError>()
  const add = (name: unknown, code?: string) => {
    if (typeof name !== 'string' || !name) return
    const existing = found.get(name)
    if (!existing || (!existing.code && code)) found.set(name, { name, ...(code ? { code } : {}) })
  }
  const fromContext = (context: Record<string, unknown> | undefined, code?: string) => {
    for (const key of ['propertyName', 'propertyNames', 'name']) {
      const value = context?.[key]
      for (const name of Array.isArray(value) ? value : [value]) add(name, code)
    }
  }
  fromContext(body.context)
  for (const detail of body.errors ?? []) {
    fromContext(detail.context, detail.code)
    scanMessage(detail.message, add)
  }
  scanMessage(body.message, add)
  return [...found.values()]
}

function scanMessage(message: string | undefined, add: (name: string, code?: string) => void) {
  if (!message) return
  // "Property values were not valid: [{"isValid":false,...,"error":"PROPERTY_DOESNT_EXIST","name":"x"}]"
  const start = message.indexOf('[{')
  if (start >= 0) {
    try {
      const items = JSON.parse(message.slice(start)) as { name?: string; error?: string }[]
      for (const item of items) if (item.name) add(item.name, item.error)
    } catch {
      // not JSON after all: the patterns below still apply
    }
  }
  for (const m of message.matchAll(/Property \\?"([\w-]+)\\?" does not exist/g)) add(m[1]!, 'PROPERTY_DOESNT_EXIST')
}

export function inputRefsOf(body: BatchErrorBody): string[] {
  const refs = new Set<string>()
  const collect = (context: Record<string, unknown> | undefined) => {
    for (const key of ['id', 'ids', 'objectWriteTraceId', 'inputId', 'fromId', 'toId']) {
      const value = context?.[key]
      for (const v of Array.isArray(value) ? value : [value]) if (typeof v === 'string' || typeof v === 'number') refs.add(String(v))
    }
  }
  collect(body.context)
  for (const detail of body.errors ?? []) collect(detail.context)
  return [...refs]
}
