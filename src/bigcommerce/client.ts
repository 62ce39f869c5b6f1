/**
 * The BigCommerce REST client: `{apiBase}/stores/{hash}/v2|v3/...` with the store's access token.
 *
 * The API quota is shared by every app on the store (research/bigcommerce.md §2 "Rate limits", pitfall 10),
 * so the client reads `X-Rate-Limit-Requests-Left` / `X-Rate-Limit-Time-Reset-Ms` on every response and, once
 * the requests left fall to the reserve kept for other apps, waits for the window to reset before the next
 * request. 429s wait the reset (or `X-Retry-After`, or a growing backoff); 5xx, network errors and timeouts
 * are retried with exponential backoff and jitter. Attempts and the total wait of one call are bounded:
 * hydration runs in `waitUntil`, so past the bound the call gives up with a retryable `BigCommerceError`
 * and the event is retried later by the sweep.
 *
 * The access token is sent in a header and never appears in an error message.
 */

import { sleep } from '../sleep'

export interface BigCommerceClientOptions {
  apiBase: string
  storeHash: string
  accessToken: string
  fetch?: typeof fetch
  sleep?: (ms: number) => Promise<void>
  /** Attempts per call, the first included. Default 4. */
  maxAttempts?: number
  /** Most a single call may spend waiting (backoff, 429s, reserve pauses). Default 20 s. */
  maxWaitMs?: number
  /**
   * Requests to leave for other apps in each rate window: a fraction of the quota when below 1 (default 0.1,
   * i.e. 10%), otherwise a number of requests.
   */
  reserve?: number
  /** Per-request timeout. Default 15 s. */
  timeoutMs?: number
  /** Milliseconds clock, for the age of the last rate-limit reading. Default Date.now. */
  now?: () => number
  /** In [0, 1), for backoff jitter. Default Math.random. */
  random?: () => number
}

export class BigCommerceError extends Error {
  override readonly name = 'BigCommerceError'
  readonly status: number
  readonly retryable: boolean
  readonly retryAfterMs?: number

  constructor(init: { status: number; retryable: boolean; retryAfterMs?: number; message: string }) {
    super(init.message)
    this.status = init.status
    this.retryable = init.retryable
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs
  }
}

export type Query = Record<string, string | number | boolean | undefined | null>
type Method = 'GET' | 'POST' | 'PUT' | 'DELETE'

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

/** The rate-limit state the last response reported. */
interface RateReading {
  left: number
  quota: number | null
  resetMs: number
  windowMs: number | null
  at: number
}

const DEFAULT_QUOTA = 150 // Standard/Plus plans: 150 requests per 30 s window.
const DEFAULT_WINDOW_MS = 30_000
const BACKOFF_BASE_MS = 250
const BACKOFF_CAP_MS = 8_000

export class BigCommerceClient {
  /** The store this client talks to (links into its control panel are built from it). */
  readonly storeHash: string
  private readonly base: string
  private readonly accessToken: string
  private readonly fetchFn: typeof fetch
  private readonly sleep: (ms: number) => Promise<void>
  private readonly maxAttempts: number
  private readonly maxWaitMs: number
  private readonly reserve: number
  private readonly timeoutMs: number
  private readonly now: () => number
  private readonly random: () => number
  private rate: RateReading | null = null

  constructor(options: BigCommerceClientOptions) {
    this.storeHash = options.storeHash
    this.base = `${options.apiBase.replace(/\/+$/, '')}/stores/${encodeURIComponent(options.storeHash)}`
    this.accessToken = options.accessToken
    // Looked up per call so a replaced global fetch (tests) is honoured.
    this.fetchFn = options.fetch ?? ((input, init) => fetch(input, init))
    this.sleep = options.sleep ?? sleep
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 4)
    this.maxWaitMs = options.maxWaitMs ?? 20_000
    this.reserve = options.reserve ?? 0.1
    this.timeoutMs = options.timeoutMs ?? 15_000
    this.now = options.now ?? Date.now
    this.random = options.random ?? Math.random
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

