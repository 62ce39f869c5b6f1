/**
 * The BigCommerce REST client: `{apiBase}/stores/{hash}/v2|v3/...` with the store's access token.
 *
 * The API quota is shared by every app on the store (research/bigcommerce.md §2 "Rate limits", pitfall 10):
 * the transport (`transport.ts`) reads `X-Rate-Limit-Requests-Left` / `X-Rate-Limit-Time-Reset-Ms` on every
 * response and, once the requests left fall to the reserve kept for other apps, waits for the window to reset
 * before the next request; 429s, 5xx, network errors and timeouts are retried within a bounded wait. Hydration
 * runs in the webhook queue's consumer, so past the bound a call gives up with a retryable `BigCommerceError`
 * and the event is retried later.
 *
 * The access token is sent in a header and never appears in an error message.
 */

import {
  BigCommerceError,
  numberHeader,
  QuotaTransport,
  type Method,
  type Query,
  type RateHeaders,
  type TransportTuning,
} from './transport'

export { BigCommerceError, type Query } from './transport'

export interface BigCommerceClientOptions extends TransportTuning {
  apiBase: string
  storeHash: string
  accessToken: string
}

export interface Page<T> {
  items: T[]
  page: number
  /** v3 only: from meta.pagination. */
  totalPages?: number
  total?: number
}

export interface ListOptions {
  /** Page size; BigCommerce allows up to 250. Default 250. */
  limit?: number
  /** Resume from this page. Default 1. */
  startPage?: number
}

/** `X-Rate-Limit-*` (research/bigcommerce.md §2); Standard and Plus plans: 150 requests per 30 s window. */
const RATE_HEADERS: RateHeaders = {
  read(headers) {
    const left = numberHeader(headers, 'X-Rate-Limit-Requests-Left')
    const resetMs = numberHeader(headers, 'X-Rate-Limit-Time-Reset-Ms')
    if (left === null || resetMs === null) return null
    return {
      left,
      resetMs,
      quota: numberHeader(headers, 'X-Rate-Limit-Requests-Quota'),
      windowMs: numberHeader(headers, 'X-Rate-Limit-Time-Window-Ms'),
    }
  },
  /** A 429's wait: the window's reset or `X-Retry-After` (seconds); with both present, the longer; null without either (platform load). */
  retryAfterMs(headers) {
    const resetMs = numberHeader(headers, 'X-Rate-Limit-Time-Reset-Ms')
    const seconds = numberHeader(headers, 'X-Retry-After') ?? numberHeader(headers, 'Retry-After')
    const waits = [resetMs, seconds === null ? null : seconds * 1000].filter((ms): ms is number => ms !== null)
    return waits.length ? Math.max(...waits) : null
  },
  defaultQuota: 150,
  defaultWindowMs: 30_000,
}

export class BigCommerceClient {
  /** The store this client talks to (links into its control panel are built from it). */
  readonly storeHash: string
  private readonly transport: QuotaTransport

  constructor(options: BigCommerceClientOptions) {
    this.storeHash = options.storeHash
    this.transport = new QuotaTransport({
      ...options,
      baseUrl: `${options.apiBase.replace(/\/+$/, '')}/stores/${encodeURIComponent(options.storeHash)}`,
      headers: { 'X-Auth-Token': options.accessToken },
      rateHeaders: RATE_HEADERS,
      label: 'BigCommerce',
    })
  }

  /** GET a v2 resource: parsed JSON, `null` on 404, `[]` on 204 (v2 answers 204 for an empty collection). */
  async v2<T = unknown>(path: string, query?: Query): Promise<T | null> {
    const res = await this.request('GET', `/v2${path}`, query)
    if (res.status === 404) return null
    return (res.body === undefined ? [] : res.body) as T
  }

  /** GET a v3 resource: parsed JSON, `null` on 404, `{ data: [] }` on 204. */
  async v3<T = unknown>(path: string, query?: Query): Promise<T | null> {
    const res = await this.request('GET', `/v3${path}`, query)
    if (res.status === 404) return null
    return (res.body === undefined ? { data: [] } : res.body) as T
  }

