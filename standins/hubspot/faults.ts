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
 *
 * Matching and delays are the shared injector's (../shared/faults.ts); only the default body is HubSpot's.
 */
import { faultResponse as cannedResponse, type FaultResponse } from '../shared/faults'
import { errorBody, rateLimitBody } from './errors'

export { FaultInjector } from '../shared/faults'
export type { FaultMatch, FaultResponse } from '../shared/faults'

export function faultResponse(fault: FaultResponse, signal?: AbortSignal): Promise<Response> {
  const body = fault.body === undefined ? defaultBody(fault.status) : fault.body
  // JSON goes out with the charset every other HubSpot stand-in response names (see json() in ./errors.ts).
  const headers = new Headers(fault.headers)
  if (typeof body !== 'string' && !headers.has('content-type')) {
    headers.set('content-type', 'application/json;charset=utf-8')
  }
  return cannedResponse({ ...fault, body, headers: Object.fromEntries(headers) }, signal)
}

function defaultBody(status: number): unknown {
  if (status === 429) return rateLimitBody('TEN_SECONDLY_ROLLING')
  if (status === 423) return errorBody('LOCKED', 'The resource is locked; retry after at least 2 seconds.')
  return errorBody('INTERNAL_ERROR', `The stand-in was told to fail with ${status}.`)
}