  private async request(
    method: Method,
    path: string,
    query?: Query,
    body?: unknown,
  ): Promise<{ status: number; body: unknown }> {
    const url = this.base + path + queryString(query)
    // Messages name the method and path only: queries may hold an email, headers hold the token.
    const what = `BigCommerce ${method} ${path}`
    let waited = 0
    const wait = async (ms: number, reason: string, status: number) => {
      if (waited + ms > this.maxWaitMs) {
        throw new BigCommerceError({
          status,
          retryable: true,
          retryAfterMs: ms,
          message: `${what}: ${reason}; giving up rather than wait ${ms} ms (waited ${waited} ms)`,
        })
      }
      waited += ms
      await this.sleep(ms)
    }

    for (let attempt = 1; ; attempt++) {
      const pause = this.reservePause()
      if (pause > 0) {
        await wait(pause, 'requests left reached the reserve kept for other apps', 429)
        this.rate = null
      }

      let response: Response
      try {
        response = await this.fetchFn(url, {
          method,
          headers: {
            'X-Auth-Token': this.accessToken,
            Accept: 'application/json',
            'Content-Type': 'application/json',
          },
          ...(body !== undefined && { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(this.timeoutMs),
        })
      } catch (err) {
        const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')
        const reason = timedOut ? `timed out after ${this.timeoutMs} ms` : 'network error'
        // A POST may have been applied before the connection broke: don't repeat it.
        if (method === 'POST' || attempt >= this.maxAttempts) {
          throw new BigCommerceError({ status: 0, retryable: true, message: `${what}: ${reason} (attempt ${attempt})` })
        }
        await wait(this.backoff(attempt), reason, 0)
        continue
      }

      this.observe(response.headers)
      const status = response.status

      if (status === 429) {
        await response.body?.cancel()
        const retryAfter = this.retryAfter(response.headers) ?? this.backoff(attempt)
        if (attempt >= this.maxAttempts) {
          throw new BigCommerceError({
            status,
            retryable: true,
            retryAfterMs: retryAfter,
            message: `${what}: rate limited (429) after ${attempt} attempts`,
          })
        }
        await wait(retryAfter, 'rate limited (429)', status)
        this.rate = null
        continue
      }

      if (status >= 500) {
        const detail = await errorDetail(response)
        if (method === 'POST' || attempt >= this.maxAttempts) {
          throw new BigCommerceError({
            status,
            retryable: true,
            message: `${what}: ${status}${detail} after ${attempt} attempts`,
          })
        }
        await wait(this.backoff(attempt), `server error ${status}`, status)
        continue
      }

      if (status === 404) {
        await response.body?.cancel()
        return { status, body: undefined }
      }

      if (status >= 400) {
        const detail = await errorDetail(response)
        throw new BigCommerceError({ status, retryable: false, message: `${what}: ${status}${detail}` })
      }

      const text = await response.text()
      if (status === 204 || text.trim() === '') return { status, body: undefined }
      try {
        return { status, body: JSON.parse(text) }
      } catch {
        // A truncated body is a transient failure of the transport, not of the request.
        if (method === 'POST' || attempt >= this.maxAttempts) {
          throw new BigCommerceError({ status, retryable: true, message: `${what}: ${status} with a body that is not JSON` })
        }
        await wait(this.backoff(attempt), 'body is not JSON', status)
      }
    }
  }

  /** How long to pause before the next request so other apps keep their share of the quota. */
  private reservePause(): number {
    const rate = this.rate
    if (!rate) return 0
    if (rate.left > this.reserveOf(rate)) return 0
    return Math.max(0, rate.resetMs - (this.now() - rate.at))
  }

  private reserveOf(rate: RateReading): number {
    return this.reserve < 1 ? Math.ceil((rate.quota ?? DEFAULT_QUOTA) * this.reserve) : this.reserve
  }

  /**
   * How many requests can go within `ms` from now without touching the reserve, by the last reading: what is
   * left of this window, then a full share of each window that starts in time. Unbounded before any reading.
   */
  capacityWithin(ms: number): number {
    const rate = this.rate
    if (!rate) return Number.POSITIVE_INFINITY
    const share = Math.max(0, (rate.quota ?? DEFAULT_QUOTA) - this.reserveOf(rate))
    const windowMs = rate.windowMs || DEFAULT_WINDOW_MS
    const resetInMs = Math.max(0, rate.resetMs - (this.now() - rate.at))
    const leftNow = resetInMs === 0 ? share : Math.max(0, rate.left - this.reserveOf(rate))
    if (ms < resetInMs) return leftNow
    return leftNow + share * (Math.floor((ms - resetInMs) / windowMs) + (resetInMs === 0 ? 0 : 1))
  }

  /**
   * Makes sure `calls` requests can go without touching the reserve, waiting for the rate window to reset if
   * it must and may (at most `maxWaitMs`). False when it would have to wait longer: a batch of work that
   * needs them is better started in a later run than cut short by a pause it cannot sit out.
   */
  async reserveQuota(calls: number, maxWaitMs: number): Promise<boolean> {
    const rate = this.rate
    if (!rate || calls <= 0) return true
    const resetInMs = Math.max(0, rate.resetMs - (this.now() - rate.at))
    if (resetInMs === 0 || rate.left - this.reserveOf(rate) >= calls) return true
    if (resetInMs > maxWaitMs) return false
    await this.sleep(resetInMs)
    this.rate = null
    return true
  }

  private observe(headers: Headers): void {
    const left = numberHeader(headers, 'X-Rate-Limit-Requests-Left')
    const resetMs = numberHeader(headers, 'X-Rate-Limit-Time-Reset-Ms')
    if (left === null || resetMs === null) return
    this.rate = {
      left,
      resetMs,
      quota: numberHeader(headers, 'X-Rate-Limit-Requests-Quota'),
      windowMs: numberHeader(headers, 'X-Rate-Limit-Time-Window-Ms'),
      at: this.now(),
    }
  }

  /** A 429's wait: the window reset, else `X-Retry-After` seconds; null without either (platform load). */
  /** A 429's wait: the window's reset or `X-Retry-After` (seconds); with both present, the longer. */
  private retryAfter(headers: Headers): number | null {
    const resetMs = numberHeader(headers, 'X-Rate-Limit-Time-Reset-Ms')
    const seconds = numberHeader(headers, 'X-Retry-After') ?? numberHeader(headers, 'Retry-After')
    const waits = [resetMs, seconds === null ? null : seconds * 1000].filter((ms): ms is number => ms !== null)
    return waits.length ? Math.max(...waits) : null
  }

  /** Exponential backoff with jitter: half the step fixed, half random. */
  private backoff(attempt: number): number {
    const step = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1))
    return Math.round(step / 2 + (this.random() * step) / 2)
  }

