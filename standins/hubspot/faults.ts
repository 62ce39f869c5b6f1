/**
 * Fault injection: make the next matching request(s) fail the way HubSpot sometimes does (5xx, 429, 423 Locked,
 * 477 with Retry-After), or answer slowly so a client's timeout fires.
 *
 *   standin.faults.fail({ path: '/crm/v3/objects/contacts/batch/upsert' }, { status: 502 }, 2)
 *   standin.faults.fail({ method: 'POST', path: /batch\/upsert$/ }, { status: 429, headers: { 'Retry-After': '1' } })
 *   standin.faults.fail({ path: /./ }, { status: 504, delayMs: 30_000 })   // a timeout, unless the client aborts
 *
 * A string path matches the request's pathname exactly, a RegExp is tested against it. `times` defaults to
 * 1; pass Infinity for "until cleared". A fault answers before authentication and rate limiting, and does not
 * touch the portal. Without a body, a JSON body in HubSpot's error shape is sent (the rate-limit body for 429).
 */
import { errorBody, rateLimitBody } from './errors'

export interface FaultMatch {
  method?: string
  path: string | RegExp
}

export interface FaultResponse {
  status: number
  headers?: Record<string, string>
  body?: unknown
  /** Real milliseconds to wait before answering (aborted early if the request's signal aborts). */
  delayMs?: number
}

interface Fault {
  match: FaultMatch
  response: FaultResponse
  remaining: number
}

export class Faults {
  private faults: Fault[] = []

  fail(match: FaultMatch, response: FaultResponse, times = 1): void {
    this.faults.push({ match, response, remaining: times })
  }

  clear(): void {
    this.faults = []
  }

  /** The response of the first fault matching this request, consuming one of its uses. */
  take(method: string, path: string): FaultResponse | undefined {
    const fault = this.faults.find((f) => matches(f.match, method, path))
    if (!fault) return undefined
    if (--fault.remaining <= 0) this.faults = this.faults.filter((f) => f !== fault)
    return fault.response
  }
}

function matches(match: FaultMatch, method: string, path: string): boolean {
  if (match.method && match.method.toUpperCase() !== method) return false
  return typeof match.path === 'string' ? match.path === path : match.path.test(path)
}

export async function faultResponse(fault: FaultResponse, signal?: AbortSignal): Promise<Response> {
  if (fault.delayMs) await sleep(fault.delayMs, signal)
  const body = fault.body === undefined ? defaultBody(fault.status) : fault.body
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  const type = typeof body === 'string' ? 'text/plain;charset=utf-8' : 'application/json;charset=utf-8'
  return new Response(text, { status: fault.status, headers: { 'content-type': type, ...fault.headers } })
}

function defaultBody(status: number): unknown {
  if (status === 429) return rateLimitBody('TEN_SECONDLY_ROLLING')
  if (status === 423) return errorBody('LOCKED', 'The resource is locked; retry after at least 2 seconds.')
  return errorBody('INTERNAL_ERROR', `The stand-in was told to fail with ${status}.`)
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const timer = setTimeout(resolve, ms)
    signal?.addEventListener('abort', () => {
      clearTimeout(timer)
      reject(signal.reason)
    })
  })
}
