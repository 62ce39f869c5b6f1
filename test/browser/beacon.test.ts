import type { Browser } from 'playwright-core'
import { currentCustomerToken } from '../../standins/bigcommerce'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  eventually,
  launchChromium,
  startRecordingProxy,
  startSite,
  startWorker,
  Teardown,
  type RecordedRequest,
  type WorkerHarness,
} from './harness'

/**
 * The beacon in a real headless Chromium, on a storefront page served from another loopback origin, against
 * the real worker (wrangler, local D1). A recording proxy in front of the worker sees every request the
 * browser makes to it, preflights included.
 */
// The callbacks given to page.evaluate and friends run in the page, where these exist (Node's types lack them).
declare const window: object, localStorage: { getItem(key: string): string | null }, Navigator: { prototype: object }

const CART_ID = 'cafe0000-0000-4000-8000-00000000beef'
// The worker's app and the storefront's signed-in shopper (customer 42).
const APP = { clientId: 'browser-app-client-id', clientSecret: 'browser-client-secret' }
let signedInToken: string

let worker: WorkerHarness
let proxy: Awaited<ReturnType<typeof startRecordingProxy>>
let site: Awaited<ReturnType<typeof startSite>>
let browser: Browser

const page = (title: string, extra = '') =>
  `<!doctype html><html><head><title>${title}</title></head><body${extra}><h1>${title}</h1>
   <a id="next" href="/products/42">next</a>
   <script async src="${proxy.url}/beacon.js"></script></body></html>`

const teardown = new Teardown()
beforeAll(() => teardown.guard(async () => {
  site = teardown.add(await startSite({
    '/': () => ({ body: page('Home') }),
    '/products/42': () => ({ body: page('Product 42', ' data-bc-product-id="42"') }),
    // BigCommerce's Storefront Cart API, as the script reads it.
    '/api/storefront/carts': () => ({ type: 'application/json', body: JSON.stringify([{ id: CART_ID, customerId: 0, email: '' }]) }),
    // BigCommerce's Current Customer endpoint: the token for a signed-in shopper of this app, 404 for a guest.
    '/customer/current.jwt': (req) => {
      const signedIn = /(?:^|; )customer=42(?:;|$)/.test(req.headers.cookie ?? '')
      const forApp = new URL(req.url ?? '/', 'http://x').searchParams.get('app_client_id') === APP.clientId
      return signedIn && forApp ? { type: 'text/plain', body: signedInToken } : { status: 404, type: 'text/plain', body: 'not signed in' }
    },
  }))
  signedInToken = await currentCustomerToken({ customer: { id: 42, email: 'shopper@example.com' }, storeHash: 'teststore', ...APP })
  worker = teardown.add(await startWorker({
    vars: { BEACON_ALLOWED_ORIGINS: site.url, BIGCOMMERCE_APP_CLIENT_ID: APP.clientId, BIGCOMMERCE_CLIENT_SECRET: APP.clientSecret },
  }))
  proxy = teardown.add(await startRecordingProxy(worker.url))
  browser = teardown.add(await launchChromium())
}))
afterAll(() => teardown.run())

const hits = (from = 0) =>
  proxy.requests
    .slice(from)
    .filter((r) => r.path === '/beacon' && r.method === 'POST')
    .map((r: RecordedRequest) => JSON.parse(r.body) as Record<string, unknown>)

