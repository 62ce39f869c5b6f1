import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { eraseFromD1, tombstonesOfOtherKeys } from '../../src/db/erasure'
import type { PersonIdentities } from '../../src/db/identity'

// The erasure's selections one by one, beside the whole-person walk of test/erasure/erase.test.ts: which rows of
// the person go, and that another person's rows sharing the same shape stay.

const PERSON: PersonIdentities = {
  emails: ['gone@example.com'],
  cartIds: ['cart-gone'],
  customerIds: [55],
  subscriberIds: [77],
  orderIds: [901],
}

async function seed() {
  const letter = (source: string, reference: string, payload: unknown) =>
    env.DB.prepare("INSERT INTO dead_letters (source, reference, payload, error, attempts, created_at) VALUES (?, ?, ?, 'HTTP 500', 5, 0)")
      .bind(source, reference, JSON.stringify(payload))
  const event = (id: string, type: string, resource: string, status: string, error: string | null) =>
    env.DB.prepare(
      "INSERT INTO webhook_events (id, scope, resource_type, resource_id, payload, received_at, status, next_attempt_at, last_error) VALUES (?, 's', ?, ?, '{}', 0, ?, 0, ?)",
    ).bind(id, type, resource, status, error)
  const change = (kind: string, ref: string) => env.DB.prepare('INSERT INTO attribution_changes (kind, ref) VALUES (?, ?)').bind(kind, ref)
  const touch = (anonymousId: string) =>
    env.DB.prepare("INSERT INTO touches (anonymous_id, occurred_at, channel, reason, received_at) VALUES (?, 1, 'direct', 'session', 1)").bind(anonymousId)
  await env.DB.batch([
    letter('hubspot', 'carts:cart-gone', { objectType: 'carts', key: 'cart-gone' }),
    letter('hubspot', 'tasks:cart_abandoned:cart-gone:1700000000', { objectType: 'tasks', key: 'cart_abandoned:cart-gone:1700000000' }),
    letter('webhook', 'w-sub', { subject: { kind: 'subscriber', subscriberId: 77 } }),
    letter('webhook', 'w-cart', { subject: { kind: 'cart', cartId: 'cart-gone' } }),
    letter('hubspot', 'contacts:x', { objectType: 'contacts', key: 'x', properties: { note: 'GONE@example.com' } }),
    letter('hubspot', 'carts:cart-kept', { objectType: 'carts', key: 'cart-kept' }),
    letter('hubspot', 'tasks:cart_abandoned:cart-kept:1700000000', { objectType: 'tasks', key: 'cart_abandoned:cart-kept:1700000000' }),
    letter('webhook', 'w-sub-kept', { subject: { kind: 'subscriber', subscriberId: 78 } }),
    letter('webhook', 'w-customer-kept', { subject: { kind: 'customer', customerId: 77 } }),
    event('e-cart', 'cart', 'cart-gone', 'done', null),
    event('e-customer', 'customer', '55', 'done', null),
    event('e-subscriber', 'subscriber', '77', 'done', null),
    event('e-cart-kept', 'cart', 'cart-kept', 'done', null),
    event('e-customer-kept', 'customer', '77', 'done', null),
    event('e-error', 'order', '5', 'pending', 'HTTP 400: contact Gone@Example.com invalid'),
    event('e-error-done', 'order', '6', 'done', 'HTTP 400: contact gone@example.com invalid'),
    env.DB.prepare("INSERT INTO beacon_identities (anonymous_id, kind, value, first_seen_at) VALUES ('anon-gone', 'customer', '55', 0)"),
    env.DB.prepare("INSERT INTO beacon_identities (anonymous_id, kind, value, first_seen_at) VALUES ('anon-kept', 'customer', '56', 0)"),
    touch('anon-gone'),
    touch('anon-kept'),
    change('email', 'gone@example.com'),
    change('order', '901'),
    change('cart', 'cart-gone'),
    change('customer', '55'),
    change('email', 'kept@example.com'),
    change('order', '902'),
    change('customer', '56'),
  ])
}

const column = async (query: string) => (await env.DB.prepare(query).all<{ v: string }>()).results.map((r) => r.v).sort()

describe('eraseFromD1', () => {
  it("finds the person's dead letters, events, visitors and rollup work by each of their ids, and no one else's", async () => {
    await seed()
    const erased = await eraseFromD1(env.DB, PERSON)

    expect(erased.removed).toMatchObject({ dead_letters: 5, webhook_events: 3, touches: 1, beacon_identities: 1 })
    expect(erased.redacted).toEqual({ webhook_events: 1 })
    expect(erased.ordersUnlinked).toBe(0)
    expect(await column('SELECT reference AS v FROM dead_letters')).toEqual(
      ['carts:cart-kept', 'tasks:cart_abandoned:cart-kept:1700000000', 'w-customer-kept', 'w-sub-kept'],
    )
    expect(await column('SELECT id AS v FROM webhook_events')).toEqual(['e-cart-kept', 'e-customer-kept', 'e-error', 'e-error-done'])
    expect(await column("SELECT id || ' ' || last_error AS v FROM webhook_events WHERE last_error IS NOT NULL")).toEqual([
      'e-error [erased]',
      'e-error-done HTTP 400: contact gone@example.com invalid',
    ])
    expect(await column('SELECT anonymous_id AS v FROM touches')).toEqual(['anon-kept'])
    expect(await column('SELECT anonymous_id AS v FROM beacon_identities')).toEqual(['anon-kept'])
    expect(await column("SELECT DISTINCT kind || ':' || ref AS v FROM attribution_changes")).toEqual(
      ['anon:anon-kept', 'customer:56', 'email:kept@example.com', 'order:902'],
    )
  })
})

describe('tombstonesOfOtherKeys', () => {
  it('counts the tombstones another key made', async () => {
    await env.DB.batch([
      env.DB.prepare("INSERT INTO erasure_tombstones (fingerprint, key_id, erased_at) VALUES ('f1', 'k1', '2026-01-01T00:00:00Z')"),
      env.DB.prepare("INSERT INTO erasure_tombstones (fingerprint, key_id, erased_at) VALUES ('f2', 'k1', '2026-01-01T00:00:00Z')"),
      env.DB.prepare("INSERT INTO erasure_tombstones (fingerprint, key_id, erased_at) VALUES ('f3', 'k2', '2026-01-01T00:00:00Z')"),
    ])
    expect(await tombstonesOfOtherKeys(env.DB, 'k1')).toBe(1)
    expect(await tombstonesOfOtherKeys(env.DB, 'k2')).toBe(2)
    expect(await tombstonesOfOtherKeys(env.DB, 'k3')).toBe(3)
  })
})
