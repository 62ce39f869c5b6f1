import { describe, expect, it } from 'vitest'
import { defaultBillingAddress, normalizeCompany, normalizeCompanyUser } from '../../src/bigcommerce/b2b/b2b-resources'
import { companyAddress, companyFigures, companyStatusOf, type Company } from '../../src/domain/b2b-companies'
import { countryCode } from '../../src/domain/region'
import { companyRecords } from '../../src/hubspot/mapping/company-records'

const order = (orderId: number, createdAt: string, netRevenueBase: string, countsAsPaid = true) => ({
  orderId,
  createdAt,
  netRevenueBase,
  countsAsPaid,
})

describe('company figures', () => {
  it('sums revenue exactly: base-currency amounts a float sum would round the wrong way', () => {
    // 7.2058 + 1.1006 + 9.5086 = 17.815 exactly (half-even: 17.82); as floats 17.814999999999998 (17.81).
    const figures = companyFigures([
      order(1, '2026-01-02T10:00:00Z', '7.2058'),
      order(2, '2026-01-01T10:00:00Z', '1.1006'),
      order(3, '2026-01-03T10:00:00Z', '9.5086'),
    ])
    expect(figures.lifetimeValue).toBe('17.815')
    const company: Company = {
      companyId: 7, name: 'Acme', status: 'approved', email: null, phone: null, customerGroupId: null,
      customerGroupName: null, catalog: null, address: null, updatedAt: null,
    }
    expect(companyRecords(company, figures, [], [])[0]!.properties.bc_lifetime_value).toBe(17.82)
  })

  it("writes the lifetime value in the base currency's minor units: KWD to the fils", () => {
    const figures = companyFigures([{ orderId: 1, countsAsPaid: true, createdAt: '2026-01-02T10:00:00Z', netRevenueBase: '12.3456', baseCurrency: 'KWD' }])
    const company: Company = {
      companyId: 8, name: 'Gulf', status: 'approved', email: null, phone: null, customerGroupId: null,
      customerGroupName: null, catalog: null, address: null, updatedAt: null,
    }
    expect(companyRecords(company, figures, [], [])[0]!.properties.bc_lifetime_value).toBe(12.346)
  })

  it('counts paid orders only (a fully refunded one with no revenue), dated by the first and last of them', () => {
    const figures = companyFigures([
      order(1, '2026-02-01T00:00:00Z', '100', true),
      order(2, '2025-12-31T23:59:00Z', '0', true),
      order(3, '2025-11-01T00:00:00Z', '0', false),
      order(4, '2026-03-01T00:00:00Z', '0', false),
    ])
    expect(figures).toEqual({ orderCount: 2, lifetimeValue: '100', firstOrderAt: '2025-12-31T23:59:00Z', lastOrderAt: '2026-02-01T00:00:00Z' })
    expect(companyFigures([])).toEqual({ orderCount: 0, lifetimeValue: '0', firstOrderAt: null, lastOrderAt: null })
  })

  it('maps B2B Edition status codes, and nothing else', () => {
    expect([0, 1, 2, 3].map(companyStatusOf)).toEqual(['pending', 'approved', 'rejected', 'inactive'])
    expect(companyStatusOf(4)).toBeNull()
  })

  it("shows a company's own address first, else its default billing address", () => {
    const own = { street: '1 A St', street2: null, city: 'Austin', state: 'US-TX', zip: '78701', country: 'US' }
    const billing = { ...own, street: '2 B St' }
    expect(companyAddress(own, billing)).toBe(own)
    expect(companyAddress(null, billing)).toBe(billing)
  })
})

describe('B2B Edition resources', () => {
  it('reads a company whose ids, status and timestamps come as strings, as the one-company answer sends them', () => {
    const company = normalizeCompany({
      companyId: '501',
      companyName: ' Acme ',
      companyEmail: 'Office@Acme.example',
      companyPhone: '',
      companyStatus: '0',
      bcGroupId: '2',
      bcGroupName: 'Distributors',
      catalogId: '12',
      catalogName: '',
      priceListAssign: [{ priceListId: 12, priceListName: 'Distributor prices' }],
      updatedAt: '1767225600',
    })
    expect(company).toMatchObject({
      companyId: 501,
      name: 'Acme',
      status: 'pending',
      email: 'office@acme.example',
      phone: null,
      customerGroupId: 2,
      customerGroupName: 'Distributors',
      catalog: 'Distributor prices',
      address: null,
      updatedAt: '2026-01-01T00:00:00.000Z',
    })
  })

  it('reads a legal address given by country name and state name, as ISO codes', () => {
    const company = normalizeCompany({
      companyId: 1, companyName: 'A', companyStatus: 1, country: 'United States', state: 'Texas', city: ' Austin ', zipCode: '78701',
      addressLine1: '1 Main St',
    })
    expect(company.address).toEqual({ street: '1 Main St', street2: null, city: 'Austin', state: 'US-TX', zip: '78701', country: 'US' })
    expect(countryCode('Germany')).toBe('DE')
    expect(countryCode('de')).toBe('DE')
    expect(countryCode('Atlantis')).toBeNull()
  })

  it('refuses a company answer without its id or name', () => {
    expect(() => normalizeCompany({ companyName: 'A', companyStatus: 1 })).toThrow(/companyId/)
    expect(() => normalizeCompany({ companyId: 1, companyStatus: 1 })).toThrow(/companyName/)
  })

  it('keys a user by normalized email, and skips one without a usable email', () => {
    expect(normalizeCompanyUser({ id: 9, companyId: 501, email: ' Bob@Acme.Example ', customerId: 42, firstName: 'Bob' })).toMatchObject({
      userId: 9, companyId: 501, email: 'bob@acme.example', customerId: 42, firstName: 'Bob', lastName: null,
    })
    expect(normalizeCompanyUser({ id: 9, companyId: 501, email: 'not an email' })).toBeNull()
  })

  it('takes the default billing address of the address book, else a billing one, else the first', () => {
    const a = (addressId: number, extra: Record<string, unknown>) => ({
      addressId, addressLine1: `${addressId} Road`, city: 'Berlin', countryCode: 'DE', stateCode: 'BE', zipCode: '10117', ...extra,
    })
    expect(defaultBillingAddress([a(1, { isBilling: true }), a(2, { isBilling: true, isDefaultBilling: true })])?.street).toBe('2 Road')
    expect(defaultBillingAddress([a(1, { isShipping: true }), a(2, { isBilling: true })])?.street).toBe('2 Road')
    expect(defaultBillingAddress([a(1, {})])).toMatchObject({ street: '1 Road', state: 'DE-BE', country: 'DE' })
    expect(defaultBillingAddress([])).toBeNull()
  })
})
