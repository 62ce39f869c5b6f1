import { describe, expect, it } from 'vitest'
import { hubspotAmount, minorUnits, toMinorUnits } from '../../src/domain/money'

describe("money in each currency's minor units (ISO 4217)", () => {
  it('knows three places for KWD, BHD, OMR, JOD and TND, none for JPY and KRW, two for the rest', () => {
    for (const currency of ['KWD', 'BHD', 'OMR', 'JOD', 'TND']) expect(minorUnits(currency), currency).toBe(3)
    for (const currency of ['JPY', 'KRW']) expect(minorUnits(currency), currency).toBe(0)
    for (const currency of ['USD', 'EUR', 'GBP', 'CAD']) expect(minorUnits(currency), currency).toBe(2)
  })

  it('sends HubSpot the exact amount in those units, rounded half to even past them', () => {
    expect(hubspotAmount('14.8335', 'KWD')).toBe(14.834)
    expect(hubspotAmount('14.8325', 'KWD')).toBe(14.832)
    expect(String(hubspotAmount('1234567.891', 'BHD'))).toBe('1234567.891')
    expect(hubspotAmount('1949.5', 'JPY')).toBe(1950)
    expect(hubspotAmount('1948.5', 'KRW')).toBe(1948)
    expect(hubspotAmount('47.245', 'USD')).toBe(47.24)
    expect(hubspotAmount('-2.1215', 'OMR')).toBe(-2.122)
    // A catalog price, whose currency the API does not name: as BigCommerce holds it.
    expect(hubspotAmount('12.345', null)).toBe(12.345)
  })

  it('reads amounts back exactly in the same units, for reconciliation', () => {
    expect(toMinorUnits(String(hubspotAmount('14.8335', 'KWD')), 'KWD')).toBe('14.834')
    expect(toMinorUnits('14.834', 'KWD')).toBe('14.834')
    expect(toMinorUnits('1950', 'JPY')).toBe('1950')
  })
})