  /**
   * Pages through a v2 collection (a bare JSON array) until a short page, a 204 or a 404.
   * Yields each page, so a backfill can checkpoint between them.
   */
  async *v2List<T = unknown>(path: string, query: Query = {}, options: ListOptions = {}): AsyncGenerator<Page<T>> {
    const limit = options.limit ?? 250
    for (let page = options.startPage ?? 1; ; page++) {
      const body = await this.v2<unknown>(path, { ...query, page, limit })
      if (body === null) return
      if (!Array.isArray(body)) throw this.shapeError(`/v2${path}`, 'a JSON array')
      if (body.length > 0) yield { items: body as T[], page }
      if (body.length < limit) return
    }
  }

  /** Pages through a v3 collection (`{ data, meta.pagination }`) up to `total_pages`. */
  async *v3List<T = unknown>(path: string, query: Query = {}, options: ListOptions = {}): AsyncGenerator<Page<T>> {
    const limit = options.limit ?? 250
    for (let page = options.startPage ?? 1; ; page++) {
      const body = await this.v3<{ data?: unknown; meta?: { pagination?: Record<string, unknown> } }>(path, {
        ...query,
        page,
        limit,
      })
      if (body === null) return
      if (!Array.isArray(body.data)) throw this.shapeError(`/v3${path}`, 'a { data: [...] } collection')
      const pagination = body.meta?.pagination ?? {}
      const totalPages = typeof pagination.total_pages === 'number' ? pagination.total_pages : undefined
      const total = typeof pagination.total === 'number' ? pagination.total : undefined
      const items = body.data as T[]
      if (items.length > 0) yield { items, page, ...(totalPages !== undefined && { totalPages }), ...(total !== undefined && { total }) }
      // Without pagination metadata, a short page is the last one.
      const last = totalPages !== undefined ? page >= totalPages : items.length < limit
      if (last || items.length === 0) return
    }
  }

  /** Every item of a v2 or v3 collection. For small collections (an order's products, its refunds). */
  async all<T = unknown>(version: 'v2' | 'v3', path: string, query: Query = {}): Promise<T[]> {
    const items: T[] = []
    const pages = version === 'v2' ? this.v2List<T>(path, query) : this.v3List<T>(path, query)
    for await (const page of pages) items.push(...page.items)
    return items
  }

  /** PUT a versioned path (`/v3/hooks/12`). Parsed JSON, `null` on 404, `undefined` on 204. */
  async put<T = unknown>(path: string, body: unknown): Promise<T | null | undefined> {
    return this.write<T>('PUT', path, body)
  }

  /** POST a versioned path. Retried only on 429, which BigCommerce answers before doing anything. */
  async post<T = unknown>(path: string, body: unknown): Promise<T | null | undefined> {
    return this.write<T>('POST', path, body)
  }

  /** DELETE a versioned path. `null` when it was already gone. */
  async delete<T = unknown>(path: string): Promise<T | null | undefined> {
    return this.write<T>('DELETE', path)
  }

  private async write<T>(method: Method, path: string, body?: unknown): Promise<T | null | undefined> {
    if (!/^\/v[23]\//.test(path)) throw new TypeError(`BigCommerce path must start with /v2/ or /v3/: ${path}`)
    const res = await this.request(method, path, undefined, body)
    if (res.status === 404) return null
    return res.body as T | undefined
  }

  private request(method: Method, path: string, query?: Query, body?: unknown): Promise<{ status: number; body: unknown }> {
    return this.transport.request(method, path, query, body)
  }

  /** How many requests can go within `ms` without touching the reserve kept for other apps (transport.ts). */
  capacityWithin(ms: number): number {
    return this.transport.capacityWithin(ms)
  }

  /** Waits, if it must and may, until `calls` requests can go without touching the reserve (transport.ts). */
  reserveQuota(calls: number, maxWaitMs: number): Promise<boolean> {
    return this.transport.reserveQuota(calls, maxWaitMs)
  }

  private shapeError(path: string, expected: string): BigCommerceError {
    return new BigCommerceError({ status: 200, retryable: false, message: `BigCommerce GET ${path}: expected ${expected}` })
  }
}
