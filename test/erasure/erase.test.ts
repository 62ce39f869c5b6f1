import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { startBackfill } from '../../src/backfill/history-import'
import { hydrateOrder } from '../../src/bigcommerce/hydrate'
import { pipelineDeps } from '../../src/pipeline/deps'
import { Invocation } from '../../src/invocation/invocation'
import { runAttributionRollup } from '../../src/cron/attribution-rollup-job'
import { runConsentSync } from '../../src/upkeep/hubspot-consent'
import { contactObject, hubspotWriter } from '../../src/durable/stubs'
import { erasureKey, personFingerprint } from '../../src/erasure/fingerprint'
import { requireConfig } from '../../src/config'
import { TOKENS } from '../support/admin'
import { flushAll, runToEnd } from '../backfill/support'
import { MINUTE, openCart } from '../support/scenarios'
import { callWorker, deliverEvents, flushHubSpot, freshWorld, wakeContact, type useStandins } from '../support/worker'
import { sha256Hex, storageEntries, walkD1, walkDurableObject } from './support'

/**
 * Erasure end to end: a person with everything the worker keeps about someone (customer, subscriber, orders,
 * carts and decisions, storefront visits, attribution, a support escalation, HubSpot's unsubscribe, dead letters,
 * pending HubSpot writes), erased through the admin API; then nothing names them in any D1 table, their contact's
 * Durable Object is empty, the writer holds nothing about them, a backfill does not bring them back, and a new
 * order starts a new relationship.
 */
type Standins = ReturnType<typeof useStandins>
let bigcommerce: Standins['bigcommerce']
let hubspot: Standins['hubspot']
vi.setConfig({ testTimeout: 60_000 })

const EMAIL = 'erase.me@example.com'
const ERASE_ENV = { ...env, HUBSPOT_ERASE: 'on' }

beforeEach(async () => {
  ;({ bigcommerce, hubspot } = await freshWorld())
  bigcommerce.setRateLimit(1_000_000, 30_000)
})

async function erase(email: string, withEnv: typeof env = ERASE_ENV, token: string = TOKENS.admin) {
  return callWorker(
    new Request('https://worker.example.com/admin/api/erase', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email }),
    }),
    withEnv,
  )
}

/** The canonical order as the pipeline would hand it to the contact. */
async function contactObjectOrder(orderId: number) {
  const deps = pipelineDeps(new Invocation(env))
  return hydrateOrder(deps.bigcommerce, orderId, deps.lookups)
}

async function beaconHit(body: Record<string, unknown>) {
  const res = await callWorker(
    new Request('https://worker.example.com/beacon', {
      method: 'POST',
      headers: { origin: 'https://shop.example.com', 'content-type': 'text/plain' },
      body: JSON.stringify(body),
    }),
  )
  expect(res.status).toBe(204)
}

