/**
 * Local stand-in of the BigCommerce REST API (v2 orders, v3 customers/subscribers/catalog/carts/channels/
 * hooks/refunds), for tests (in-process, inside workerd), `npm start` (as a Node server, see server.ts) and
 * benchmarks. Web-standard Request/Response only; state lives in memory.
 *
 * Public API (keep stable; other parts depend on it):
 *
 *   createBigCommerceStandin(options?) → BigCommerceStandin
 *     options: { storeHash = 'teststore', accessToken = 'bc-test-token',
 *                rateLimit = { quota: 150, windowMs: 30000 }, clock = Date.now,
 *                randomSeed = 1 (tokens/UUIDs), defaultCatalog = true (products 1–3),
 *                latencyMs = 0 (real delay per call, for benchmarks) }
 *   standin.fetch(request)          serves `/stores/{hash}/v2/...` and `/stores/{hash}/v3/...`
 *   standin.store                   BigCommerceStore: state maps + mutations returning webhook events
 *                                   (store.ts documents each one)
 *   standin.faults.fail(match, response, times = 1, share = 1) / faults.clear()
 *                                   match { method?, path: string | RegExp }; response { status, headers?,
 *                                   body?, delayMs? } (a timeout: a delay longer than the client's timeout)
 *   standin.requests                log of { method, path, query, status, at }
 *   standin.setRateLimit(quota, windowMs)   also resets the current window
 *   standin.dispatch(events, { target?, clientSecret?, ... })
 *                                   delivers events to the store's registered hooks (webhooks.ts)
 *
 *   From './webhooks': buildEnvelope, signDelivery, deliver, dispatchToHooks, scopeMatches, sha1Hex
 *   From './seed': seedStore(store, { customers, orders, seed, now })
 *   From './current-customer': currentCustomerToken({ customer, storeHash, clientId, clientSecret, at?, ttlSeconds? })
 *                                   the storefront's Current Customer JWT (HS256 with the app's client secret)
 *   From './server' (Node only): startBigCommerceStandin({ port, ...options, seed?: SeedOptions | true })
 *                                   → { url, standin, seeded?, close() }
 *
 * Behaviour worth knowing: wrong or missing X-Auth-Token → 401; another store hash → 404; every passed
 * request counts against the rate limit and carries the X-Rate-Limit-* headers; past the quota → 429 until
 * the window (measured from its first request, on the injected clock) ends. Faults bypass the rate limit.
 * v2 answers empty collections with 204; v2 bad query values → 400, v3 → 422; `limit` is capped at 250.
 */
import { createApp, FaultInjector, RateLimiter, type FaultMatch, type FaultResponse, type RequestLogEntry } from './app'
import { BigCommerceStore } from './store'
import type { StoreEvent } from './types'
import { dispatchToHooks, type DeliveryTarget, type DispatchResult } from './webhooks'

export { BigCommerceStore, StoreError } from './store'
export type {
  CartInput, CartPatch, CouponInput, CustomerInput, HookInput, LineInput, Mutation, OrderInput, ProductInput,
  RefundInput, StoreOptions,
} from './store'
export type * from './types'
export type { FaultMatch, FaultResponse, RequestLogEntry } from './app'
export {
  buildEnvelope, deliver, dispatchToHooks, scopeMatches, sha1Hex, signDelivery, standardWebhookSignature,
  type DeliverOptions, type DeliveryTarget, type DispatchResult, type EnvelopeOptions, type SignOptions,
  type WebhookEnvelope,
} from './webhooks'
export { seedStore, type SeedOptions, type SeedSummary } from './seed'
export { currentCustomerToken, type CurrentCustomerTokenOptions } from './current-customer'

export interface BigCommerceStandinOptions {
  storeHash?: string
  accessToken?: string
  rateLimit?: { quota: number; windowMs: number }
  /** Epoch ms; drives the rate-limit window, request log and default mutation times. */
  clock?: () => number
  /** Seed of the store's token/UUID stream (default 1). */
  randomSeed?: number
  /** Start with products 1–3 (default true). */
  defaultCatalog?: boolean
  /** Real milliseconds every API call waits before answering (for benchmarks). */
  latencyMs?: number
}

export interface BigCommerceStandin {
  fetch(request: Request): Promise<Response>
  store: BigCommerceStore
  faults: {
    fail(match: FaultMatch, response: FaultResponse, times?: number, share?: number): void
    clear(): void
  }
  requests: RequestLogEntry[]
  setRateLimit(quota: number, windowMs: number): void
  /**
   * The storefront's side of a cart redirect URL (`https://store-{hash}.mybigcommerce.com/cart.php?action=load&...`):
   * 200 with `X-Standin-Cart: <id>` when it restores the cart, 410 once it was used (or expired, or the cart is
   * gone), as a single-use link behaves. `/cart.php` alone is the (empty) cart page.
   */
  storefront(request: Request): Promise<Response>
  /** Delivers events to the store's active hooks whose scope matches (see webhooks.ts dispatchToHooks). */
  dispatch(events: StoreEvent[], options?: {
    target?: DeliveryTarget; clientSecret?: string; storeId?: string; createdAt?: number; timestamp?: number
  }): Promise<DispatchResult[]>
}

export function createBigCommerceStandin(options: BigCommerceStandinOptions = {}): BigCommerceStandin {
  const clock = options.clock ?? (() => Date.now())
  const store = new BigCommerceStore({
    storeHash: options.storeHash ?? 'teststore',
    clock,
    seed: options.randomSeed,
    defaultCatalog: options.defaultCatalog,
  })
  const limiter = new RateLimiter(options.rateLimit?.quota ?? 150, options.rateLimit?.windowMs ?? 30_000)
  const faults = new FaultInjector()
  const requests: RequestLogEntry[] = []
  const app = createApp({ store, accessToken: options.accessToken ?? 'bc-test-token', clock, limiter, faults, log: requests })
  return {
    fetch: (request) =>
      withAbort(request, async () => {
        if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs))
        return app.fetch(request)
      }),
    store,
    faults: { fail: (match, response, times, share) => faults.fail(match, response, times, share), clear: () => faults.clear() },
    requests,
    setRateLimit: (quota, windowMs) => limiter.reset(quota, windowMs),
    dispatch: (events, dispatchOptions) => dispatchToHooks(store, events, dispatchOptions),
    storefront: async (request) => {
      const url = new URL(request.url)
      if (url.pathname !== '/cart.php') return new Response('Not found', { status: 404 })
      if (!url.searchParams.has('token')) return new Response('<h1>Your cart</h1>', { headers: { 'content-type': 'text/html' } })
      const used = store.redirects.use(request.url, (cartId) => store.carts.has(cartId))
      if (!used.ok) return new Response(`<h1>This link is no longer valid (${used.reason})</h1>`, { status: 410, headers: { 'content-type': 'text/html' } })
      return new Response('<h1>Your cart</h1>', { headers: { 'content-type': 'text/html', 'X-Standin-Cart': used.cartId } })
    },
  }
}

/** Like a network fetch, rejects with the signal's reason when the request is aborted (client timeouts). */
function withAbort(request: Request, run: () => Promise<Response>): Promise<Response> {
  const signal = request.signal
  if (!signal) return run()
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    run().then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}
