/**
 * HTTP under a shared, windowed request quota: the transport of the BigCommerce REST client (`bigcommerce-client.ts`) and
 * of the B2B Edition client (`b2b/b2b-client.ts`). Both APIs count every app's requests against one quota of the
 * store (research/bigcommerce.md §2 "Rate limits", §6 B2B Edition: 150 requests per minute shared by all
 * integrations), and report what is left in response headers, each in its own spelling (`RateHeaders`).
 *
 * On every response the transport reads what is left and, once it falls to the reserve kept for other apps,
 * waits for the window to reset before the next request. 429s wait the reset (or `Retry-After`, or a growing
 * backoff); 5xx, network errors and timeouts are retried with exponential backoff and jitter. Attempts and the
 * total wait of one call are bounded: past the bound the call gives up with a retryable `BigCommerceError` and
 * the caller's work is retried later. The access token is sent in a header and never appears in an error.
 */

import { sleep } from '../sleep'

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
export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE'

/** What a response says about the quota. */
export interface RateHeaderReading {
  left: number
  resetMs: number
  quota: number | null
  windowMs: number | null
}

/** How one API spells its quota in response headers. */
export interface RateHeaders {
  /** What is left of the window, or null when the response does not say. */
  read(headers: Headers): RateHeaderReading | null
  /** A 429's wait in ms, or null without a hint (then a growing backoff). */
  retryAfterMs(headers: Headers): number | null
  /** The quota and window assumed before any reading names them. */
  defaultQuota: number
  defaultWindowMs: number
}

export interface TransportTuning {
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

export interface TransportOptions extends TransportTuning {
  /** Everything before the request path (`https://api.bigcommerce.com/stores/abc`). */
  baseUrl: string
  /** Sent with every request: the authentication headers. */
  headers: Record<string, string>
  rateHeaders: RateHeaders
  /** Names the API in error messages (`BigCommerce`, `BigCommerce B2B`). */
  label: string
}

interface RateReading extends RateHeaderReading {
  at: number
}

const BACKOFF_BASE_MS = 250
const BACKOFF_CAP_MS = 8_000

export class QuotaTransport {
  private readonly base: string
  private readonly fetchFn: typeof fetch
  private readonly sleep: (ms: number) => Promise<void>
  private readonly maxAttempts: number
  private readonly maxWaitMs: number
  private readonly reserve: number
  private readonly timeoutMs: number
  private readonly now: () => number
  private readonly random: () => number
  private rate: RateReading | null = null

  constructor(private readonly options: TransportOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '')
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

  /**
   * One call, paced and retried: 404 and 2xx come back (`body` undefined for 204 or an empty body), any other
   * failure throws a `BigCommerceError`. A POST is repeated only after a 429, which is answered before anything
   * is done.
   */
  async request(method: Method, path: string, query?: Query, body?: unknown): Promise<{ status: number; body: unknown }> {
    const url = this.base + path + queryString(query)
    // Messages name the method and path only: queries may hold an email, headers hold the token.
    const what = `${this.options.label} ${method} ${path}`
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
          headers: { ...this.options.headers, Accept: 'application/json', 'Content-Type': 'application/json' },
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
        const retryAfter = this.options.rateHeaders.retryAfterMs(response.headers) ?? this.backoff(attempt)
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
    return this.reserve < 1 ? Math.ceil((rate.quota ?? this.options.rateHeaders.defaultQuota) * this.reserve) : this.reserve
  }

  /**
   * How many requests can go within `ms` from now without touching the reserve, by the last reading: what is
   * left of this window, then a full share of each window that starts in time. Unbounded before any reading.
   */
  capacityWithin(ms: number): number {
    const rate = this.rate
    if (!rate) return Number.POSITIVE_INFINITY
    const share = Math.max(0, (rate.quota ?? this.options.rateHeaders.defaultQuota) - this.reserveOf(rate))
    const windowMs = rate.windowMs || this.options.rateHeaders.defaultWindowMs
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
    const reading = this.options.rateHeaders.read(headers)
    if (reading) this.rate = { ...reading, at: this.now() }
  }

  /** Exponential backoff with jitter: half the step fixed, half random. */
  private backoff(attempt: number): number {
    const step = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1))
    return Math.round(step / 2 + (this.random() * step) / 2)
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

/** A header's leading non-negative number (`"150"`, B2B's `"150 times"`, `"0.39 s"`), or null. */
export function numberHeader(headers: Headers, name: string): number | null {
  const raw = headers.get(name)
  if (raw === null) return null
  const match = /^\s*(\d+(?:\.\d+)?)/.exec(raw)
  return match ? Number(match[1]) : null
}

/**
 * The API's own error message, short; never a header. BigCommerce puts it in `title` (or `message`), B2B
 * Edition in `meta.message` with details in `data.errMsg` (b2b-edition/about/index.mdx, "Responses").
 */
async function errorDetail(response: Response): Promise<string> {
  try {
    const text = (await response.text()).slice(0, 2000)
    const parsed = JSON.parse(text) as unknown
    const first = (Array.isArray(parsed) ? parsed[0] : parsed) as Record<string, unknown> | undefined
    if (!first || typeof first !== 'object') return ''
    const meta = first.meta as Record<string, unknown> | undefined
    const data = first.data as Record<string, unknown> | undefined
    const title = first.title ?? first.message ?? meta?.message
    const detail = typeof data?.errMsg === 'string' ? data.errMsg : data?.errMsg ? JSON.stringify(data.errMsg) : ''
    const message = [typeof title === 'string' ? title : '', detail].filter(Boolean).join(': ')
    return message ? ` (${message.slice(0, 200)})` : ''
  } catch {
    return ''
  }
}
