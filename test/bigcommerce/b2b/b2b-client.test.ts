import { afterEach, describe, expect, it } from 'vitest'
import { B2BClient } from '../../../src/bigcommerce/b2b/b2b-client'
import { BigCommerceError } from '../../../src/bigcommerce/bigcommerce-client'
import { createBigCommerceStandin } from '../../../standins/bigcommerce'
import { createB2BStandin } from '../../../standins/b2b'
import { clearHosts, serveHost } from '../../support/network'

/** The B2B Edition client: its host and headers, offset paging, and pacing on B2B Edition's own quota. */
afterEach(() => clearHosts())

function world(options: { quota?: number } = {}) {
  let now = Date.UTC(2026, 2, 2)
  const bigcommerce = createBigCommerceStandin({ clock: () => now })
  const b2b = createB2BStandin({ bigcommerce, rateLimit: { quota: options.quota ?? 150, windowMs: 60_000 } })
  serveHost('b2b.standin', (request) => b2b.fetch(request))
  const waits: number[] = []
  const client = new B2BClient({
    apiBase: 'http://b2b.standin',
    storeHash: 'teststore',
    accessToken: 'bc-test-token',
    now: () => now,
    // Waiting moves the stand-in's clock: the window resets as it would in real time.
    sleep: async (ms) => {
      waits.push(ms)
      now += ms
    },
  })
  return { b2b, client, waits }
}

const company = (n: number) => ({
  companyName: `Company ${String(n).padStart(3, '0')}`,
  companyPhone: '1',
  companyEmail: `c${n}@x.example`,
  country: 'US',
  adminFirstName: 'A',
  adminLastName: 'B',
  adminEmail: `a${n}@x.example`,
})

describe('B2BClient', () => {
  it('sends the store token and hash to /api/v3/io and reads `data`; a missing company is null', async () => {
    const { b2b, client } = world()
    const { value } = b2b.store.createCompany(company(1))
    expect(await client.get(`/companies/${value.company.companyId}`)).toMatchObject({ companyName: 'Company 001' })
    expect(await client.get('/companies/99999')).toBeNull()
    expect(b2b.requests.map((r) => r.path)).toEqual([`/api/v3/io/companies/${value.company.companyId}`, '/api/v3/io/companies/99999'])
  })

  it('pages through a collection 200 at a time by offset, to its totalCount', async () => {
    const { b2b, client } = world()
    for (let i = 0; i < 450; i++) b2b.store.createCompany(company(i))
    const pages: { offset: number; items: number; total: number | null }[] = []
    for await (const page of client.list('/companies', { sortBy: 'companyName', orderBy: 'ASC' })) {
      pages.push({ offset: page.offset, items: page.items.length, total: page.total })
    }
    expect(pages).toEqual([
      { offset: 0, items: 200, total: 450 },
      { offset: 200, items: 200, total: 450 },
      { offset: 400, items: 50, total: 450 },
    ])
    expect(await client.count('/companies')).toBe(450)
  })

  it('keeps a reserve of the shared quota for other integrations, waiting for the window instead of spending it', async () => {
    const { b2b, client, waits } = world({ quota: 20 })
    for (let i = 0; i < 25; i++) await client.get('/companies/1')
    // 10% of 20 is left to others: after 18 requests the client waits out the minute, so nothing is ever refused.
    expect(b2b.requests.every((r) => r.status !== 429)).toBe(true)
    expect(waits).toHaveLength(1)
    expect(waits[0]).toBeGreaterThan(50_000)
  })

  it('waits out a 429 by the window reset B2B Edition reports, and gives up with a retryable error past its bound', async () => {
    const { b2b, client, waits } = world()
    b2b.faults.fail({ path: '/companies' }, { status: 429, headers: { 'X-Request-Window-Resets-After': '12.5 s' }, body: { code: 429 } })
    expect(await client.count('/companies')).toBe(0)
    expect(waits).toEqual([12_500])

    b2b.faults.fail({ path: '/companies' }, { status: 429, headers: { 'X-Request-Window-Resets-After': '59 s' }, body: { code: 429 } }, 5)
    const error = await client.count('/companies').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(BigCommerceError)
    expect(error).toMatchObject({ retryable: true, status: 429 })
  })

  it('names B2B Edition and its message in a refusal, never the token', async () => {
    const { b2b, client } = world()
    b2b.faults.fail({ path: '/companies' }, { status: 403, body: { code: 403, data: { errMsg: 'no B2B scope' }, meta: { message: 'Forbidden' } } })
    const error = (await client.count('/companies').catch((e: unknown) => e)) as BigCommerceError
    expect(error.message).toBe('BigCommerce B2B GET /companies: 403 (Forbidden: no B2B scope)')
    expect(error.retryable).toBe(false)
    expect(error.message).not.toContain('bc-test-token')
  })
})
