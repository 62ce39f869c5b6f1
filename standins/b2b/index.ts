/**
 * Local stand-in of BigCommerce's B2B Edition REST Management API v3 (companies, users, addresses), for tests
 * (in-process, inside workerd), `npm start` (as a Node server, see server.ts) and benchmarks. It sits beside a
 * BigCommerce stand-in: company users are that store's customers, and B2B Edition's webhooks are delivered
 * through that store's hooks (they are registered with the ordinary `/v3/hooks` API). Never imported by `src/`.
 *
 *   const bigcommerce = createBigCommerceStandin()
 *   const b2b = createB2BStandin({ bigcommerce })            // token 'bc-test-token', store hash 'teststore'
 *   serveHost('b2b.standin', b2b.fetch)
 *   const { value, events } = b2b.store.createCompany({ companyName: 'Acme', ... })
 *   await b2b.dispatch(events, { target, clientSecret })      // to the store's hooks whose scope matches
 *
 * createB2BStandin(options) → B2BStandin
 *   options: { bigcommerce (required), accessToken = the store's, storeHash = the store's, rateLimit =
 *              { quota: 150, windowMs: 60000 } (150 per minute for all integrations, best-practices.mdx),
 *              clock = the store's }
 *   standin.fetch(request)     serves `/api/v3/io/...` (app.ts lists the routes and what they refuse)
 *   standin.store              B2BStore: companies, users, addresses and their mutations (store.ts)
 *   standin.emitted            events the API's own mutations caused (POST /companies, ...), oldest first
 *   standin.faults / requests / setRateLimit(quota, windowMs) / dispatch(events, options)   as the BigCommerce stand-in's
 */
import type { BigCommerceStandin, StoreEvent } from '../bigcommerce'
import { RateLimiter } from '../bigcommerce/app'
import { FaultInjector, type FaultMatch, type FaultResponse } from '../shared/faults'
import { createApp, type RequestLogEntry } from './app'
import { B2BStore } from './store'

export { B2BError, B2BStore, BULK_LIMIT } from './store'
export type { CompanyInput, UserInput, AddressInput, StoredCompany, StoredUser, StoredAddress } from './store'
export type { RequestLogEntry } from './app'

export interface B2BStandinOptions {
  bigcommerce: BigCommerceStandin
  accessToken?: string
  storeHash?: string
  rateLimit?: { quota: number; windowMs: number }
  clock?: () => number
}

export interface B2BStandin {
  fetch(request: Request): Promise<Response>
  store: B2BStore
  emitted: StoreEvent[]
  faults: { fail(match: FaultMatch, response: FaultResponse, times?: number, share?: number): void; clear(): void }
  requests: RequestLogEntry[]
  setRateLimit(quota: number, windowMs: number): void
  dispatch: BigCommerceStandin['dispatch']
}

export function createB2BStandin(options: B2BStandinOptions): B2BStandin {
  const { bigcommerce } = options
  const clock = options.clock ?? (() => bigcommerce.store.clock())
  const store = new B2BStore(bigcommerce.store, clock)
  const limiter = new RateLimiter(options.rateLimit?.quota ?? 150, options.rateLimit?.windowMs ?? 60_000)
  const faults = new FaultInjector()
  const requests: RequestLogEntry[] = []
  const emitted: StoreEvent[] = []
  const app = createApp({
    store,
    accessToken: options.accessToken ?? 'bc-test-token',
    storeHash: options.storeHash ?? bigcommerce.store.storeHash,
    clock,
    limiter,
    faults,
    log: requests,
    onEvents: (events) => emitted.push(...events),
  })
  return {
    fetch: async (request) => app.fetch(request),
    store,
    emitted,
    faults: { fail: (match, response, times, share) => faults.fail(match, response, times, share), clear: () => faults.clear() },
    requests,
    setRateLimit: (quota, windowMs) => limiter.reset(quota, windowMs),
    dispatch: (events, dispatchOptions) => bigcommerce.dispatch(events, dispatchOptions),
  }
}
