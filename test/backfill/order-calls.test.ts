import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { backfillStatus, runBackfill, startBackfill, type RunOutcome } from '../../src/backfill/history-import'
import { BACKFILL_RUN_BUDGET_MS } from '../../src/cron/backfill-job'
import { createBigCommerceStandin, seedStore } from '../../standins/bigcommerce'
import type { Order } from '../../standins/bigcommerce/types'
import { serveHost } from '../support/network'
import { freshWorld, type useStandins } from '../support/worker'
import { expectHubSpotMatchesStore, expectLinksAndRegions, flushAll, inTransit, runToEnd, cronEnv } from './support'

type Standins = ReturnType<typeof useStandins>
let bigcommerce: Standins['bigcommerce']
let hubspot: Standins['hubspot']

const NOW = Date.now()
vi.setConfig({ testTimeout: 600_000, hookTimeout: 180_000 })

beforeEach(async () => {
  ;({ bigcommerce, hubspot } = await freshWorld())
  bigcommerce.setRateLimit(1_000_000, 30_000)
})

const synced = (o: Order) => !o.is_deleted && o.status_id !== 0
const shipped = (o: Order) => o.items_shipped > 0 || o.shippedAt !== null || o.status_id === 2 || o.status_id === 3
const withCoupon = (o: Order) => Number(o.coupon_discount) !== 0
const refunded = (o: Order) => o.status_id === 4 || o.status_id === 14

/** The orders phase's requests, cut into pages at each `/v2/orders` list call. */
function orderPhasePages(): { path: string; query: string }[][] {
  const pages: { path: string; query: string }[][] = []
  for (const r of bigcommerce.requests) {
    if (/\/v2\/orders$/.test(r.path)) pages.push([])
    if (pages.length > 0) pages.at(-1)!.push(r)
  }
  return pages
}

describe('what a backfilled page of orders costs', () => {
  it('one list call for 250 orders and their lines, refunds per 100 refunded, coupons only where due, shipments only in transit', async () => {
    seedStore(bigcommerce.store, { customers: 30, orders: 520, seed: 3, now: NOW })
    await startBackfill(cronEnv)
    // One run for the whole import, so that each list call starts a page of 250 (a run that stops between
    // chunks lists again from its resume point).
    expect((await runToEnd({ maxCalls: 1_000_000, budgetMs: 600_000 })).at(-1)).toMatchObject({ state: 'done' })

    const byId = [...bigcommerce.store.orders.values()].filter((o) => !o.is_deleted).sort((a, b) => a.id - b.id)
    const pages = orderPhasePages()
    expect(pages).toHaveLength(Math.ceil(byId.length / 250))
    pages.forEach((requests, index) => {
      const orders = byId.slice(index * 250, (index + 1) * 250).filter(synced)
      const count = (pattern: RegExp) => requests.filter((r) => pattern.test(r.path)).length
      expect(count(/\/v2\/orders$/), `page ${index + 1}`).toBe(1)
      expect(count(/\/v2\/orders\/\d+\/products$/), `page ${index + 1}`).toBe(0)
      expect(count(/\/v3\/orders\/payment_actions\/refunds$/), `page ${index + 1}`).toBe(Math.ceil(orders.filter(refunded).length / 100))
      expect(count(/\/v2\/orders\/\d+\/shipments$/), `page ${index + 1}`).toBe(orders.filter((o) => inTransit(o)).length)
      expect(count(/\/v2\/orders\/\d+\/coupons$/), `page ${index + 1}`).toBe(orders.filter(withCoupon).length)
      // Nothing else but a first look at each order channel, and a storefront's site for its links (the catalog
      // was primed by the products phase).
      const other = requests.filter((r) => !/\/v2\/orders(\/\d+\/(coupons|shipments))?$|\/payment_actions\/refunds$/.test(r.path))
      expect(other.every((r) => /\/v3\/channels\/\d+(\/site)?$/.test(r.path)), `page ${index + 1}: ${other.map((r) => r.path)}`).toBe(true)
      expect(new Set(other.map((r) => r.path)).size, `page ${index + 1}: each channel is looked at once`).toBe(other.length)
    })
    // Shipped orders delivered long ago cost nothing beyond their page; some are still in transit.
    expect(byId.filter(synced).some((o) => shipped(o) && !inTransit(o) && !withCoupon(o))).toBe(true)
    expect(byId.filter(synced).some((o) => inTransit(o))).toBe(true)

    await flushAll()
    expectHubSpotMatchesStore(bigcommerce, hubspot)
    expectLinksAndRegions(bigcommerce, hubspot)
  })

  it('falls back to one /products call per order when the list comes without consignments, with the same HubSpot result', async () => {
    seedStore(bigcommerce.store, { customers: 10, orders: 40, seed: 11, now: NOW })
    const standinFetch = bigcommerce.fetch
    serveHost('bigcommerce.standin', async (request) => {
      const response = await standinFetch(request)
      if (!new URL(request.url).pathname.endsWith('/v2/orders') || response.status !== 200) return response
      const page = (await response.json()) as Record<string, unknown>[]
      for (const order of page) delete order.consignments
      return Response.json(page, { headers: response.headers })
    })
    await startBackfill(cronEnv)
    expect((await runToEnd()).at(-1)).toMatchObject({ state: 'done' })
    await flushAll()

    const orders = [...bigcommerce.store.orders.values()].filter(synced)
    const productCalls = bigcommerce.requests.filter((r) => /\/v2\/orders\/\d+\/products$/.test(r.path)).map((r) => r.path)
    expect(productCalls.sort()).toEqual(orders.map((o) => `/stores/${bigcommerce.store.storeHash}/v2/orders/${o.id}/products`).sort())
    expectHubSpotMatchesStore(bigcommerce, hubspot)
    expectLinksAndRegions(bigcommerce, hubspot)
    expect((await backfillStatus(env)).skipped).toBe(0)
  })
})

