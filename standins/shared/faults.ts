import { createRandom } from './prng'

/**
 * Fault injection for stand-ins: the next matching request(s) get a canned response (a 5xx, a 429 without
 * rate-limit headers, a slow answer that trips a client's timeout) instead of the real one.
 */
export interface FaultMatch {
  method?: string
  /** A string is compared with each candidate path the stand-in offers; a RegExp is tested against the pathname. */
  path: string | RegExp
}

export interface FaultResponse {
  status: number
  headers?: Record<string, string>
  /** An object is sent as JSON, a string as is, undefined as no body. */
  body?: unknown
  /** Real milliseconds to wait before answering (ends early when the request's signal aborts). */
  delayMs?: number
}

interface Fault {
  match: FaultMatch
  response: FaultResponse
  remaining: number
  share: number
}

export class FaultInjector {
  private faults: Fault[] = []
  // Seeded: a benchmark's "10% of calls" picks the same calls every run.
  private readonly random = createRandom(7)

  /**
   * `times` defaults to 1; Infinity keeps the fault until `clear()`. `share` (default 1) makes only that share
   * of the matching requests fail, e.g. 0.1 for one in ten, picked at random.
   */
  fail(match: FaultMatch, response: FaultResponse, times = 1, share = 1): void {
    this.faults.push({ match, response, remaining: times, share })
  }

  clear(): void {
    this.faults = []
  }

  /** The first fault matching the request, consumed once. */
  take(method: string, pathname: string, candidates: readonly string[] = [pathname]): FaultResponse | undefined {
    const fault = this.faults.find((f) =>
      f.remaining > 0 &&
      (f.share >= 1 || this.random.chance(f.share)) &&
      (!f.match.method || f.match.method.toUpperCase() === method.toUpperCase()) &&
      (typeof f.match.path === 'string' ? candidates.includes(f.match.path) : f.match.path.test(pathname)))
    if (!fault) return undefined
    fault.remaining -= 1
    if (fault.remaining <= 0) this.faults = this.faults.filter((f) => f !== fault)
    return fault.response
  }
}

export async function faultResponse(fault: FaultResponse, signal?: AbortSignal): Promise<Response> {
  if (fault.delayMs) await delay(fault.delayMs, signal)
  const isJson = fault.body !== undefined && typeof fault.body !== 'string'
  const body = fault.body === undefined ? null : isJson ? JSON.stringify(fault.body) : (fault.body as string)
  const headers = new Headers(fault.headers)
  if (isJson && !headers.has('content-type')) headers.set('content-type', 'application/json')
  return new Response(fault.status === 204 || fault.status === 304 ? null : body, { status: fault.status, headers })
}

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve()
    const timer = setTimeout(resolve, ms)
    signal?.addEventListener('abort', () => {
      clearTimeout(timer)
      resolve()
    }, { once: true })
  })
}