describe('the beacon in Chromium', () => {
  it('sends hits, keeps its anonymous id across pages, and needs no preflight', async () => {
    const context = await browser.newContext()
    try {
      const tab = await context.newPage()
      const start = proxy.requests.length
      await tab.goto(`${site.url}/?utm_source=google&utm_medium=cpc&gclid=test-click`)
      // The landing hit, then one carrying the cart id from the Storefront Cart API.
      const first = await eventually(async () => (hits(start).length >= 2 ? hits(start) : undefined))
      const anonymousId = first[0]!.anonymousId as string
      expect(anonymousId).toMatch(/^[A-Za-z0-9_-]{8,}$/)
      expect(first[0]!.url).toContain('gclid=test-click')
      expect(first.some((h) => h.cartId === CART_ID)).toBe(true)

      const before = proxy.requests.length
      await tab.click('#next')
      await tab.waitForURL('**/products/42')
      const second = await eventually(async () => (hits(before).length >= 1 ? hits(before) : undefined))
      expect(second[0]).toMatchObject({ anonymousId, productId: 42, referrer: `${site.url}/?utm_source=google&utm_medium=cpc&gclid=test-click` })
      // The cart id was sent once; the second page does not repeat it.
      expect(second.some((h) => 'cartId' in h)).toBe(false)
      expect(await tab.evaluate(() => localStorage.getItem('bcb_aid'))).toBe(anonymousId)
      expect((await context.cookies(site.url)).find((c) => c.name === 'bcb_aid')?.value).toBe(anonymousId)

      // text/plain beacons are simple requests: no OPTIONS ever reached the worker.
      expect(proxy.requests.filter((r) => r.method === 'OPTIONS')).toEqual([])
      expect(proxy.requests.filter((r) => r.path === '/beacon').every((r) => String(r.headers['content-type']).startsWith('text/plain'))).toBe(true)

      // The worker stored one touch (the paid landing) and linked the cart, not every page view.
      const touches = await eventually(async () => {
        const { results } = await worker.db
          .prepare('SELECT channel, source FROM touches WHERE anonymous_id = ?')
          .bind(anonymousId)
          .all<{ channel: string; source: string }>()
        return results.length > 0 ? results : undefined
      })
      expect(touches).toEqual([{ channel: 'paid_search', source: 'google' }])
      const cart = await eventually(() =>
        worker.db
          .prepare("SELECT value FROM beacon_identities WHERE anonymous_id = ? AND kind = 'cart'")
          .bind(anonymousId)
          .first<{ value: string }>()
          .then((row) => row ?? undefined),
      )
      expect(cart.value).toBe(CART_ID)
    } finally {
      await context.close()
    }
  })

  it('sends a signed-in shopper’s Current Customer token once, and the worker links the verified customer', async () => {
    const context = await browser.newContext()
    try {
      await context.addCookies([{ name: 'customer', value: '42', url: site.url }])
      const tab = await context.newPage()
      const start = proxy.requests.length
      await tab.goto(`${site.url}/?utm_source=newsletter&utm_medium=email`)
      const sent = await eventually(async () => hits(start).find((h) => typeof h.customerToken === 'string'))
      expect(sent.customerToken).toBe(signedInToken)
      // Never an email or customer id of the script's own.
      expect(hits(start).some((h) => 'email' in h || 'customerId' in h)).toBe(false)
      const linked = await eventually(() =>
        worker.db
          .prepare("SELECT value FROM beacon_identities WHERE anonymous_id = ? AND kind = 'customer'")
          .bind(sent.anonymousId as string)
          .first<{ value: string }>()
          .then((row) => row ?? undefined),
      )
      expect(linked.value).toBe('42')
      // The next page asks again, finds the same customer, and sends no second token.
      const before = proxy.requests.length
      await tab.click('#next')
      await tab.waitForURL('**/products/42')
      await eventually(async () => hits(before).length >= 1)
      await new Promise((r) => setTimeout(r, 1_000))
      expect(hits(before).some((h) => 'customerToken' in h)).toBe(false)
      expect(site.requests.filter((r) => r.path === '/customer/current.jwt').length).toBeGreaterThanOrEqual(2)
    } finally {
      await context.close()
    }
  })

  it('sends nothing and keeps no id under Global Privacy Control', async () => {
    const context = await browser.newContext()
    try {
      // Chromium has no GPC setting of its own; privacy extensions and browsers that have it expose this.
      await context.addInitScript(() => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true }))
      const tab = await context.newPage()
      const start = proxy.requests.length
      await tab.goto(`${site.url}/?utm_source=newsletter&utm_medium=email`)
      await tab.waitForFunction(() => 'bcBeacon' in window)
      await tab.click('#next')
      await tab.waitForURL('**/products/42')
      await tab.waitForFunction(() => 'bcBeacon' in window)
      // Identify calls are refused too.
      await tab.evaluate((cartId) => (window as unknown as { bcBeacon: { identify(x: object): void } }).bcBeacon.identify({ cartId }), CART_ID)
      await new Promise((r) => setTimeout(r, 1_000))
      expect(hits(start)).toEqual([])
      expect(await tab.evaluate(() => localStorage.getItem('bcb_aid'))).toBeNull()
      expect((await context.cookies(site.url)).find((c) => c.name === 'bcb_aid')).toBeUndefined()
    } finally {
      await context.close()
    }
  })

  it('is rate limited under wrangler dev too (the rate limiting binding): 429 with Retry-After past 60 hits a minute', async () => {
    const left = 60_000 - (Date.now() % 60_000)
    if (left < 30_000) await new Promise((r) => setTimeout(r, left + 50))
    const anonymousId = `limited-${Date.now().toString(36)}`
    const post = () =>
      fetch(`${worker.url}/beacon`, {
        method: 'POST',
        headers: { origin: site.url, 'content-type': 'text/plain' },
        body: JSON.stringify({ anonymousId, url: `${site.url}/` }),
      })
    const statuses: number[] = []
    for (let i = 0; i < 60; i++) statuses.push((await post()).status)
    expect(statuses.filter((s) => s !== 204)).toEqual([])
    const limited = await post()
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('60')
    expect(await limited.json()).toMatchObject({ error: 'rate_limited' })
  })

  it('stops sending after the store calls bcBeacon.optOut()', async () => {
    const context = await browser.newContext()
    try {
      const tab = await context.newPage()
      const start = proxy.requests.length
      await tab.goto(`${site.url}/`)
      // Wait for the landing hit and the cart hit that follows the Storefront Cart API answer, both sent
      // before the opt-out, so that neither can be mistaken for a hit sent after it.
      await eventually(async () => hits(start).some((hit) => hit.cartId))
      await tab.evaluate(() => (window as unknown as { bcBeacon: { optOut(): void } }).bcBeacon.optOut())
      const after = proxy.requests.length
      await tab.click('#next')
      await tab.waitForURL('**/products/42')
      await tab.waitForFunction(() => 'bcBeacon' in window)
      await new Promise((r) => setTimeout(r, 1_000))
      expect(hits(after)).toEqual([])
      expect(await tab.evaluate(() => localStorage.getItem('bcb_aid'))).toBeNull()
    } finally {
      await context.close()
    }
  })
})