describe('a backfill at the Standard plan quota', () => {
  it('never runs into the rate limit or the reserve, and lists each page of orders once across cron runs', async () => {
    // The cron's runs on a simulated clock shared with the stand-in: 150 requests per 30 s.
    let clock = NOW
    const standin = createBigCommerceStandin({ storeHash: 'teststore', accessToken: 'bc-test-token', clock: () => clock })
    standin.setRateLimit(150, 30_000)
    serveHost('bigcommerce.standin', (request) => standin.fetch(request))
    seedStore(standin.store, { customers: 30, orders: 520, seed: 3, now: NOW })

    await startBackfill(cronEnv)
    const outcomes: RunOutcome[] = []
    for (let tick = 1; (await backfillStatus(env)).state === 'running'; tick++) {
      expect(tick, 'cron ticks').toBeLessThan(30)
      clock = Math.max(clock, NOW + tick * 60_000)
      // 300 outbound calls a run (not 800): the import then spans several runs, some ending inside a page.
      const run = { budgetMs: BACKFILL_RUN_BUDGET_MS, maxCalls: 300, now: () => new Date(clock), sleep: async (ms: number) => void (clock += ms) }
      outcomes.push(await runBackfill(env, run))
    }
    expect(outcomes.at(-1)).toMatchObject({ state: 'done' })
    expect(outcomes.filter((o) => o.ran && o.error)).toEqual([])

    expect(standin.requests.filter((r) => r.status === 429)).toEqual([])
    // Each rate window as the stand-in counts it (from its first request): at most 150 less the 10% reserve.
    const perWindow: number[] = []
    let windowStart = Number.NEGATIVE_INFINITY
    for (const { at } of standin.requests) {
      if (at >= windowStart + 30_000) {
        perWindow.push(0)
        windowStart = at
      }
      perWindow[perWindow.length - 1]!++
    }
    expect(Math.max(...perWindow)).toBeLessThanOrEqual(135)
    // Three pages of orders (250, 250, 20), each listed once, from its first order: a run that stops half-way
    // through a page leaves the rest staged for the next, which never lists it (with its refunds) again.
    const ids = [...standin.store.orders.values()].filter((o) => !o.is_deleted).map((o) => o.id).sort((a, b) => a - b)
    const listed = standin.requests.filter((r) => /\/v2\/orders$/.test(r.path)).map((r) => Number(new URLSearchParams(r.query).get('min_id')))
    expect(listed).toEqual([1, ids[249]! + 1, ids[499]! + 1])
    expect(outcomes.filter((o) => o.ran).length).toBeGreaterThanOrEqual(2)

    await flushAll()
    expectHubSpotMatchesStore(standin, hubspot)
  })
})
