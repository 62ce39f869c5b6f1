import { describe, expect, it } from 'vitest'
import { BigCommerceError } from '../../src/bigcommerce/bigcommerce-client'
import { MAX_ATTEMPTS, RETRY_HORIZON_MS, retryBackoffMs } from '../../src/db/webhook-inbox'
import { InvocationBudget, type Admission } from '../../src/invocation/budget'
import { apiFault, nextProbeAt } from '../../src/invocation/pause-watch'

const error = (status: number, retryable: boolean, message: string) => new BigCommerceError({ status, retryable, message })
const MINUTE = 60_000

describe('what a failure says about BigCommerce', () => {
  it('a 401 or 403 is a refusal of the token or scope, with the GET to probe (no query: it may hold an email)', () => {
    expect(apiFault(error(401, false, 'BigCommerce GET /v2/orders/5: 401 (Unauthorized)'))).toEqual({
      cause: 'auth',
      status: 401,
      detail: 'Unauthorized',
      path: '/v2/orders/5',
    })
    expect(apiFault(error(403, false, 'BigCommerce GET /v3/customers/subscribers: 403 (Missing scope)'))).toMatchObject({
      cause: 'auth',
      path: '/v3/customers/subscribers',
    })
    expect(apiFault(error(401, false, 'BigCommerce POST /v3/carts/abc/redirect_urls: 401'))).toMatchObject({ cause: 'auth', path: null, detail: null })
  })

  it('5xx, timeouts and network errors are an outage; 429s, 404s, 400s and other failures are not the API being down', () => {
    expect(apiFault(error(503, true, 'BigCommerce GET /v2/orders/5: 503 after 4 attempts'))).toMatchObject({ cause: 'outage', status: 503 })
    expect(apiFault(error(0, true, 'BigCommerce GET /v2/orders/5: timed out after 15000 ms (attempt 4)'))).toMatchObject({
      cause: 'outage',
      status: 0,
      detail: 'timed out after 15000 ms (attempt 4)',
    })
    expect(apiFault(error(429, true, 'BigCommerce GET /v2/orders/5: rate limited (429) after 4 attempts'))).toBeNull()
    expect(apiFault(error(400, false, 'BigCommerce GET /v2/orders/5: 400 (Bad request)'))).toBeNull()
    expect(apiFault(new Error('order 5 has no billing email'))).toBeNull()
  })

  it('probes every minute for the first half hour of a pause, then every 5 minutes, each due by the next cron tick', () => {
    const since = Date.UTC(2026, 11, 10, 8)
    expect(nextProbeAt(since, since)).toBe(since + MINUTE - 5_000)
    expect(nextProbeAt(since, since + 29 * MINUTE)).toBe(since + 30 * MINUTE - 5_000)
    expect(nextProbeAt(since, since + 31 * MINUTE)).toBe(since + 36 * MINUTE - 5_000)
  })
})

describe('retries reach BigCommerce’s 48-hour horizon', () => {
  it('backs off from 30 s, doubling, at most 12 h (a queue delay’s limit), and gives up only past 48 h', () => {
    expect([1, 2, 3, 4].map(retryBackoffMs)).toEqual([30_000, 60_000, 120_000, 240_000])
    expect(retryBackoffMs(30)).toBe(12 * 3_600_000)
    const waited = (attempts: number) => Array.from({ length: attempts - 1 }, (_, i) => retryBackoffMs(i + 1)).reduce((a, b) => a + b, 0)
    expect(waited(MAX_ATTEMPTS)).toBeGreaterThanOrEqual(RETRY_HORIZON_MS)
    expect(waited(MAX_ATTEMPTS - 1)).toBeLessThan(RETRY_HORIZON_MS)
    expect(MAX_ATTEMPTS).toBe(15)
  })
})

describe('the invocation budget', () => {
  it('admits work while what was spent, what running work holds and its estimate fit under 90% of the limits', () => {
    const budget = new InvocationBudget({ subrequests: 100, queries: 200 })
    const first = budget.admit({ subrequests: 40, queries: 50 })
    const second = budget.admit({ subrequests: 40, queries: 50 })
    expect(first && second).toBeTruthy()
    // 80 subrequests held of an admission ceiling of 90: another 40 does not fit, 10 does.
    expect(budget.admit({ subrequests: 40, queries: 1 })).toBeNull()
    expect(budget.fits({ subrequests: 10 })).toBe(true)
    first!.end()
    first!.end() // ending twice releases once
    budget.spendSubrequests(35)
    expect(budget.remaining()).toEqual({ subrequests: 15, queries: 130 })
    expect(budget.admit({ subrequests: 20, queries: 1 })).toBeNull()
    second!.end()
    expect(budget.admit({ subrequests: 20, queries: 1 })).not.toBeNull()
  })

  it('lets work wait for running work to give back its estimate, and refuses only what cannot fit once all has ended', async () => {
    const budget = new InvocationBudget({ subrequests: 100, queries: 1_000 })
    const running = budget.admit({ subrequests: 50, queries: 10 })!
    // 50 of 90 held: 50 more waits, and is admitted once the running work ends having spent 20 of its 50.
    let admitted: Admission | null | undefined
    const waiting = budget.admitWhenFree({ subrequests: 50, queries: 10 }).then((a) => (admitted = a))
    await Promise.resolve()
    expect(admitted).toBeUndefined()
    budget.spendSubrequests(20)
    running.end()
    await waiting
    expect(admitted).not.toBeNull()
    // 20 spent and 50 held: 30 more fits only after the second ends, 80 never does (20 + 80 > 90).
    expect(await budget.admitWhenFree({ subrequests: 80, queries: 1 })).toBeNull()
    const later = budget.admitWhenFree({ subrequests: 30, queries: 1 })
    admitted!.end()
    expect(await later).not.toBeNull()
  })
})
