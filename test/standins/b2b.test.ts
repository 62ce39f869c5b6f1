import { describe, expect, it } from 'vitest'
import { createBigCommerceStandin } from '../../standins/bigcommerce'
import { createB2BStandin, type B2BStandin } from '../../standins/b2b'

/**
 * The B2B Edition stand-in answers and refuses as bigcommerce/docs `docs/b2b-edition/**` document: its own
 * authentication headers, `{code, data, meta}` bodies, offset paging with a 250 maximum, 10-record bulk calls,
 * its quota of 150 requests per minute, required fields, and webhooks except for bulk company creation.
 */
const NOW = Date.UTC(2026, 2, 2, 12, 0, 0)

function setup(options: { quota?: number } = {}) {
  let now = NOW
  const bigcommerce = createBigCommerceStandin({ clock: () => now })
  const b2b = createB2BStandin({ bigcommerce, rateLimit: options.quota ? { quota: options.quota, windowMs: 60_000 } : undefined })
  return { bigcommerce, b2b, advance: (ms: number) => (now += ms) }
}

function api(b2b: B2BStandin, path: string, init: RequestInit & { headers?: Record<string, string> } = {}) {
  return b2b.fetch(
    new Request(`http://b2b.standin/api/v3/io${path}`, {
      ...init,
      headers: { 'X-Auth-Token': 'bc-test-token', 'X-Store-Hash': 'teststore', 'Content-Type': 'application/json', ...init.headers },
    }),
  )
}

const post = (b2b: B2BStandin, path: string, body: unknown) => api(b2b, path, { method: 'POST', body: JSON.stringify(body) })

const company = (n: number, extra: Record<string, unknown> = {}) => ({
  companyName: `Company ${n}`,
  companyPhone: '555-0100',
  companyEmail: `office${n}@company${n}.example`,
  country: 'US',
  adminFirstName: 'Ada',
  adminLastName: `Admin${n}`,
  adminEmail: `admin${n}@company${n}.example`,
  ...extra,
})

