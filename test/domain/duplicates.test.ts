import { describe, expect, it } from 'vitest'
import { duplicateGroups, groupId, nameKey, phoneLinks, survivorOf, type ContactKeys } from '../../src/domain/duplicates'

const contact = (email: string, over: Partial<ContactKeys> = {}): ContactKeys => ({
  email,
  customerId: null,
  phone: null,
  firstSeenAt: '2026-11-01T00:00:00.000Z',
  ...over,
})

describe('duplicate groups by the playbook (same normalized email or phone)', () => {
  it('puts two contacts sharing a phone in one group, the earlier known first, with the phone as why', () => {
    const groups = duplicateGroups(
      [
        contact('work@example.com', { phone: '+15125550147', firstSeenAt: '2026-11-03T00:00:00.000Z' }),
        contact('home@example.com', { phone: '+15125550147', firstSeenAt: '2026-10-01T00:00:00.000Z', customerId: 7 }),
        contact('other@example.com', { phone: '+15125550100' }),
      ],
      5,
    )
    expect(groups).toEqual([
      {
        id: groupId(['home@example.com', 'work@example.com']),
        emails: ['home@example.com', 'work@example.com'],
        why: [{ reason: 'shared_phone', value: '+15125550147', emails: ['work@example.com', 'home@example.com'] }],
      },
    ])
  })

  it('leaves out a phone shared by more contacts than the group size (a store number), but counts one at the size', () => {
    const store = Array.from({ length: 6 }, (_, i) => contact(`buyer${i}@example.com`, { phone: '+18005550100' }))
    expect(duplicateGroups(store, 5)).toEqual([])
    expect(duplicateGroups(store.slice(0, 5), 5)).toHaveLength(1)
    expect(duplicateGroups(store, 6)[0]?.emails).toHaveLength(6)
  })

  it('joins contacts through any shared key, transitively: phone, customer id, email variant', () => {
    const groups = duplicateGroups(
      [
        contact('a@example.com', { phone: '+441234567890' }),
        contact('b@example.com', { phone: '+441234567890', customerId: 12 }),
        contact('c@example.com', { customerId: 12 }),
        contact(' C@Example.com', {}),
        contact('d@example.com', { customerId: 13 }),
      ],
      5,
    )
    expect(groups).toHaveLength(1)
    expect(groups[0]!.emails).toEqual(['a@example.com', 'b@example.com', 'c@example.com', ' C@Example.com'])
    expect(groups[0]!.why.map((w) => w.reason).sort()).toEqual(['email_variant', 'shared_customer_id', 'shared_phone'])
  })

  it('gives a group the same id whatever the order of its members, and another id for other members', () => {
    expect(groupId(['x@example.com', 'y@example.com'])).toBe(groupId(['y@example.com', 'x@example.com']))
    expect(groupId(['x@example.com', 'y@example.com'])).toMatch(/^[0-9a-f]{16}$/)
    expect(groupId(['x@example.com', 'y@example.com'])).not.toBe(groupId(['x@example.com', 'z@example.com']))
  })
})

describe('the contact a merge keeps', () => {
  const candidate = (email: string, over: Partial<Parameters<typeof survivorOf>[0][number]> = {}) => ({
    email,
    customerId: null,
    paidOrderCount: 0,
    lifetimeValue: 0,
    firstSeenAt: '2026-01-01T00:00:00.000Z',
    ...over,
  })

  it('is the registered customer, even with fewer orders than a guest', () => {
    expect(survivorOf([candidate('guest@example.com', { paidOrderCount: 5, lifetimeValue: 500 }), candidate('member@example.com', { customerId: 3 })]).email)
      .toBe('member@example.com')
  })

  it('between guests: more orders, then more value, then the earlier known', () => {
    expect(survivorOf([candidate('a@example.com', { paidOrderCount: 1 }), candidate('b@example.com', { paidOrderCount: 2 })]).email).toBe('b@example.com')
    expect(survivorOf([candidate('a@example.com', { lifetimeValue: 10 }), candidate('b@example.com', { lifetimeValue: 20 })]).email).toBe('b@example.com')
    expect(survivorOf([candidate('b@example.com'), candidate('a@example.com', { firstSeenAt: '2025-01-01T00:00:00.000Z' })]).email).toBe('a@example.com')
  })
})

describe('IDENTITY_AUTO_LINK=phone', () => {
  const person = (email: string, customerId: number | null, firstName: string | null, lastName: string | null, phone = '+15125550147') => ({
    email,
    customerId,
    phone,
    firstName,
    lastName,
  })

  it('links a guest to the registered customer with the same phone and name (case and accents aside)', () => {
    expect(phoneLinks([person('member@example.com', 9, 'Zoë', 'Dupont'), person('guest@example.com', 0, 'zoe', 'DUPONT')], 5)).toEqual([
      { canonical: 'member@example.com', absorbed: 'guest@example.com', phone: '+15125550147' },
    ])
  })

  it('links nobody without the same name, between two guests, or when two customers share phone and name', () => {
    expect(phoneLinks([person('member@example.com', 9, 'Ann', 'Lee'), person('guest@example.com', null, 'Bob', 'Lee')], 5)).toEqual([])
    expect(phoneLinks([person('g1@example.com', null, 'Ann', 'Lee'), person('g2@example.com', null, 'Ann', 'Lee')], 5)).toEqual([])
    expect(
      phoneLinks([person('m1@example.com', 1, 'Ann', 'Lee'), person('m2@example.com', 2, 'Ann', 'Lee'), person('g@example.com', null, 'Ann', 'Lee')], 5),
    ).toEqual([])
    expect(phoneLinks([person('member@example.com', 9, 'Ann', null), person('guest@example.com', null, 'Ann', null)], 5)).toEqual([])
  })

  it('links nobody on a phone shared by more contacts than DUPLICATE_PHONE_MAX_GROUP', () => {
    const many = [person('member@example.com', 9, 'Ann', 'Lee'), ...Array.from({ length: 5 }, (_, i) => person(`g${i}@example.com`, null, 'Ann', 'Lee'))]
    expect(phoneLinks(many, 5)).toEqual([])
    expect(phoneLinks(many, 6)).toHaveLength(5)
  })

  it('compares names without case, accents, punctuation or extra spaces', () => {
    expect(nameKey(' José-María ', "O'Brien")).toBe(nameKey('jose maria', 'o brien'))
    expect(nameKey('Ann', '')).toBeNull()
  })
})
