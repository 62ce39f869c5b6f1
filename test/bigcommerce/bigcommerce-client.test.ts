import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BigCommerceClient, BigCommerceError, type BigCommerceClientOptions } from '../../src/bigcommerce/bigcommerce-client'
import { clearHosts, serveHost } from '../support/network'

const HOST = 'bigcommerce.standin'
const TOKEN = 'bc-test-token'

interface Seen {
  method: string
  path: string
  query: URLSearchParams
  headers: Headers
  body: string
}

let seen: Seen[]
let waits: number[]

/** Serves each request with the next reply; the last one repeats. */
function serve(...replies: (Response | (() => Response) | Error)[]): void {
  let i = 0
  serveHost(HOST, async (request) => {
    const url = new URL(request.url)
    seen.push({ method: request.method, path: url.pathname, query: url.searchParams, headers: request.headers, body: await request.text() })
    const reply = replies[Math.min(i++, replies.length - 1)]!
    if (reply instanceof Error) throw reply
    return typeof reply === 'function' ? reply() : reply.clone()
  })
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } })
const rate = (left: number, resetMs: number, quota = 150) => ({
  'X-Rate-Limit-Requests-Left': String(left),
  'X-Rate-Limit-Time-Reset-Ms': String(resetMs),
  'X-Rate-Limit-Requests-Quota': String(quota),
  'X-Rate-Limit-Time-Window-Ms': '30000',
})

function client(options: Partial<BigCommerceClientOptions> = {}): BigCommerceClient {
  return new BigCommerceClient({
    apiBase: `http://${HOST}/`,
    storeHash: 'teststore',
    accessToken: TOKEN,
    sleep: async (ms) => {
      waits.push(ms)
    },
    now: () => 1_000_000,
    random: () => 0.5,
    ...options,
  })
}

async function caught(promise: Promise<unknown>): Promise<BigCommerceError> {
  try {
    await promise
  } catch (err) {
    expect(err).toBeInstanceOf(BigCommerceError)
    return err as BigCommerceError
  }
  throw new Error('expected a BigCommerceError')
}

beforeEach(() => {
  seen = []
  waits = []
})
afterEach(() => clearHosts())

describe('BigCommerceClient requests', () => {
  it('calls /stores/{hash}/v2 and /v3 with the token and JSON headers', async () => {
    serve(json({ id: 218 }))
    expect(await client().v2('/orders/218')).toEqual({ id: 218 })
    expect(await client().v3('/customers', { 'id:in': '32,33', include: 'addresses', skip: undefined })).toEqual({ id: 218 })
    expect(seen[0]!.path).toBe('/stores/teststore/v2/orders/218')
    expect(seen[1]!.path).toBe('/stores/teststore/v3/customers')
    expect(seen[1]!.query.get('id:in')).toBe('32,33')
    expect(seen[1]!.query.has('skip')).toBe(false)
    for (const s of seen) {
      expect(s.method).toBe('GET')
      expect(s.headers.get('X-Auth-Token')).toBe(TOKEN)
      expect(s.headers.get('Accept')).toBe('application/json')
      expect(s.headers.get('Content-Type')).toBe('application/json')
    }
  })

  it('encodes RFC-2822 dates in queries', async () => {
    serve(json([]))
    await client().v2('/orders', { min_date_modified: 'Tue, 05 Mar 2019 21:40:11 +0000' })
    expect(seen[0]!.query.get('min_date_modified')).toBe('Tue, 05 Mar 2019 21:40:11 +0000')
  })

  it('answers null for 404 and an empty result for 204', async () => {
    serve(json({ status: 404, title: 'Not found' }, 404))
    expect(await client().v2('/orders/1')).toBeNull()
    expect(await client().v3('/carts/x')).toBeNull()
    serve(new Response(null, { status: 204 }))
    expect(await client().v2('/orders/1/shipments')).toEqual([])
    expect(await client().v3('/hooks')).toEqual({ data: [] })
    expect(await client().delete('/v3/hooks/5')).toBeUndefined()
    expect(waits).toEqual([])
  })

  it('sends bodies on put and post', async () => {
    serve(json({ data: { id: 5, is_active: true } }))
    expect(await client().put('/v3/hooks/5', { is_active: true })).toEqual({ data: { id: 5, is_active: true } })
    expect(seen[0]).toMatchObject({ method: 'PUT', path: '/stores/teststore/v3/hooks/5', body: '{"is_active":true}' })
    await client().post('/v3/hooks', { scope: 'store/order/*' })
    expect(seen[1]).toMatchObject({ method: 'POST', body: '{"scope":"store/order/*"}' })
  })
})