/** Everything the worker can come to keep about one person. */
async function aPersonWithHistory() {
  const at = Date.now() - 10 * 86_400_000
  const { value: customer, events } = bigcommerce.store.createCustomer({ email: EMAIL, acceptsAbandonedCartEmails: true, at })
  await deliverEvents(events)
  await deliverEvents(bigcommerce.store.upsertSubscriber(EMAIL, ['marketing_newsletter'], { at }).events)
  const cart = await openCart(bigcommerce, EMAIL)
  await beaconHit({ anonymousId: 'anon-erase-1', url: 'https://shop.example.com/?utm_source=news&utm_medium=email&utm_campaign=spring', cartId: cart.id })
  await beaconHit({ anonymousId: 'anon-erase-1', url: 'https://shop.example.com/p/1', productId: 1 })
  await wakeContact(EMAIL, Date.now() + 46 * MINUTE)
  const converted = bigcommerce.store.convertCart(cart.id, { customerId: customer.id })
  await deliverEvents(converted.events)
  const second = bigcommerce.store.createOrder({ email: EMAIL, customerId: customer.id, at: at + 7_200_000 })
  await deliverEvents(second.events)
  const orders = [{ value: converted.value.order }, second]
  await runAttributionRollup(env.DB, hubspotWriter(env), { lookbackMs: 30 * 86_400_000, now: Date.now() })
  await flushHubSpot()
  hubspot.portal.unsubscribe(EMAIL, 'all', Date.now())
  await runConsentSync(env, new Date())
  await env.DB.batch([
    env.DB.prepare("INSERT INTO support_escalations (email, ticket_id, priority, subject, stage) VALUES (?, '9', 'HIGH', 'Late', 'Open')").bind(EMAIL),
    env.DB.prepare(
      "INSERT INTO dead_letters (source, reference, payload, error, attempts, created_at) VALUES ('hubspot', ?, ?, 'HTTP 400', 5, 0)",
    ).bind(`contacts:${EMAIL}`, JSON.stringify({ objectType: 'contacts', key: EMAIL, properties: { email: EMAIL } })),
    env.DB.prepare(
      "INSERT INTO dead_letters (source, reference, payload, error, attempts, created_at) VALUES ('hubspot', ?, ?, 'HTTP 502', 5, 0)",
    ).bind(`orders:${orders[1]!.value.id}`, JSON.stringify({
      objectType: 'orders', key: String(orders[1]!.value.id), properties: { bc_order_id: String(orders[1]!.value.id) },
      associations: [{ toObjectType: 'contacts', toKey: EMAIL }],
    })),
    env.DB.prepare(
      "INSERT INTO dead_letters (source, reference, payload, error, attempts, created_at) VALUES ('webhook', 'w-1', ?, 'HTTP 500', 8, 0)",
    ).bind(JSON.stringify({ scope: 'store/customer/updated', hash: 'h', subject: { kind: 'customer', customerId: customer.id, change: 'updated' } })),
    env.DB.prepare(
      "INSERT INTO audit_log (at, actor_role, actor_fingerprint, action, target, outcome, before, after) VALUES ('2026-01-01T00:00:00Z', 'operator', 'abcd1234', 'duplicates.merge', ?, 'ok', NULL, ?)",
    ).bind(`contact ${EMAIL}`, JSON.stringify({ emails: [EMAIL, 'other@example.com'] })),
  ])
  // A change not yet flushed: the writer holds pending work naming the person.
  await wakeContact(EMAIL, Date.now() + 3 * 86_400_000)
  return { customer, cart, orders: orders.map((o) => o.value) }
}

/** The email, its plain hash, and the ids that led to them (their cart, their storefront visitor). */
async function needles(cartId: string): Promise<string[]> {
  return [EMAIL, await sha256Hex(EMAIL), cartId, 'anon-erase-1']
}

