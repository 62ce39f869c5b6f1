import { describe, expect, it } from 'vitest'
import { initialAutomationState } from '../../src/domain/automation/state'
import type { ContactState } from '../../src/domain/contact-state'
import { summarizeContact } from '../../src/domain/lifecycle'
import type { Order, PostalAddress } from '../../src/domain/model'
import { consentRegion, contactAddress, normalizeCountry, normalizeState, postalAddress } from '../../src/domain/region'
import { aContactState, aCustomer, anOrder } from '../support/factories'

const policy = { lapsedAfterMs: 120 * 86_400_000 }
const at = (country: string | null, state: string | null = null): PostalAddress => ({ country, state, city: 'Somewhere', zip: null })

function stateWith(orders: Order[], overrides: Partial<ContactState> = {}): ContactState {
  return aContactState({ orders: Object.fromEntries(orders.map((o) => [String(o.orderId), o])), automation: initialAutomationState(), ...overrides })
}

describe('countries', () => {
  it('keeps ISO 3166-1 alpha-2 codes in upper case and nothing else', () => {
    expect(normalizeCountry(' de ')).toBe('DE')
    expect(normalizeCountry('NO')).toBe('NO')
    expect(normalizeCountry('uk')).toBe('GB')
    expect(normalizeCountry('EL')).toBe('GR')
    for (const bad of ['', '  ', null, undefined, 'XX', 'USA', 'Germany', 'ZZ']) expect(normalizeCountry(bad), String(bad)).toBeNull()
  })
})

describe('states', () => {
  it('gives the ISO 3166-2 code for names BigCommerce lists, however they are spelled', () => {
    expect(normalizeState('US', 'California')).toBe('US-CA')
    expect(normalizeState('US', 'ca')).toBe('US-CA')
    expect(normalizeState('US', 'US-CA')).toBe('US-CA')
    expect(normalizeState('US', 'District of Columbia')).toBe('US-DC')
    expect(normalizeState('CA', 'Québec')).toBe('CA-QC')
    expect(normalizeState('CA', 'QUEBEC')).toBe('CA-QC')
    expect(normalizeState('CA', 'Newfoundland')).toBe('CA-NL')
    expect(normalizeState('DE', 'Bayern')).toBe('DE-BY')
    expect(normalizeState('DE', 'Bavaria')).toBe('DE-BY')
    expect(normalizeState('DE', 'Baden-Wuerttemberg')).toBe('DE-BW')
    expect(normalizeState('DE', 'baden württemberg')).toBe('DE-BW')
    expect(normalizeState('DE', 'Thuringen')).toBe('DE-TH')
    expect(normalizeState('AU', 'New South Wales')).toBe('AU-NSW')
    expect(normalizeState('AU', 'WA')).toBe('AU-WA')
  })

  it('reads a state only within its own country', () => {
    // "WA" is Washington in the US and Western Australia in Australia; "Ontario" is not a US state.
    expect(normalizeState('US', 'WA')).toBe('US-WA')
    expect(normalizeState('US', 'Ontario')).toBe('Ontario')
  })

  it('keeps the name as given where the subdivision is not known, and nothing for an empty one', () => {
    expect(normalizeState('FR', '  Île-de-France ')).toBe('Île-de-France')
    expect(normalizeState('GB', 'Greater  London')).toBe('Greater London')
    expect(normalizeState(null, 'California')).toBe('California')
    expect(normalizeState('US', '')).toBeNull()
    expect(normalizeState('US', null)).toBeNull()
  })
})

describe('addresses', () => {
  it('normalizes every part and says null when there is nothing', () => {
    expect(postalAddress({ country: 'ca', state: 'Quebec', city: ' Montréal ', zip: 'h2x  1y4' })).toEqual({
      country: 'CA', state: 'CA-QC', city: 'Montréal', zip: 'H2X 1Y4',
    })
    expect(postalAddress({ country: '', state: ' ', city: null, zip: undefined })).toBeNull()
    // A country BigCommerce did not send is unknown, but the rest of the address still counts.
    expect(postalAddress({ country: '', state: 'Texas', city: 'Austin', zip: '78701' })).toEqual({
      country: null, state: 'Texas', city: 'Austin', zip: '78701',
    })
  })
})

