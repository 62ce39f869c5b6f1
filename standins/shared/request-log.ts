import type { MiddlewareHandler } from 'hono'

/** One request a stand-in answered, for tests' assertions and the benchmarks' counts. */
export interface RequestLogEntry {
  method: string
  /** The full pathname, e.g. `/stores/teststore/v2/orders/100`. */
  path: string
  /** The query string with its `?`, or ''. */
  query: string
  status: number
  /** Clock time (ms) when the request arrived. */
  at: number
}

/** Appends every request to `log` once it is answered. */
export function requestLog(log: RequestLogEntry[], clock: () => number): MiddlewareHandler {
  return async (c, next) => {
    const url = new URL(c.req.url)
    const at = clock()
    await next()
    log.push({ method: c.req.method, path: url.pathname, query: url.search, status: c.res.status, at })
  }
}