describe('POST /admin/api/erase', () => {
  it('removes the person from every D1 table, their Durable Object and the writer; keeps their orders unlinked; GDPR-deletes in HubSpot', async () => {
    const { cart, orders } = await aPersonWithHistory()
    // Sanity: the walk finds the person before.
    expect((await walkD1([EMAIL])).length).toBeGreaterThan(8)
    const hubspotContact = hubspot.portal.findByProperty('contacts', 'email', EMAIL)!
    expect(hubspotContact).toBeDefined()

    const res = await erase('  Erase.Me@Example.com ')
    expect(res.status).toBe(200)
    const answer = (await res.json()) as Record<string, any>
    expect(answer.tombstone).toBe('created')
    expect(answer.removed.database).toMatchObject({
      contacts: 1, customer_emails: 1, subscriber_emails: 1, carts: 1, touches: expect.any(Number), beacon_identities: expect.any(Number),
      beacon_visitors: 1, trigger_decisions: expect.any(Number), contact_touches: 1, order_attribution: 2, support_escalations: 1,
      hubspot_consent: 1, dead_letters: 2,
    })
    expect(answer.removed.contactStorage).toBeGreaterThan(0)
    expect(answer.removed.hubspotWriter.knownIds).toBeGreaterThan(0)
    expect(answer.removed.hubspotWriter.pendingWrites).toBeGreaterThan(0)
    expect(answer.kept).toEqual({ ordersUnlinked: 2, deadLettersUnlinked: 1 })
    expect(answer.redacted).toEqual({ audit_log: 1 })
    expect(answer.hubspot).toMatchObject({ requested: true, deleted: true, requests: [{ by: 'id', status: 204 }] })
    expect(JSON.stringify(answer)).not.toContain(EMAIL)

    // Nothing names them in D1, whatever the table (the tombstone's keyed hash aside), ...
    const found = await walkD1(await needles(cart.id))
    expect(found, JSON.stringify(found)).toEqual([])
    const key = (await erasureKey(requireConfig(env)))!
    const fingerprint = await personFingerprint(key, EMAIL)
    expect(await walkD1([fingerprint])).toEqual([{ table: 'erasure_tombstones', needle: fingerprint }])
    const short = fingerprint.slice(0, 16)
    expect((await walkD1([short])).map((h) => h.table).sort()).toEqual(['audit_log', 'erasure_tombstones'])
    // ... nor in their contact's storage or the writer's.
    expect(await storageEntries(env.CONTACT.getByName(EMAIL))).toBe(0)
    expect(await walkDurableObject(hubspotWriter(env), [EMAIL, cart.id])).toEqual([])
    // The orders stay, without the personal link; the order dead letter stays replayable.
    const kept = await env.DB.prepare('SELECT email, customer_id, cart_id FROM orders ORDER BY order_id').all()
    expect(kept.results).toEqual(orders.map(() => ({ email: '', customer_id: 0, cart_id: null })))
    // HubSpot: the contact is gone for good, the orders stay.
    expect(hubspot.portal.record('contacts', hubspotContact.id)).toBeUndefined()
    expect(hubspot.portal.records('orders')).toHaveLength(2)
    // Audited with the keyed fingerprint, never the email.
    const audit = (await (await callWorker(new Request('https://worker.example.com/admin/api/audit', { headers: { authorization: `Bearer ${TOKENS.viewer}` } }))).json()) as { entries: { action: string; target: string }[] }
    expect(audit.entries.find((e) => e.action === 'erase')).toMatchObject({ target: `person ${fingerprint.slice(0, 16)}` })

    // Repeating it finds nothing more.
    const again = (await (await erase(EMAIL)).json()) as Record<string, any>
    expect(again).toMatchObject({ tombstone: 'renewed', removed: { database: {}, contactStorage: 0 }, kept: { ordersUnlinked: 0 } })
  })

  it('a backfill afterwards does not bring them back; a new order starts a new relationship', async () => {
    const { orders } = await aPersonWithHistory()
    expect((await erase(EMAIL, env)).status).toBe(200)
    // HUBSPOT_ERASE is off: the HubSpot contact is left to HubSpot.
    expect(hubspot.portal.findByProperty('contacts', 'email', EMAIL)).toBeDefined()

    await startBackfill(env)
    await runToEnd()
    await flushAll()
    // Their customer account, subscriber record and orders are all still in the store; none brought them back.
    expect(await walkD1([EMAIL])).toEqual([])
    expect(await contactObject(env, EMAIL).snapshot()).toBeNull()
    const refreshed = await env.DB.prepare('SELECT count(*) AS n FROM orders WHERE email = ? ').bind('').first<{ n: number }>()
    expect(refreshed!.n).toBe(orders.length)
    // The backfill wrote their orders to HubSpot all the same (the store's figures), linked to no contact.
    expect(await walkDurableObject(hubspotWriter(env), [EMAIL])).toEqual([])

    // A replay of an old order's webhook does not either.
    await deliverEvents([{ scope: 'store/order/updated', data: { type: 'order', id: orders[0]!.id } }])
    expect(await walkD1([EMAIL])).toEqual([])

    // A new order, placed after the erasure, is synced: a new relationship, with only what came since.
    const fresh = bigcommerce.store.createOrder({ email: EMAIL, customerId: 0, at: Date.now() + 1_000 })
    await deliverEvents(fresh.events)
    const snapshot = await contactObject(env, EMAIL).snapshot()
    expect(Object.keys(snapshot!.orders)).toEqual([String(fresh.value.id)])
    const contact = await env.DB.prepare('SELECT paid_order_count FROM contacts WHERE email = ?').bind(EMAIL).first<{ paid_order_count: number }>()
    expect(contact!.paid_order_count).toBe(1)
  })

  it('an event already past the check when the erasure ran does not bring them back either', async () => {
    const { orders } = await aPersonWithHistory()
    expect((await erase(EMAIL, env)).status).toBe(200)
    // As if its webhook had been read just before the tombstone: the contact's own check drops it.
    const order = (await contactObjectOrder(orders[1]!.id))!
    await contactObject(env, EMAIL).applyOrder(order, { mode: 'live' })
    await contactObject(env, EMAIL).recordProductViews([{ productId: 1, productName: null, at: new Date().toISOString() }], EMAIL)
    expect(await storageEntries(env.CONTACT.getByName(EMAIL))).toBe(0)
    expect(await walkD1([EMAIL])).toEqual([])
  })

  it('is for the admin role only, and names a bad email', async () => {
    for (const role of ['viewer', 'operator'] as const) expect((await erase(EMAIL, env, TOKENS[role])).status).toBe(403)
    const bad = await erase('not an email', env)
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { message: string }).message).toContain('email')
  })
})
