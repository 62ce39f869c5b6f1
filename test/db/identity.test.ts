import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it } from 'vitest'
import {
  knownCustomerEmails,
  linkIdentities,
  personIdentities,
  recordCustomerEmail,
  recordHubSpotMerge,
  unmergedLinks,
} from '../../src/db/identity'

// The identity queries one by one, beside the features that use them (test/admin/duplicates.test.ts,
// test/cron/identity-auto-link.test.ts, test/erasure/): what each selects and what a link does to the merge state.

// Whether or not the pool keeps storage between tests, each starts from empty tables.
beforeEach(async () => {
  await env.DB.batch([env.DB.prepare('DELETE FROM identity_links'), env.DB.prepare('DELETE FROM orders'), env.DB.prepare('DELETE FROM carts'), env.DB.prepare('DELETE FROM contacts'), env.DB.prepare('DELETE FROM contact_touches'), env.DB.prepare('DELETE FROM customer_emails'), env.DB.prepare('DELETE FROM subscriber_emails')])
})

const mergeState = async (email: string) =>
  env.DB.prepare('SELECT canonical_email AS canonical, hubspot_merge AS merge FROM identity_links WHERE email = ?')
    .bind(email)
    .first<{ canonical: string; merge: string | null }>()

const link = (canonical: string, absorbed: string[], hubspotMerge = true, at = 1000) =>
  linkIdentities(env.DB, { canonical, absorbed, reason: 'operator', groupId: null, hubspotMerge, at })

describe('linkIdentities and recordHubSpotMerge', () => {
  it('keeps a finished merge into the same canonical email, starts again when the canonical email changes', async () => {
    await link('a@example.com', ['b@example.com'])
    expect(await mergeState('b@example.com')).toEqual({ canonical: 'a@example.com', merge: 'pending' })

    await recordHubSpotMerge(env.DB, { absorbedKey: 'b@example.com', outcome: 'merged', error: null, at: 2000 })
    await link('a@example.com', ['b@example.com'], true, 3000)
    expect(await mergeState('b@example.com')).toEqual({ canonical: 'a@example.com', merge: 'merged' })

    // A later report that the contacts were already merged does not overwrite the merge itself.
    await recordHubSpotMerge(env.DB, { absorbedKey: 'b@example.com', outcome: 'already_merged', error: null, at: 4000 })
    expect(await mergeState('b@example.com')).toEqual({ canonical: 'a@example.com', merge: 'merged' })

    // Linked to another person: merged again, and the links to the absorbed email follow it.
    await link('c@example.com', ['a@example.com'], true, 5000)
    expect(await mergeState('a@example.com')).toEqual({ canonical: 'c@example.com', merge: 'pending' })
    expect(await mergeState('b@example.com')).toEqual({ canonical: 'c@example.com', merge: 'merged' })

    // A link without a HubSpot merge leaves the state as it was.
    await link('c@example.com', ['a@example.com'], false, 6000)
    expect(await mergeState('a@example.com')).toEqual({ canonical: 'c@example.com', merge: 'pending' })

    await recordHubSpotMerge(env.DB, { absorbedKey: 'a@example.com', outcome: 'failed', error: 'HTTP 500', at: 7000 })
    expect(await mergeState('a@example.com')).toEqual({ canonical: 'c@example.com', merge: 'failed' })
    await recordHubSpotMerge(env.DB, { absorbedKey: 'a@example.com', outcome: 'already_merged', error: null, at: 8000 })
    expect(await mergeState('a@example.com')).toEqual({ canonical: 'c@example.com', merge: 'already_merged' })
  })

  it("moves the absorbed email's orders, carts and customer ids to the canonical one, and drops its own rows", async () => {
    await env.DB.batch([
      env.DB.prepare(
        `INSERT INTO orders (order_id, email, customer_id, status_id, counts_as_paid, created_at, modified_at, currency, total_inc_tax,
           refunded, net_revenue, net_revenue_base, channel) VALUES (71, 'old@example.com', 0, 10, 1, 't', 't', 'USD', '1', '0', '1', '1', 'web')`,
      ),
      env.DB.prepare("INSERT INTO carts (cart_id, email, updated_at) VALUES ('cart-old', 'old@example.com', 't')"),
      env.DB.prepare("INSERT INTO contacts (email, updated_at) VALUES ('old@example.com', 1), ('new@example.com', 1)"),
      env.DB.prepare("INSERT INTO contact_touches (email, updated_at) VALUES ('old@example.com', 1)"),
    ])
    await recordCustomerEmail(env.DB, 12, 'old@example.com')
    await link('new@example.com', ['old@example.com', 'new@example.com'])

    const emails = async (query: string) => (await env.DB.prepare(query).all<{ email: string }>()).results.map((r) => r.email)
    expect(await emails('SELECT email FROM orders WHERE order_id = 71')).toEqual(['new@example.com'])
    expect(await emails("SELECT email FROM carts WHERE cart_id = 'cart-old'")).toEqual(['new@example.com'])
    expect(await emails('SELECT email FROM customer_emails WHERE customer_id = 12')).toEqual(['new@example.com'])
    expect(await emails('SELECT email FROM contacts ORDER BY email')).toEqual(['new@example.com'])
    expect(await emails('SELECT email FROM contact_touches')).toEqual([])
    expect(await mergeState('new@example.com')).toBeNull()
  })
})

