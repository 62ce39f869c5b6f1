/**
 * The stand-in's HTTP surface: a portable Hono app (web-standard Request/Response only). Every request
 * passes, in order: request log → store hash (404) → X-Auth-Token (401) → injected faults → rate limit (429)
 * → the resource routes; successful passes get BigCommerce's rate-limit headers.
 */
import { Hono } from 'hono'
import type { Context } from 'hono'
import { FaultInjector, faultResponse } from '../shared/faults'
import { requestLog, type RequestLogEntry } from '../shared/request-log'
import { QueryError, STATUS_CODES_TYPE, v2Error, v3Error } from './http'
import { cartsV3 } from './routes/carts'
import { channelsV3 } from './routes/channels'
import { catalogV3 } from './routes/catalog'
import { customersV3 } from './routes/customers'
import { hooksV3 } from './routes/hooks'
import { ordersV2 } from './routes/orders'
import { paymentsV3 } from './routes/payments'
import { StoreError, type BigCommerceStore } from './store'

export type { FaultMatch, FaultResponse } from '../shared/faults'
export type { RequestLogEntry } from '../shared/request-log'
export { FaultInjector }

export class RateLimiter {
  private windowStart = Number.NEGATIVE_INFINITY
  private used = 0

  constructor(public quota: number, public windowMs: number) {}

  reset(quota: number, windowMs: number): void {
    this.quota = quota
    this.windowMs = windowMs
    this.windowStart = Number.NEGATIVE_INFINITY
    this.used = 0
  }

  /** Counts one request at `now`; `allowed` false when the window's quota is spent. */
  take(now: number): { allowed: boolean; headers: Record<string, string> } {
    if (now >= this.windowStart + this.windowMs) {
      this.windowStart = now
      this.used = 0
    }
    const allowed = this.used < this.quota
    if (allowed) this.used += 1
    return {
      allowed,
      headers: {
        'X-Rate-Limit-Time-Window-Ms': String(this.windowMs),
        'X-Rate-Limit-Time-Reset-Ms': String(Math.max(0, this.windowStart + this.windowMs - now)),
        'X-Rate-Limit-Requests-Quota': String(this.quota),
        'X-Rate-Limit-Requests-Left': String(this.quota - this.used),
      },
    }
  }
}

/** What the token may do: `customers: 'read-only'` is an API account without the Customers modify scope. */
export interface StandinScopes {
  customers: 'modify' | 'read-only'
}

export interface AppOptions {
  store: BigCommerceStore
  accessToken: string
  scopes: StandinScopes
  clock: () => number
  limiter: RateLimiter
  faults: FaultInjector
  log: RequestLogEntry[]
}

const UNAUTHORIZED_TITLE =
  'Unauthorized - the v3 Auth client ID or token in the request are not a valid combination for this store.'

export function createApp(options: AppOptions): Hono {
  const { store, accessToken, scopes, clock, limiter, faults, log } = options
  const app = new Hono()

  app.use('*', requestLog(log, clock))

  app.use('*', async (c, next) => {
    const url = new URL(c.req.url)
    const match = /^\/stores\/([^/]+)(\/v[23]\/.*)$/.exec(url.pathname)
    if (!match || match[1] !== store.storeHash) {
      return c.json({ status: 404, title: 'Store not found', type: STATUS_CODES_TYPE }, 404)
    }
    if (c.req.header('X-Auth-Token') !== accessToken) {
      return c.json({ status: 401, title: UNAUTHORIZED_TITLE, type: STATUS_CODES_TYPE }, 401)
    }
    // A write the API account's scopes do not cover is refused before anything else is looked at.
    if (c.req.method !== 'GET' && scopes.customers === 'read-only' && /^\/v3\/customers(\/|$)/.test(match[2]!)) {
      return c.json({ status: 403, title: "You don't have a required scope to access the endpoint", type: STATUS_CODES_TYPE }, 403)
    }
    // A string fault path may name the API path without the store prefix, or the full pathname.
    const fault = faults.take(c.req.method, url.pathname, [match[2]!, url.pathname])
    if (fault) return faultResponse(fault, c.req.raw.signal)
    const rate = limiter.take(clock())
    if (!rate.allowed) {
      return c.json({ status: 429, title: 'Too many requests', type: STATUS_CODES_TYPE }, 429, rate.headers)
    }
    await next()
    // Responses from route handlers may have immutable headers: rebuild when needed.
    const res = new Response(c.res.body, c.res)
    for (const [name, value] of Object.entries(rate.headers)) res.headers.set(name, value)
    c.res = undefined
    c.res = res
  })

  app.route('/stores/:hash/v2', ordersV2(store))
  for (const routes of [paymentsV3, customersV3, catalogV3, cartsV3, channelsV3, hooksV3]) {
    app.route('/stores/:hash/v3', routes(store))
  }

  app.notFound((c) => notFound(c))
  app.onError((error, c) => {
    const v2 = isV2(c)
    if (error instanceof QueryError) {
      return v2 ? v2Error(400, error.message) : v3Error(422, 'The filter(s) provided are invalid.', { [error.field]: error.message })
    }
    if (error instanceof StoreError) return v2 ? v2Error(422, error.message) : v3Error(422, error.message)
    return v2 ? v2Error(500, 'Internal stand-in error') : v3Error(500, `Internal stand-in error: ${String(error)}`)
  })
  return app
}

function isV2(c: Context): boolean {
  return /^\/stores\/[^/]+\/v2\//.test(new URL(c.req.url).pathname)
}

function notFound(c: Context): Response {
  return isV2(c) ? v2Error(404, 'The requested resource was not found.') : v3Error(404, 'The requested resource was not found.')
}