describe('BigCommerceClient rate limits and retries', () => {
  it('waits the reset ms on a 429, then retries', async () => {
    serve(json({ title: 'Too many requests' }, 429, rate(0, 1500)), json({ id: 1 }, 200, rate(140, 29000)))
    expect(await client().v2('/orders/1')).toEqual({ id: 1 })
    expect(waits).toEqual([1500])
    expect(seen).toHaveLength(2)
  })

  it('waits the longer of X-Rate-Limit-Time-Reset-Ms and X-Retry-After when a 429 carries both', async () => {
    serve(json({}, 429, { ...rate(0, 1500), 'X-Retry-After': '4' }), json({ id: 1 }, 200, rate(140, 29000)))
    await client().v2('/orders/1')
    expect(waits).toEqual([4000])
    waits = []
    serve(json({}, 429, { ...rate(0, 6000), 'X-Retry-After': '2' }), json({ id: 1 }, 200, rate(140, 29000)))
    await client().v2('/orders/1')
    expect(waits).toEqual([6000])
  })

  it('waits X-Retry-After seconds on a 429 without rate headers, else backs off', async () => {
    serve(json({}, 429, { 'X-Retry-After': '2' }), json({ id: 1 }))
    await client().v2('/orders/1')
    expect(waits).toEqual([2000])
    waits = []
    serve(json({}, 429), json({}, 429), json({ id: 1 }))
    await client().v2('/orders/1')
    // Platform load: growing delays (random 0.5 puts each at 3/4 of its step).
    expect(waits).toEqual([188, 375])
  })

  it('retries 5xx with exponential backoff and jitter, then succeeds', async () => {
    serve(json({}, 500), json({}, 502), json({}, 503), json({ ok: true }))
    expect(await client().v2('/orders/1')).toEqual({ ok: true })
    expect(waits).toEqual([188, 375, 750])
    waits = []
    serve(json({}, 500), json({ ok: true }))
    await client({ random: () => 0 }).v2('/orders/1')
    serve(json({}, 500), json({ ok: true }))
    await client({ random: () => 0.999 }).v2('/orders/1')
    // Half the step is fixed, half random.
    expect(waits).toEqual([125, 250])
  })

  it('gives up after maxAttempts with a retryable error', async () => {
    serve(json({ title: 'Service Unavailable' }, 503))
    const err = await caught(client({ maxAttempts: 3 }).v2('/orders/1'))
    expect(err).toMatchObject({ status: 503, retryable: true })
    expect(err.message).toContain('Service Unavailable')
    expect(seen).toHaveLength(3)
    expect(waits).toHaveLength(2)
  })

  it('gives up on a 429 after maxAttempts with the time to wait', async () => {
    serve(json({}, 429, rate(0, 900)))
    const err = await caught(client({ maxAttempts: 2 }).v2('/orders/1'))
    expect(err).toMatchObject({ status: 429, retryable: true, retryAfterMs: 900 })
    expect(seen).toHaveLength(2)
  })

  it('does not sleep past maxWaitMs: it throws a retryable error instead', async () => {
    serve(json({}, 429, rate(0, 28_000)))
    const err = await caught(client({ maxWaitMs: 10_000 }).v2('/orders/1'))
    expect(err).toMatchObject({ status: 429, retryable: true, retryAfterMs: 28_000 })
    expect(waits).toEqual([])
    expect(seen).toHaveLength(1)
  })

  it('retries network errors and timeouts', async () => {
    serve(new TypeError('connection reset'), json({ id: 1 }))
    expect(await client().v2('/orders/1')).toEqual({ id: 1 })
    expect(waits).toHaveLength(1)

    let calls = 0
    const timingOut: typeof fetch = async () => {
      calls++
      throw new DOMException('The operation timed out.', 'TimeoutError')
    }
    const err = await caught(client({ fetch: timingOut, maxAttempts: 2 }).v2('/orders/1'))
    expect(err).toMatchObject({ status: 0, retryable: true })
    expect(err.message).toContain('timed out')
    expect(calls).toBe(2)
  })

  it('does not retry a 4xx, and never names the token', async () => {
    serve(json({ status: 401, title: 'Unauthorized' }, 401))
    const err = await caught(client().v3('/customers/subscribers', { email: 'jane@example.com' }))
    expect(err).toMatchObject({ status: 401, retryable: false })
    expect(seen).toHaveLength(1)
    expect(err.message).not.toContain(TOKEN)
    expect(err.message).not.toContain('jane@example.com')
    expect(JSON.stringify(err)).not.toContain(TOKEN)
  })

  it('does not repeat a POST that failed on the server', async () => {
    serve(json({}, 500), json({ data: {} }))
    const err = await caught(client().post('/v3/hooks', { scope: 'store/cart/*' }))
    expect(err).toMatchObject({ status: 500, retryable: true })
    expect(seen).toHaveLength(1)
  })

  it('slows down when requests left reach the reserve kept for other apps', async () => {
    serve(json({}, 200, rate(16, 4000)), json({}, 200, rate(15, 3000)), json({}, 200, rate(140, 29000)))
    const bc = client()
    await bc.v2('/orders/1') // 16 left: above 10% of 150
    await bc.v2('/orders/2') // no pause before this one; 15 left now
    expect(waits).toEqual([])
    await bc.v2('/orders/3')
    expect(waits).toEqual([3000])
    await bc.v2('/orders/4')
    expect(waits).toEqual([3000])
  })

  it('counts the time already elapsed in the window, and honours an absolute reserve', async () => {
    let clock = 1_000_000
    serve(json({}, 200, rate(40, 5000)))
    const bc = client({ reserve: 50, now: () => clock })
    await bc.v2('/orders/1')
    clock += 2000
    await bc.v2('/orders/2')
    expect(waits).toEqual([3000])
  })
})