describe('unmergedLinks', () => {
  it('lists every email of the people not merged in HubSpot, the most recently linked people first, up to the limit', async () => {
    await link('p1@example.com', ['p1-b@example.com', 'p1-c@example.com'], true, 1000)
    await link('p2@example.com', ['p2-b@example.com'], false, 3000)
    await link('p3@example.com', ['p3-b@example.com'], true, 2000)
    await link('p4@example.com', ['p4-b@example.com'], true, 4000)
    await recordHubSpotMerge(env.DB, { absorbedKey: 'p4-b@example.com', outcome: 'merged', error: null, at: 4500 })
    await recordHubSpotMerge(env.DB, { absorbedKey: 'p1-c@example.com', outcome: 'nothing_to_merge', error: null, at: 1500 })

    const rows = await unmergedLinks(env.DB, 2)
    expect(rows.map((r) => [r.canonical, r.email, r.hubspotMerge])).toEqual([
      ['p2@example.com', 'p2-b@example.com', null],
      ['p3@example.com', 'p3-b@example.com', 'pending'],
    ])
    expect(rows[0]).toEqual({
      email: 'p2-b@example.com',
      canonical: 'p2@example.com',
      reason: 'operator',
      linkedAt: 3000,
      hubspotMerge: null,
      hubspotMergeError: null,
    })
    // Every email of a listed person, merged or not.
    expect((await unmergedLinks(env.DB, 10)).map((r) => r.email)).toEqual([
      'p1-b@example.com',
      'p1-c@example.com',
      'p2-b@example.com',
      'p3-b@example.com',
    ])
  })
})

describe('personIdentities', () => {
  it("finds the person's carts, customer ids, subscriber ids and orders through every linked email, and no one else's", async () => {
    const order = (id: number, email: string, customerId: number, cartId: string | null) =>
      env.DB.prepare(
        `INSERT INTO orders (order_id, email, customer_id, status_id, counts_as_paid, created_at, modified_at, currency, total_inc_tax,
           refunded, net_revenue, net_revenue_base, channel, cart_id) VALUES (?, ?, ?, 10, 1, 't', 't', 'USD', '1', '0', '1', '1', 'web', ?)`,
      ).bind(id, email, customerId, cartId)
    const cart = (id: string, email: string | null, orderId: number | null) =>
      env.DB.prepare("INSERT INTO carts (cart_id, email, order_id, updated_at) VALUES (?, ?, ?, 't')").bind(id, email, orderId)
    await env.DB.batch([
      order(81, 'me@example.com', 0, 'cart-of-order'),
      order(82, 'me-too@example.com', 31, null),
      order(83, 'other@example.com', 39, 'cart-other'),
      cart('cart-mine', 'me@example.com', null),
      cart('cart-anonymous', null, 82),
      cart('cart-other', 'other@example.com', 83),
      env.DB.prepare("INSERT INTO contacts (email, customer_id, updated_at) VALUES ('me@example.com', 32, 1), ('other@example.com', 39, 1)"),
      env.DB.prepare("INSERT INTO subscriber_emails (subscriber_id, email, updated_at) VALUES (5, 'me-too@example.com', 1), (6, 'other@example.com', 1)"),
    ])
    await recordCustomerEmail(env.DB, 33, 'me-too@example.com')
    await link('me@example.com', ['me-too@example.com'])

    const found = await personIdentities(env.DB, 'me-too@example.com')
    expect(found.emails).toEqual(['me-too@example.com', 'me@example.com'])
    expect(found.cartIds.sort()).toEqual(['cart-anonymous', 'cart-mine', 'cart-of-order'])
    expect(found.customerIds.sort()).toEqual([31, 32, 33])
    expect(found.subscriberIds).toEqual([5])
    expect(found.orderIds.sort()).toEqual([81, 82])
    expect(await personIdentities(env.DB, 'other@example.com')).toEqual({
      emails: ['other@example.com'],
      cartIds: ['cart-other'],
      customerIds: [39],
      subscriberIds: [6],
      orderIds: [83],
    })
  })
})

describe('knownCustomerEmails', () => {
  it('reads more ids than D1 binds in one statement, ignoring guests and unknown ids', async () => {
    await env.DB.batch(
      Array.from({ length: 120 }, (_, i) =>
        env.DB.prepare('INSERT INTO customer_emails (customer_id, email, updated_at) VALUES (?, ?, 1)').bind(1001 + i, `c${i + 1}@example.com`),
      ),
    )
    const ids = [0, -1, ...Array.from({ length: 130 }, (_, i) => 1001 + i), 1001]
    const found = await knownCustomerEmails(env.DB, ids)
    expect(found.size).toBe(120)
    expect(found.get(1001)).toBe('c1@example.com')
    expect(found.get(1120)).toBe('c120@example.com')
    expect(found.has(1121)).toBe(false)
  })
})