describe('bc_consent_region', () => {
  it('puts the EU, its separately coded regions and the EEA non-EU members in eu_eea', () => {
    for (const country of ['DE', 'FR', 'IE', 'GR', 'CY', 'HR', 'AX', 'RE', 'GP']) expect(consentRegion(country), country).toBe('eu_eea')
    // Iceland, Liechtenstein and Norway are in the EEA, not the EU: the GDPR applies all the same.
    for (const country of ['NO', 'IS', 'LI']) expect(consentRegion(country), country).toBe('eu_eea')
  })

  it('keeps the UK, Canada and the US apart, and the rest of Europe other', () => {
    expect(consentRegion('GB')).toBe('uk')
    expect(consentRegion('CA')).toBe('ca')
    expect(consentRegion('US')).toBe('us')
    expect(consentRegion('PR')).toBe('us')
    // Switzerland is in neither the EU nor the EEA; the Channel Islands and Greenland are outside both too.
    for (const country of ['CH', 'JE', 'GG', 'IM', 'GL', 'AU', 'JP', 'MX']) expect(consentRegion(country), country).toBe('other')
  })

  it('is unknown without a country', () => {
    expect(consentRegion(null)).toBe('unknown')
    expect(consentRegion(normalizeCountry('XX'))).toBe('unknown')
  })
})

describe("the contact's address", () => {
  const older = anOrder({ orderId: 1, createdAt: '2026-01-01T00:00:00.000Z', billingAddress: at('US', 'US-CA') })
  const newer = anOrder({ orderId: 2, createdAt: '2026-02-01T00:00:00.000Z', billingAddress: at('DE', 'DE-BY') })

  it("is the customer's default address whatever the orders say", () => {
    const state = stateWith([older, newer], { customer: aCustomer({ address: at('CA', 'CA-QC') }) })
    expect(contactAddress(state)).toEqual(at('CA', 'CA-QC'))
  })

  it("is a guest's latest billing address, wherever the orders arrived from", () => {
    expect(contactAddress(stateWith([older, newer]))).toEqual(at('DE', 'DE-BY'))
    expect(contactAddress(stateWith([newer, older]))).toEqual(at('DE', 'DE-BY'))
    // Same creation time: the higher order id is the later one.
    const twin = anOrder({ orderId: 3, createdAt: newer.createdAt, billingAddress: at('GB') })
    expect(contactAddress(stateWith([twin, newer, older]))).toEqual(at('GB'))
  })

  it('skips orders without a billing address, and customers without a default one', () => {
    const blank = anOrder({ orderId: 9, createdAt: '2026-03-01T00:00:00.000Z', billingAddress: null })
    const state = stateWith([older, blank], { customer: aCustomer({ address: null }) })
    expect(contactAddress(state)).toEqual(at('US', 'US-CA'))
    expect(contactAddress(stateWith([blank]))).toBeNull()
  })

  it('reads records stored before addresses were kept as having none', () => {
    const legacyCustomer = { ...aCustomer(), address: undefined } as unknown as ContactState['customer']
    const legacyOrder = { ...anOrder(), billingAddress: undefined } as unknown as Order
    expect(contactAddress(stateWith([legacyOrder], { customer: legacyCustomer }))).toBeNull()
  })

  it('lands on the summary with its consent region', () => {
    const guest = summarizeContact(stateWith([older]), new Date('2026-03-01T00:00:00Z'), policy)
    expect(guest).toMatchObject({ address: at('US', 'US-CA'), consentRegion: 'us' })
    const nobody = summarizeContact(stateWith([]), new Date('2026-03-01T00:00:00Z'), policy)
    expect(nobody).toMatchObject({ address: null, consentRegion: 'unknown' })
    const norwegian = summarizeContact(stateWith([], { customer: aCustomer({ address: at('NO') }) }), new Date(), policy)
    expect(norwegian.consentRegion).toBe('eu_eea')
  })
})
