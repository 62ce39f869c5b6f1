import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it } from 'vitest'
import {
  companiesToRefresh,
  companyIdsAfter,
  companyOfCustomer,
  listCompanies,
  loadCompanies,
  markCompanyDeleted,
  markCompanyUnreadable,
  noteListedCompanies,
  ordersOfCompanies,
  recordCompanySync,
  saveCompany,
  unseenCompanies,
} from '../../src/db/companies'
import type { Company, CompanyUser } from '../../src/domain/b2b-companies'

// The B2B companies' queries one by one, beside the feature that uses them (test/b2b/companies.test.ts).

// Whether or not the pool keeps storage between tests, each starts from empty tables.
beforeEach(async () => {
  await env.DB.batch([env.DB.prepare('DELETE FROM b2b_companies'), env.DB.prepare('DELETE FROM b2b_company_users'), env.DB.prepare('DELETE FROM b2b_company_orders'), env.DB.prepare('DELETE FROM orders')])
})

const company = (companyId: number, overrides: Partial<Company> = {}): Company => ({
  companyId,
  name: `Company ${companyId}`,
  status: 'approved',
  email: null,
  phone: null,
  customerGroupId: null,
  customerGroupName: null,
  catalog: null,
  address: null,
  updatedAt: '2026-01-01T00:00:00Z',
  ...overrides,
})

const user = (userId: number, companyId: number, customerId: number | null): CompanyUser => ({
  userId,
  companyId,
  customerId,
  email: `user${userId}@example.com`,
  firstName: null,
  lastName: null,
})

const order = (orderId: number, customerId: number, paid: boolean, net: string) =>
  env.DB.prepare(
    `INSERT INTO orders (order_id, email, customer_id, status_id, counts_as_paid, created_at, modified_at, currency, base_currency,
       total_inc_tax, refunded, net_revenue, net_revenue_base, channel) VALUES (?, 'o@example.com', ?, 10, ?, ?, 't', 'USD', 'USD', ?, '0', ?, ?, 'web')`,
  ).bind(orderId, customerId, paid ? 1 : 0, `2026-02-0${orderId % 10}T00:00:00Z`, net, net, net)

describe('a company read whole, then listed again', () => {
  it('replaces its users, is refreshed once, and is stored again only when B2B Edition changed it', async () => {
    await saveCompany(env.DB, company(1), [user(11, 1, 101), user(12, 1, 102)], 1000)
    await saveCompany(env.DB, company(1, { name: 'Renamed' }), [user(12, 1, 102), user(13, 1, null)], 2000)
    const stored = await loadCompanies(env.DB, [1, 2])
    expect([...stored.keys()]).toEqual([1])
    expect(stored.get(1)).toEqual({ company: company(1, { name: 'Renamed' }), users: [user(12, 1, 102), user(13, 1, null)], syncedFingerprint: null })
    expect(await companyOfCustomer(env.DB, 102)).toBe(1)
    expect(await companyOfCustomer(env.DB, 101)).toBeNull()
    expect(await companyOfCustomer(env.DB, 0)).toBeNull()

    const address = { street: 'Main St 1', street2: null, city: 'Springfield', state: null, zip: '12345', country: 'US' }
    await saveCompany(env.DB, company(2, { address }), [], 2000)
    const changed = await noteListedCompanies(
      env.DB,
      [company(1, { name: 'Renamed' }), company(2, { address: null, updatedAt: '2026-03-01T00:00:00Z' }), company(3)],
      3000,
    )
    expect(changed).toEqual([2, 3])
    expect(await companiesToRefresh(env.DB, 10)).toEqual([2, 3])
    expect(await companiesToRefresh(env.DB, 1)).toEqual([2])
    // Until the refresh, the address known before stays.
    expect((await loadCompanies(env.DB, [2])).get(2)?.company).toEqual(company(2, { address, updatedAt: '2026-03-01T00:00:00Z' }))

    await markCompanyUnreadable(env.DB, 3, 4000)
    expect(await companiesToRefresh(env.DB, 10)).toEqual([2])
    // Company 1 was last seen at 3000, company 3 at 4000.
    expect(await unseenCompanies(env.DB, 3500, 10)).toEqual([1, 2])
    expect(await unseenCompanies(env.DB, 3500, 1)).toEqual([1])
  })
})