describe('B2B Edition stand-in', () => {
  it('refuses requests without both the store token and the store hash', async () => {
    const { b2b } = setup()
    const refused: Record<string, string>[] = [{ 'X-Auth-Token': 'wrong' }, { 'X-Store-Hash': 'otherstore' }, { 'X-Store-Hash': '' }]
    for (const headers of refused) {
      const res = await api(b2b, '/companies', { headers })
      expect(res.status).toBe(401)
      expect(await res.json()).toMatchObject({ code: 401, data: {}, meta: { message: expect.any(String) } })
    }
    expect((await api(b2b, '/companies')).status).toBe(200)
  })

  it('creates a company with its admin user, a BigCommerce customer, and the company webhook', async () => {
    const { b2b, bigcommerce } = setup()
    const res = await post(b2b, '/companies', company(1, { customerGroupId: 2 }))
    expect(res.status).toBe(200)
    const body = (await res.json()) as { code: number; data: { companyId: number; customerId: number; customerGroupId: number } }
    expect(body.code).toBe(200)
    expect(bigcommerce.store.customers.get(body.data.customerId)?.email).toBe('admin1@company1.example')
    expect(b2b.emitted.map((e) => e.scope)).toEqual(['store/customer/created', 'store/company/created'])
    expect(b2b.emitted[1]!.data).toEqual({ company_id: body.data.companyId })

    const one = (await (await api(b2b, `/companies/${body.data.companyId}`)).json()) as { data: Record<string, unknown> }
    // The one-company answer spells ids and the status as strings (companyData_RESPONSE), and has no address.
    expect(one.data).toMatchObject({ companyName: 'Company 1', companyStatus: '1', bcGroupId: '2', bcGroupName: 'Distributors', catalogName: 'Distributor prices' })
    expect(one.data).not.toHaveProperty('addressLine1')
    const users = (await (await api(b2b, `/users?companyId=${body.data.companyId}`)).json()) as { data: { role: number; customerId: number }[] }
    expect(users.data).toEqual([expect.objectContaining({ role: 0, customerId: body.data.customerId })])
  })

  it('refuses a company without its required fields, or an unknown customer group', async () => {
    const { b2b } = setup()
    for (const missing of ['companyName', 'companyPhone', 'companyEmail', 'country', 'adminFirstName', 'adminLastName', 'adminEmail']) {
      const input: Record<string, unknown> = company(1)
      delete input[missing]
      const res = await post(b2b, '/companies', input)
      expect(res.status, missing).toBe(422)
      expect(await res.json()).toMatchObject({ code: 422, meta: { message: expect.stringMatching(/required/) } })
    }
    expect((await post(b2b, '/companies', company(1, { customerGroupId: 99 }))).status).toBe(422)
    expect(b2b.store.companies.size).toBe(0)
  })

  it('bulk-creates at most 10 companies, and sends no company webhook for them', async () => {
    const { b2b } = setup()
    const tooMany = await post(b2b, '/companies/bulk', Array.from({ length: 11 }, (_, i) => company(i)))
    expect(tooMany.status).toBe(413)
    expect(await tooMany.json()).toMatchObject({ code: 413, meta: { message: 'Request Entity Too Large' } })

    const res = await post(b2b, '/companies/bulk', [company(1), company(2)])
    expect(res.status).toBe(200)
    expect(((await res.json()) as { meta: unknown[] }).meta).toHaveLength(2)
    expect(b2b.store.companies.size).toBe(2)
    expect(b2b.emitted.filter((e) => e.scope.startsWith('store/company/'))).toEqual([])
  })

  it('pages with limit and offset, refuses a limit past 250 with 413 and a bad one with 422', async () => {
    const { b2b } = setup()
    for (let i = 0; i < 5; i++) b2b.store.createCompany(company(i))
    const res = await api(b2b, '/companies?limit=2&offset=3&sortBy=companyName&orderBy=ASC')
    const body = (await res.json()) as { data: { companyName: string }[]; meta: { pagination: unknown } }
    expect(body.data.map((c) => c.companyName)).toEqual(['Company 3', 'Company 4'])
    expect(body.meta.pagination).toEqual({ limit: 2, offset: 3, totalCount: 5 })
    expect((await api(b2b, '/companies?limit=251')).status).toBe(413)
    expect((await api(b2b, '/companies?limit=0')).status).toBe(422)
    expect((await api(b2b, '/companies?offset=-1')).status).toBe(422)
    expect((await api(b2b, '/companies?sortBy=companyId')).status).toBe(422)
  })

  it('answers an unknown company, user or address with 404 in its own shape', async () => {
    const { b2b } = setup()
    expect(await (await api(b2b, '/companies/999')).json()).toEqual({ code: 404, data: {}, meta: { message: 'This resource is not found.' } })
    const user = await api(b2b, '/users/999')
    expect(user.status).toBe(404)
    expect(await user.json()).toMatchObject({ data: { errMsg: 'User matching query does not exist.' } })
    expect((await api(b2b, '/addresses/999')).status).toBe(404)
  })

  it('refuses a user without a storefront channel, a taken email, and deleting the last user of a company', async () => {
    const { b2b } = setup()
    const { value } = b2b.store.createCompany(company(1))
    const user = { companyId: value.company.companyId, email: 'buyer@company1.example', firstName: 'Bo', lastName: 'Buyer', role: 1 }
    const noChannel = await post(b2b, '/users', user)
    expect(noChannel.status).toBe(422)
    expect(await noChannel.json()).toMatchObject({ data: { errMsg: 'At least one B2B storefront needs to be enabled for a Company user.' } })
    expect((await post(b2b, '/users', { ...user, channelIds: [1], role: 5 })).status).toBe(422)
    const noRole = await post(b2b, '/users', { ...user, channelIds: [1], role: undefined })
    expect(await noRole.json()).toMatchObject({ data: { errMsg: { non_field_errors: ['User must have a role.'] } } })

    const created = await post(b2b, '/users', { ...user, channelIds: [1] })
    expect(created.status).toBe(200)
    expect(b2b.emitted.at(-1)).toMatchObject({ scope: 'store/company/user/created', data: { company_id: value.company.companyId } })
    expect((await post(b2b, '/users', { ...user, channelIds: [1] })).status).toBe(422)

    const buyer = ((await created.json()) as { data: { userId: number } }).data.userId
    expect((await api(b2b, `/users/${buyer}`, { method: 'DELETE' })).status).toBe(200)
    const last = await api(b2b, `/users/${value.admin.id}`, { method: 'DELETE' })
    expect(last.status).toBe(422)
    expect(await last.json()).toMatchObject({ data: { errMsg: 'The last user in company can not be deleted.' } })
  })

  it('refuses a default address without its kind, and keeps one default billing address per company', async () => {
    const { b2b } = setup()
    const { value } = b2b.store.createCompany(company(1))
    const address = { companyId: value.company.companyId, firstName: 'A', lastName: 'B', addressLine1: '1 Main St', city: 'Austin', countryName: 'United States' }
    expect((await post(b2b, '/addresses', { ...address, isDefaultBilling: true })).status).toBe(422)
    await post(b2b, '/addresses', { ...address, isBilling: true, isDefaultBilling: true })
    await post(b2b, '/addresses', { ...address, addressLine1: '2 Main St', isBilling: true, isDefaultBilling: true })
    const listed = (await (await api(b2b, `/addresses?companyId=${value.company.companyId}&isBilling=true`)).json()) as {
      data: { addressLine1: string; isDefaultBilling: boolean }[]
    }
    expect(listed.data.map((a) => [a.addressLine1, a.isDefaultBilling])).toEqual([['1 Main St', false], ['2 Main St', true]])
    const missing = await post(b2b, '/addresses', { companyId: value.company.companyId, city: 'Austin' })
    expect(await missing.json()).toMatchObject({ code: 422, data: { errMsg: { firstName: ['This field may not be null.'] } } })
  })

  it('counts 150 requests a minute for the store, with its quota headers, then 429 until the window ends', async () => {
    const { b2b, advance } = setup({ quota: 3 })
    const remaining: string[] = []
    for (let i = 0; i < 3; i++) {
      const res = await api(b2b, '/companies')
      remaining.push(res.headers.get('X-Requests-Remaining')!)
      expect(res.headers.get('X-Requests-Allocated')).toBe('3 times/60 s')
    }
    expect(remaining).toEqual(['2 times', '1 times', '0 times'])
    const refused = await api(b2b, '/companies')
    expect(refused.status).toBe(429)
    expect(await refused.json()).toMatchObject({ code: 429 })
    expect(Number.parseFloat(refused.headers.get('X-Request-Window-Resets-After')!)).toBeGreaterThan(0)
    advance(60_000)
    expect((await api(b2b, '/companies')).status).toBe(200)
  })

  it('has the documented default quota of 150 requests per minute', async () => {
    const { b2b } = setup()
    const res = await api(b2b, '/companies')
    expect(res.headers.get('X-Requests-Allocated')).toBe('150 times/60 s')
  })
})

describe('seeding companies', () => {
  it("makes companies of customers who ordered, with an address book, and sends no webhook", async () => {
    const { seedStore } = await import('../../standins/bigcommerce')
    const { seedCompanies } = await import('../../standins/b2b/seed')
    const { bigcommerce, b2b } = setup()
    seedStore(bigcommerce.store, { customers: 60, orders: 300, seed: 3, now: NOW })
    const summary = seedCompanies(b2b.store, { companies: 4 })
    expect(summary.companies).toBe(4)
    expect(b2b.emitted).toEqual([])
    const statuses = [...b2b.store.companies.values()].map((c) => c.companyStatus)
    expect(statuses.filter((s) => s === 1)).toHaveLength(3)
    expect(statuses).toContain(0)
    for (const company of b2b.store.companies.values()) {
      const users = b2b.store.usersOf(company.companyId)
      expect(users.length).toBeGreaterThan(0)
      const ordered = [...bigcommerce.store.orders.values()].filter((o) => users.some((u) => u.customerId === o.customer_id))
      expect(ordered.length).toBeGreaterThan(0)
      expect([...b2b.store.addresses.values()].filter((a) => a.companyId === company.companyId && a.isDefaultBilling)).toHaveLength(1)
    }
  })
})
