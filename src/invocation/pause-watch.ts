import { BigCommerceError } from '../bigcommerce/bigcommerce-client'
import { openApiPause, type ApiPauseRow, type PauseCause } from '../db/api-pauses'

/**
 * BigCommerce's circuit breaker as one invocation sees it. A 401 or 403 (a revoked or rotated token, a lost
 * scope) pauses processing at once: retrying cannot help until someone fixes the token, and until then every
 * event would fail. A run of outages (5xx, timeouts, network errors) pauses it too, but only when it spans
 * several resources: one order BigCommerce cannot serve must not stop the store's other events, and follows
 * the usual retries. While paused nothing is claimed, and an event whose attempt failed because of the pause
 * gets its attempt back.
 */
export const OUTAGE_RUN = 5
export const OUTAGE_RESOURCES = 3
/** A read every token the worker needs can do (channels read), for probes of an outage. */
export const DEFAULT_PROBE_PATH = '/v3/channels'

const MINUTE = 60_000
/** A probe every minute for the first half hour, then every 5 minutes; a little early, so each cron tick finds it due. */
export function nextProbeAt(since: number, now: number): number {
  const interval = now - since < 30 * MINUTE ? MINUTE : 5 * MINUTE
  return now + interval - 5_000
}

export interface ApiFault {
  cause: PauseCause
  status: number
  /** BigCommerce's own error title, when it gave one. */
  detail: string | null
  /** The GET that failed (path only), when it was one. */
  path: string | null
}

/** What a failure says about BigCommerce itself; null when it is about the request or the resource (or a 429). */
export function apiFault(err: unknown): ApiFault | null {
  if (!(err instanceof BigCommerceError)) return null
  const auth = err.status === 401 || err.status === 403
  const outage = err.retryable && (err.status === 0 || err.status >= 500)
  if (!auth && !outage) return null
  // Messages are `BigCommerce GET /v2/orders/5: 401 (Unauthorized)`: the client never puts a query in them.
  const what = /^BigCommerce (GET|POST|PUT|DELETE) (\/v[23]\/[^\s:]*)/.exec(err.message)
  const detail = /\(([^()]*)\)(?: after \d+ attempts)?$/.exec(err.message)?.[1] ?? null
  return {
    cause: auth ? 'auth' : 'outage',
    status: err.status,
    detail: auth || err.status !== 0 ? detail : err.message.replace(/^BigCommerce \S+ \S+: /, ''),
    path: what?.[1] === 'GET' ? what[2]! : null,
  }
}

export class PauseWatch {
  private run: string[] = []

  constructor(
    private readonly db: D1Database,
    private current: ApiPauseRow,
    private readonly clock: () => number = Date.now,
  ) {}

  get paused(): boolean {
    return this.current.paused
  }

  get state(): ApiPauseRow {
    return this.current
  }

  succeeded(): void {
    this.run = []
  }

  /** The pause was closed (a probe, an operator): the rest of this invocation may process again. */
  resumed(): void {
    this.current = { ...this.current, paused: false }
    this.run = []
  }

  /**
   * A failed attempt at `resource`: true when it failed because of the API (now paused), so the attempt is
   * given back; false when it is the event's own failure and takes its attempt as usual.
   */
  async failed(err: unknown, resource: string): Promise<boolean> {
    const fault = apiFault(err)
    if (!fault) return false
    if (this.paused) return true
    if (fault.cause === 'outage') {
      this.run.push(resource)
      if (this.run.length < OUTAGE_RUN || new Set(this.run).size < OUTAGE_RESOURCES) return false
    }
    await this.open(fault)
    return true
  }

  private async open(fault: ApiFault): Promise<void> {
    const now = this.clock()
    const probePath = (fault.cause === 'auth' && fault.path) || DEFAULT_PROBE_PATH
    await openApiPause(this.db, 'bigcommerce', { ...fault, probePath, now, nextProbeAt: nextProbeAt(now, now) })
    this.current = { ...this.current, paused: true, cause: fault.cause, status: fault.status, detail: fault.detail, probePath, since: now }
    console.warn(`BigCommerce processing paused: ${fault.cause === 'auth' ? 'it refuses the token' : 'outage'} (${fault.status}${fault.detail ? ` ${fault.detail}` : ''})`)
  }
}

/** Outside event processing (the backfill): a refused token or scope pauses BigCommerce; true when it did. */
export async function pauseOnRefusal(db: D1Database, err: unknown, now: number): Promise<boolean> {
  const fault = apiFault(err)
  if (fault?.cause !== 'auth') return false
  await openApiPause(db, 'bigcommerce', { ...fault, probePath: fault.path ?? DEFAULT_PROBE_PATH, now, nextProbeAt: nextProbeAt(now, now) })
  return true
}