describe('BigCommerceClient quota planning', () => {
  it('counts the requests that fit in a span: what is left above the reserve, then a share of each new window', async () => {
    let clock = 1_000_000
    serve(json({}, 200, rate(40, 10_000)))
    const bc = client({ now: () => clock })
    expect(bc.capacityWithin(60_000)).toBe(Number.POSITIVE_INFINITY) // nothing read yet
    await bc.v2('/orders/1')
    // 40 left, 15 of them the reserve (10% of 150): 25 now; each window after the reset brings 135.
    expect(bc.capacityWithin(9_999)).toBe(25)
    expect(bc.capacityWithin(10_000)).toBe(25 + 135)
    expect(bc.capacityWithin(45_000)).toBe(25 + 2 * 135)
    clock += 10_000 // the window has reset since the reading
    expect(bc.capacityWithin(0)).toBe(135)
    expect(bc.capacityWithin(30_000)).toBe(2 * 135)
  })

  it('waits for the reset when the window has not the calls a batch needs, if the caller has that long', async () => {
    let clock = 1_000_000
    serve(json({}, 200, rate(40, 10_000)))
    const bc = client({ now: () => clock, sleep: async (ms) => void (waits.push(ms), (clock += ms)) })
    await bc.v2('/orders/1')
    expect(await bc.reserveQuota(25, 0)).toBe(true) // 25 fit above the reserve
    expect(waits).toEqual([])
    clock += 4_000
    expect(await bc.reserveQuota(26, 5_000)).toBe(false) // the reset is 6 s away: too long
    expect(waits).toEqual([])
    expect(await bc.reserveQuota(26, 6_000)).toBe(true)
    expect(waits).toEqual([6_000])
    expect(await bc.reserveQuota(140, 0)).toBe(true) // no reading since the reset: nothing to wait for
  })
})

describe('BigCommerceClient pagination', () => {
  it('pages v2 collections until a short page', async () => {
    const rows = [1, 2, 3, 4, 5].map((id) => ({ id }))
    serveHost(HOST, (request) => {
      const q = new URL(request.url).searchParams
      const page = Number(q.get('page'))
      const limit = Number(q.get('limit'))
      seen.push({ method: 'GET', path: '', query: q, headers: request.headers, body: '' })
      return json(rows.slice((page - 1) * limit, page * limit))
    })
    const pages = []
    for await (const page of client().v2List<{ id: number }>('/orders', { sort: 'date_modified:asc' }, { limit: 2 })) pages.push(page)
    expect(pages.map((p) => [p.page, p.items.map((i) => i.id)])).toEqual([
      [1, [1, 2]],
      [2, [3, 4]],
      [3, [5]],
    ])
    expect(seen).toHaveLength(3)
    expect(seen[0]!.query.get('sort')).toBe('date_modified:asc')
  })

  it('stops a v2 collection on 204', async () => {
    let calls = 0
    serveHost(HOST, () => (++calls === 1 ? json([{ id: 1 }, { id: 2 }]) : new Response(null, { status: 204 })))
    const pages = []
    for await (const page of client().v2List('/orders/1/products', {}, { limit: 2 })) pages.push(page)
    expect(pages.map((p) => p.items.length)).toEqual([2])
    expect(calls).toBe(2)
  })

  it('pages v3 collections by meta.pagination.total_pages', async () => {
    serveHost(HOST, (request) => {
      const page = Number(new URL(request.url).searchParams.get('page'))
      seen.push({ method: 'GET', path: '', query: new URL(request.url).searchParams, headers: request.headers, body: '' })
      return json({ data: [{ id: page * 10 }], meta: { pagination: { total: 3, count: 1, per_page: 1, current_page: page, total_pages: 3 } } })
    })
    const pages = []
    for await (const page of client().v3List('/customers', {}, { limit: 1 })) pages.push(page)
    expect(pages).toEqual([
      { items: [{ id: 10 }], page: 1, totalPages: 3, total: 3 },
      { items: [{ id: 20 }], page: 2, totalPages: 3, total: 3 },
      { items: [{ id: 30 }], page: 3, totalPages: 3, total: 3 },
    ])
    expect(seen).toHaveLength(3)
  })

  it('resumes from a start page', async () => {
    serveHost(HOST, (request) => {
      const page = Number(new URL(request.url).searchParams.get('page'))
      return json({ data: [{ id: page }], meta: { pagination: { total_pages: 4 } } })
    })
    const ids = []
    for await (const page of client().v3List<{ id: number }>('/catalog/products', {}, { startPage: 3 })) ids.push(...page.items.map((i) => i.id))
    expect(ids).toEqual([3, 4])
  })
})
