import { describe, expect, it } from 'vitest'
import { normalizeEmail, normalizePhone } from '../../src/domain/identity-keys'

describe('normalizeEmail', () => {
  it('trims and lower-cases so one person is one contact', () => {
    expect(normalizeEmail('  Jane.Doe@Example.COM ')).toBe('jane.doe@example.com')
  })
  it('rejects what is not an email', () => {
    expect(normalizeEmail('')).toBeNull()
    expect(normalizeEmail('not-an-email')).toBeNull()
    expect(normalizeEmail(null)).toBeNull()
  })
})

describe('normalizePhone', () => {
  it('formats a national number as E.164 with the address country', () => {
    expect(normalizePhone('(512) 555-0147', 'US')).toBe('+15125550147')
  })
  it('keeps an international number in E.164', () => {
    expect(normalizePhone('+44 20 7946 0958')).toBe('+442079460958')
  })
  it('keeps text that does not parse rather than losing it', () => {
    expect(normalizePhone('1234567890')).toBe('1234567890')
    expect(normalizePhone('  ')).toBeNull()
  })
})
