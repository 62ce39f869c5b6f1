import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it } from 'vitest'
import { clearWake, contactFigures, contactsSharingPhones, overdueContacts, topCategories } from '../../src/db/contacts'

// The contact read model's queries one by one, beside the features that use them (test/contact/scheduled-work.test.ts,
// test/cron/identity-auto-link.test.ts, test/admin/duplicates.test.ts).

// Whether or not the pool keeps storage between tests, each starts from empty tables.
beforeEach(async () => {
  await env.DB.batch([env.DB.prepare('DELETE FROM contacts')])
})

const contact = (email: string, columns: Record<string, string | number | null> = {}) => {
  const names = ['email', 'updated_at', ...Object.keys(columns)]
  return env.DB.prepare(`INSERT INTO contacts (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`).bind(
    email,
    1,
    ...Object.values(columns),
  )
}

describe('topCategories', () => {
  it('ranks categories by how many contacts bought them last, then by name, up to the limit', async () => {
    await env.DB.batch([
      contact('t1@example.com', { top_category: 'Shoes' }),
      contact('t2@example.com', { top_category: 'Shoes' }),
      contact('t3@example.com', { top_category: 'Bags' }),
      contact('t4@example.com', { top_category: 'Hats' }),
      contact('t5@example.com', { top_category: 'Hats' }),
      contact('t6@example.com', { top_category: 'Coats' }),
      contact('t7@example.com'),
      contact('t8@example.com'),
      contact('t9@example.com'),
    ])
    expect(await topCategories(env.DB, 3)).toEqual(['Hats', 'Shoes', 'Bags'])
    expect(await topCategories(env.DB, 10)).toEqual(['Hats', 'Shoes', 'Bags', 'Coats'])
    expect(await topCategories(env.DB, 0)).toEqual([])
  })
})

describe('overdueContacts and clearWake', () => {
  it('lists the contacts whose wake time passed, the longest overdue first, and clears a wake only while unchanged', async () => {
    await env.DB.batch([
      contact('w1@example.com', { next_wake_at: 300 }),
      contact('w2@example.com', { next_wake_at: 100 }),
      contact('w3@example.com', { next_wake_at: 900 }),
      contact('w4@example.com'),
      contact('w5@example.com', { next_wake_at: 200 }),
    ])
    expect(await overdueContacts(env.DB, 500, 10)).toEqual([
      { email: 'w2@example.com', wakeAt: 100 },
      { email: 'w5@example.com', wakeAt: 200 },
      { email: 'w1@example.com', wakeAt: 300 },
    ])
    expect(await overdueContacts(env.DB, 300, 1)).toEqual([{ email: 'w2@example.com', wakeAt: 100 }])

    await clearWake(env.DB, 'w2@example.com', 150)
    await clearWake(env.DB, 'w5@example.com', 200)
    expect(await overdueContacts(env.DB, 500, 10)).toEqual([
      { email: 'w2@example.com', wakeAt: 100 },
      { email: 'w1@example.com', wakeAt: 300 },
    ])
  })
})

describe('contactFigures', () => {
  it("reads the contacts' figures by email, in email order, skipping unknown emails", async () => {
    await env.DB.batch([
      contact('f2@example.com', {
        customer_id: 7,
        phone: '+14155550100',
        first_name: 'Ada',
        last_name: 'Lovelace',
        paid_order_count: 3,
        lifetime_value: '120.50',
        lifetime_value_sort: 120.5,
        customer_status: 'customer',
        value_tier: 'gold',
        first_seen_at: '2026-01-01T00:00:00.000Z',
      }),
      contact('f1@example.com'),
    ])
    expect(await contactFigures(env.DB, [])).toEqual([])
    expect(await contactFigures(env.DB, ['f2@example.com', 'nobody@example.com', 'f1@example.com'])).toEqual([
      {
        email: 'f1@example.com',
        customerId: null,
        phone: null,
        firstName: null,
        lastName: null,
        paidOrderCount: 0,
        lifetimeValue: '0',
        lifetimeValueSort: 0,
        customerStatus: 'prospect',
        valueTier: null,
        firstSeenAt: null,
      },
      {
        email: 'f2@example.com',
        customerId: 7,
        phone: '+14155550100',
        firstName: 'Ada',
        lastName: 'Lovelace',
        paidOrderCount: 3,
        lifetimeValue: '120.50',
        lifetimeValueSort: 120.5,
        customerStatus: 'customer',
        valueTier: 'gold',
        firstSeenAt: '2026-01-01T00:00:00.000Z',
      },
    ])
  })
})

describe('contactsSharingPhones', () => {
  it('finds phones a registered customer and a guest share, in groups no larger than the limit', async () => {
    await env.DB.batch([
      // A customer and two guests (a null and a 0 customer id both count as a guest).
      contact('a1@example.com', { phone: '+1001', customer_id: 5, first_name: 'Ann' }),
      contact('a2@example.com', { phone: '+1001' }),
      contact('a3@example.com', { phone: '+1001', customer_id: 0 }),
      // Two guests only.
      contact('b1@example.com', { phone: '+1002' }),
      contact('b2@example.com', { phone: '+1002', customer_id: 0 }),
      // Two customers only.
      contact('c1@example.com', { phone: '+1003', customer_id: 6 }),
      contact('c2@example.com', { phone: '+1003', customer_id: 7 }),
      // A customer and a guest, in a group of two.
      contact('d1@example.com', { phone: '+1004', customer_id: 8 }),
      contact('d2@example.com', { phone: '+1004', last_name: 'Doe' }),
      // Alone on its phone; no phone.
      contact('e1@example.com', { phone: '+1005', customer_id: 9 }),
      contact('e2@example.com', { customer_id: 0 }),
    ])
    expect(await contactsSharingPhones(env.DB, 3)).toEqual([
      { email: 'a1@example.com', customerId: 5, phone: '+1001', firstName: 'Ann', lastName: null },
      { email: 'a2@example.com', customerId: null, phone: '+1001', firstName: null, lastName: null },
      { email: 'a3@example.com', customerId: 0, phone: '+1001', firstName: null, lastName: null },
      { email: 'd1@example.com', customerId: 8, phone: '+1004', firstName: null, lastName: null },
      { email: 'd2@example.com', customerId: null, phone: '+1004', firstName: null, lastName: 'Doe' },
    ])
    expect((await contactsSharingPhones(env.DB, 2)).map((c) => c.email)).toEqual(['d1@example.com', 'd2@example.com'])
  })
})
