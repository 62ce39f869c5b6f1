/**
 * The B2B Edition REST Management API v3 client (research/bigcommerce.md §6; bigcommerce/docs
 * `docs/b2b-edition/about/index.mdx`, `specs/api-v3/**`): its own host (`https://api-b2b.bigcommerce.com`),
 * paths under `/api/v3/io` with no store hash in them, authenticated with the store's `X-Auth-Token` plus
 * `X-Store-Hash` (the B2B-only `authToken` was deprecated on 2025-09-30). Answers are `{code, data, meta}`;
 * collections page by `limit`/`offset` with `meta.pagination.totalCount`.
 *
 * Its quota is its own: 150 requests per minute shared by every integration of the store
 * (`docs/b2b-edition/best-practices.mdx`), reported as `X-Requests-Allocated: 150 times/60 s`,
 * `X-Requests-Remaining: 150 times` and `X-Request-Window-Resets-After: 0.39 s`. The shared transport paces it
 * like BigCommerce's: a reserve is left for the other integrations, and a call waits for the window to reset
 * rather than spend it.
 */
import { numberHeader, QuotaTransport, type Query, type RateHeaders, type TransportTuning } from '../transport'

export interface B2BClientOptions extends TransportTuning {
  /** `BIGCOMMERCE_B2B_API_BASE`: requests go to `{apiBase}/api/v3/io/...`. */
  apiBase: string
  storeHash: string
  /** The store's API token; it needs the B2B Edition scope. */
  accessToken: string
}

/** Page size of collections: the documented `limit` maximum is 250 (`exclusiveMaximum` in some specs): stay below. */
export const B2B_PAGE_SIZE = 200

const RATE_HEADERS: RateHeaders = {
  read(headers) {
    const left = numberHeader(headers, 'X-Requests-Remaining')
    const resetSeconds = numberHeader(headers, 'X-Request-Window-Resets-After')
    if (left === null || resetSeconds === null) return null
    // "150 times/60 s"
    const allocated = /^\s*(\d+)\s*times\s*\/\s*(\d+(?:\.\d+)?)\s*s/i.exec(headers.get('X-Requests-Allocated') ?? '')
    return {
      left,
      resetMs: Math.ceil(resetSeconds * 1000),
      quota: allocated ? Number(allocated[1]) : null,
      windowMs: allocated ? Math.round(Number(allocated[2]) * 1000) : null,
    }
  },
  retryAfterMs(headers) {
    const seconds = numberHeader(headers, 'Retry-After') ?? numberHeader(headers, 'X-Request-Window-Resets-After')
    return seconds === null ? null : Math.ceil(seconds * 1000)
  },
  defaultQuota: 150,
  defaultWindowMs: 60_000,
}

export interface B2BPage<T> {
  items: T[]
  offset: number
  /** `meta.pagination.totalCount`, when given. */
  total: number | null
}

interface Envelope {
  data?: unknown
  meta?: { pagination?: { totalCount?: unknown } }
}

export class B2BClient {
  private readonly transport: QuotaTransport

  constructor(options: B2BClientOptions) {
    this.transport = new QuotaTransport({
      // Its window is a minute: a call may sit out one reset rather than give up (BigCommerce's is 30 s).
      maxWaitMs: 65_000,
      ...options,
      baseUrl: `${options.apiBase.replace(/\/+$/, '')}/api/v3/io`,
      headers: { 'X-Auth-Token': options.accessToken, 'X-Store-Hash': options.storeHash },
      rateHeaders: RATE_HEADERS,
      label: 'BigCommerce B2B',
    })
  }

  /** GET one resource: its `data`, or null on 404. */
  async get(path: string, query?: Query): Promise<unknown> {
    const res = await this.transport.request('GET', path, query)
    if (res.status === 404) return null
    return (res.body as Envelope | undefined)?.data ?? null
  }

  /** Pages through a collection from `offset`, `B2B_PAGE_SIZE` at a time, to `totalCount` (else a short page). */
  async *list(path: string, query: Query = {}, offset = 0): AsyncGenerator<B2BPage<unknown>> {
    for (let at = offset; ; ) {
      const res = await this.transport.request('GET', path, { ...query, limit: B2B_PAGE_SIZE, offset: at })
      if (res.status === 404) return
      const body = (res.body ?? {}) as Envelope
      const items = Array.isArray(body.data) ? body.data : []
      const total = typeof body.meta?.pagination?.totalCount === 'number' ? body.meta.pagination.totalCount : null
      if (items.length) yield { items, offset: at, total }
      at += items.length
      // With a total, a server that pages smaller than asked is read to the end; without one, a short page ends it.
      if (items.length === 0 || (total !== null ? at >= total : items.length < B2B_PAGE_SIZE)) return
    }
  }

  /** How many items a collection holds (`meta.pagination.totalCount` of a one-item page); null when not said. */
  async count(path: string, query: Query = {}): Promise<number | null> {
    const res = await this.transport.request('GET', path, { ...query, limit: 1, offset: 0 })
    const total = (res.body as Envelope | undefined)?.meta?.pagination?.totalCount
    return typeof total === 'number' ? total : null
  }

  /** Every item of a small collection (a company's users, its billing addresses). */
  async all(path: string, query: Query = {}): Promise<unknown[]> {
    const items: unknown[] = []
    for await (const page of this.list(path, query)) items.push(...page.items)
    return items
  }
}