  private shapeError(path: string, expected: string): BigCommerceError {
    return new BigCommerceError({ status: 200, retryable: false, message: `BigCommerce GET ${path}: expected ${expected}` })
  }
}

function queryString(query?: Query): string {
  if (!query) return ''
  const parts: string[] = []
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue
    // Filters such as `id:in` keep their colon; values are fully encoded (RFC-2822 dates hold `+` and spaces).
    parts.push(`${encodeURIComponent(key).replace(/%3A/gi, ':')}=${encodeURIComponent(String(value))}`)
  }
  return parts.length > 0 ? `?${parts.join('&')}` : ''
}

function numberHeader(headers: Headers, name: string): number | null {
  const raw = headers.get(name)
  if (raw === null || raw.trim() === '') return null
  const n = Number(raw)
  return Number.isFinite(n) && n >= 0 ? n : null
}

/** The API's own error title, short; never a header. */
async function errorDetail(response: Response): Promise<string> {
  try {
    const text = (await response.text()).slice(0, 2000)
    const parsed = JSON.parse(text) as unknown
    const first = Array.isArray(parsed) ? parsed[0] : parsed
    const title =
      first && typeof first === 'object'
        ? ((first as Record<string, unknown>).title ?? (first as Record<string, unknown>).message)
        : undefined
    return typeof title === 'string' && title ? ` (${title.slice(0, 200)})` : ''
  } catch {
    return ''
  }
}
