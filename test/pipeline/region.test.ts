import { beforeEach, describe, expect, it } from 'vitest'
import { deliverEvents, flushHubSpot, freshWorld, type useStandins } from '../support/worker'

type Standins = ReturnType<typeof useStandins>
let bigcommerce: Standins['bigcommerce']
let hubspot: Standins['hubspot']

beforeEach(async () => {
  ;({ bigcommerce, hubspot } = await freshWorld())
})

const T0 = Date.UTC(2026, 2, 1, 12)
const HOUR = 3_600_000

/** The contact's region as HubSpot holds it; a cleared or never-set value reads ''. */
function region(email: string) {
  const properties = hubspot.portal.findByProperty('contacts', 'email', email)?.properties ?? {}
  const read = (name: string) => properties[name] ?? ''
  return { country: read('country'), state: read('state'), city: read('city'), zip: read('zip'), bc_consent_region: read('bc_consent_region') }
}

const BILLING = {
  oslo: { city: 'Oslo', state: '', zip: '0150', country: 'Norway', country_iso2: 'NO' },
  london: { city: 'London', state: '', zip: 'ec1a 1bb', country: 'United Kingdom', country_iso2: 'GB' },
  austin: { city: 'Austin', state: 'Texas', zip: '78701', country: 'United States', country_iso2: 'US' },
}

describe('region on contacts, from webhooks to HubSpot', () => {
  it('gives a German, a Québécois and a Californian customer ISO country and state codes and their consent region', async () => {
    const customers = [
      { email: 'anna@example.de', address: { city: 'München', state_or_province: 'Bayern', postal_code: '80331', country_code: 'DE', country: 'Germany' } },
      { email: 'luc@example.ca', address: { city: 'Montréal', state_or_province: 'Québec', postal_code: 'H2X 1Y4', country_code: 'CA', country: 'Canada' } },
      { email: 'maya@example.com', address: { city: 'San Diego', state_or_province: 'California', postal_code: '92101', country_code: 'US', country: 'United States' } },
    ]
    for (const c of customers) await deliverEvents(bigcommerce.store.createCustomer(c).events)
    await flushHubSpot()

    expect(region('anna@example.de')).toEqual({ country: 'DE', state: 'DE-BY', city: 'München', zip: '80331', bc_consent_region: 'eu_eea' })
    expect(region('luc@example.ca')).toEqual({ country: 'CA', state: 'CA-QC', city: 'Montréal', zip: 'H2X 1Y4', bc_consent_region: 'ca' })
    expect(region('maya@example.com')).toEqual({ country: 'US', state: 'US-CA', city: 'San Diego', zip: '92101', bc_consent_region: 'us' })
  })

  it("gives a guest the latest order's billing address, whatever order the webhooks arrive in", async () => {
    const email = 'guest@example.no'
    const first = bigcommerce.store.createOrder({ email, customerId: 0, billing: BILLING.london, at: T0 })
    const second = bigcommerce.store.createOrder({ email, customerId: 0, billing: BILLING.oslo, at: T0 + 24 * HOUR })
    // The newer order first, then the older one: the newer billing address stays.
    await deliverEvents(second.events)
    await deliverEvents(first.events)
    await flushHubSpot()
    expect(region(email)).toEqual({ country: 'NO', state: '', city: 'Oslo', zip: '0150', bc_consent_region: 'eu_eea' })
  })

  it("keeps a customer's default address over any order's billing address, whichever webhook comes first", async () => {
    const address = { city: 'Montréal', state_or_province: 'Quebec', postal_code: 'h3b 4w8', country_code: 'CA', country: 'Canada' }
    const early = bigcommerce.store.createCustomer({ email: 'early@example.ca', address, at: T0 })
    const late = bigcommerce.store.createCustomer({ email: 'late@example.ca', address, at: T0 })
    const earlyOrder = bigcommerce.store.createOrder({ customerId: early.value.id, billing: BILLING.austin, at: T0 + HOUR })
    const lateOrder = bigcommerce.store.createOrder({ customerId: late.value.id, billing: BILLING.austin, at: T0 + HOUR })

    await deliverEvents([...early.events, ...earlyOrder.events])
    await deliverEvents([...lateOrder.events, ...late.events])
    await flushHubSpot()

    const expected = { country: 'CA', state: 'CA-QC', city: 'Montréal', zip: 'H3B 4W8', bc_consent_region: 'ca' }
    expect(region('early@example.ca')).toEqual(expected)
    expect(region('late@example.ca')).toEqual(expected)
  })

  it('moves the contact when the default address changes, in the one customer call that brings addresses', async () => {
    const customer = bigcommerce.store.createCustomer({
      email: 'mover@example.com',
      address: { city: 'Austin', state_or_province: 'Texas', postal_code: '78701', country_code: 'US', country: 'United States' },
      at: T0,
    })
    await deliverEvents(customer.events)
    await flushHubSpot()
    expect(region('mover@example.com')).toMatchObject({ country: 'US', state: 'US-TX', bc_consent_region: 'us' })

    const [saved] = bigcommerce.store.customerAddresses.get(customer.value.id)!
    const calls = bigcommerce.requests.length
    const moved = bigcommerce.store.updateCustomerAddress(
      saved!.id,
      { city: 'London', state_or_province: '', postal_code: 'SW1A 1AA', country_code: 'GB', country: 'United Kingdom' },
      T0 + HOUR,
    )
    await deliverEvents(moved.events)
    await flushHubSpot()

    expect(region('mover@example.com')).toEqual({ country: 'GB', state: '', city: 'London', zip: 'SW1A 1AA', bc_consent_region: 'uk' })
    const customerCalls = bigcommerce.requests.slice(calls).filter((r) => r.path.includes('/v3/customers'))
    // One customer read (with its addresses) and the subscriber lookup for consent; no separate address call.
    expect(customerCalls.map((r) => r.path)).toEqual([
      expect.stringMatching(/\/v3\/customers$/),
      expect.stringMatching(/\/v3\/customers\/subscribers$/),
    ])
    expect(new URLSearchParams(customerCalls[0]!.query).get('include')).toBe('addresses')
  })

  it('says unknown for a contact with no address at all, and leaves HubSpot its own', async () => {
    const customer = bigcommerce.store.createCustomer({ email: 'nowhere@example.com', address: false })
    await deliverEvents(customer.events)
    await flushHubSpot()
    expect(region('nowhere@example.com')).toEqual({ country: '', state: '', city: '', zip: '', bc_consent_region: 'unknown' })
  })
})