describe('markCompanyDeleted', () => {
  it('keeps the company with status deleted, in its row and its stored record; an unknown one is not marked', async () => {
    await saveCompany(env.DB, company(5), [], 1000)
    expect(await markCompanyDeleted(env.DB, 5)).toBe(true)
    expect(await markCompanyDeleted(env.DB, 6)).toBe(false)
    expect((await loadCompanies(env.DB, [5])).get(5)?.company.status).toBe('deleted')
    expect(await env.DB.prepare('SELECT status FROM b2b_companies WHERE company_id = 5').first('status')).toBe('deleted')
    expect(await unseenCompanies(env.DB, 2000, 10)).toEqual([])
    expect(await companyIdsAfter(env.DB, 0, 10)).toEqual([5])
  })
})

describe('ordersOfCompanies and recordCompanySync', () => {
  it("gives each company its users' orders with whether they were associated with it, and records what HubSpot was given", async () => {
    await saveCompany(env.DB, company(21), [user(31, 21, 201), user(32, 21, 202), user(35, 21, null)], 1000)
    await saveCompany(env.DB, company(22), [user(33, 22, 203)], 1000)
    await env.DB.batch([order(91, 201, true, '10.00'), order(92, 202, false, '0'), order(93, 203, true, '5.50'), order(94, 0, true, '1.00')])
    await recordCompanySync(
      env.DB,
      21,
      { figures: { orderCount: 1, lifetimeValue: '10.00', firstOrderAt: 'f', lastOrderAt: 'l' }, fingerprint: 'fp-21', associatedOrders: [91, 93] },
      2000,
    )

    const orders = await ordersOfCompanies(env.DB, [21, 22, 23])
    expect([...orders.keys()]).toEqual([21, 22, 23])
    expect(orders.get(21)).toEqual([
      { orderId: 91, countsAsPaid: true, createdAt: '2026-02-01T00:00:00Z', netRevenueBase: '10.00', baseCurrency: 'USD', associated: true },
      { orderId: 92, countsAsPaid: false, createdAt: '2026-02-02T00:00:00Z', netRevenueBase: '0', baseCurrency: 'USD', associated: false },
    ])
    // Order 93 was associated with company 21, not with the company its buyer is in.
    expect(orders.get(22)).toEqual([
      { orderId: 93, countsAsPaid: true, createdAt: '2026-02-03T00:00:00Z', netRevenueBase: '5.50', baseCurrency: 'USD', associated: false },
    ])
    expect(orders.get(23)).toEqual([])
    expect((await loadCompanies(env.DB, [21])).get(21)?.syncedFingerprint).toBe('fp-21')

    // Moved to the company its buyer is in.
    await recordCompanySync(
      env.DB,
      22,
      { figures: { orderCount: 1, lifetimeValue: '5.50', firstOrderAt: null, lastOrderAt: null }, fingerprint: 'fp-22', associatedOrders: [93] },
      3000,
    )
    expect((await ordersOfCompanies(env.DB, [22])).get(22)?.[0]?.associated).toBe(true)
  })
})

describe('listCompanies and companyIdsAfter', () => {
  it('lists by lifetime value as a number, then name, deleted companies last, with their users counted', async () => {
    await saveCompany(env.DB, company(41, { name: 'Beta' }), [user(51, 41, 1), user(52, 41, 2)], 1000)
    await saveCompany(env.DB, company(42, { name: 'Alpha' }), [], 1000)
    await saveCompany(env.DB, company(43, { name: 'Gamma' }), [user(53, 43, 3)], 1000)
    await saveCompany(env.DB, company(44, { name: 'Delta' }), [], 1000)
    const sync = (id: number, lifetimeValue: string) =>
      recordCompanySync(env.DB, id, { figures: { orderCount: 2, lifetimeValue, firstOrderAt: null, lastOrderAt: '2026-02-01' }, fingerprint: 'f', associatedOrders: [] }, 5000)
    await sync(41, '9.50')
    await sync(42, '9.50')
    await sync(43, '100.00')
    await sync(44, '1000.00')
    await markCompanyDeleted(env.DB, 44)

    const listed = await listCompanies(env.DB, 10)
    expect(listed.total).toBe(3)
    expect(listed.companies.map((c) => [c.name, c.lifetimeValue, c.users])).toEqual([
      ['Gamma', '100.00', 1],
      ['Alpha', '9.50', 0],
      ['Beta', '9.50', 2],
      ['Delta', '1000.00', 0],
    ])
    expect(listed.companies[0]).toEqual({
      companyId: 43,
      name: 'Gamma',
      status: 'approved',
      users: 1,
      orderCount: 2,
      lifetimeValue: '100.00',
      lastOrderAt: '2026-02-01',
      syncedAt: 5000,
    })
    expect((await listCompanies(env.DB, 2)).companies.map((c) => c.companyId)).toEqual([43, 42])
    expect(await companyIdsAfter(env.DB, 41, 2)).toEqual([42, 43])
  })
})
