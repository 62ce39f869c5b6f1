import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { startBackfill } from '../../src/backfill/history-import'
import { requireConfig } from '../../src/config'
import { contactObject, hubspotWriter } from '../../src/durable/stubs'
import { erasureKey, personFingerprint } from '../../src/erasure/fingerprint'
import { adminCall, TOKENS } from '../support/admin'
import { runToEnd } from '../backfill/support'
import { callWorker, deliverEvents, flushHubSpot, flushRecordsAndMerges, freshWorld, type useStandins } from '../support/worker'
import { sha256Hex, storageEntries, walkD1, walkDurableObject } from './support'

/**
 * Erasing a person whose emails were linked as one (issue 24's operator merge): the request names either email,
 * and both go everywhere: D1 (the link itself included), both contacts' Durable Objects (the merged email's
 * forwarding too), the writer, HubSpot; a backfill does not bring either back, and a new order for one of them
 * starts a new relationship of that email alone.
 */
type Standins = ReturnType<typeof useStandins>
let bigcommerce: Standins['bigcommerce']
let hubspot: Standins['hubspot']
vi.setConfig({ testTimeout: 90_000 })

const GUEST = 'jane.doe@work.example'
const MEMBER = 'jane@home.example'
const PHONE = '(512) 555-0147'
const DAY = 86_400_000

beforeEach(async () => {
  ;({ bigcommerce, hubspot } = await freshWorld())
  bigcommerce.setRateLimit(1_000_000, 30_000)
})

const flushAll = flushRecordsAndMerges

async function erase(email: string) {
  return callWorker(
    new Request('https://worker.example.com/admin/api/erase', {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKENS.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email }),
    }),
    { ...env, HUBSPOT_ERASE: 'on' },
  )
}

/** A guest and a registered customer with the same phone, merged by an operator (HubSpot merge made). */
async function mergedPerson() {
  const now = Date.now()
  const guestOrder = bigcommerce.store.createOrder({
    email: GUEST, customerId: 0, at: now - 10 * DAY, billing: { first_name: 'Jane', last_name: 'Doe', phone: PHONE },
  })
  const member = bigcommerce.store.createCustomer({ email: MEMBER, firstName: 'Jane', lastName: 'Doe', phone: PHONE, at: now - 5 * DAY })
  const memberOrder = bigcommerce.store.createOrder({ email: MEMBER, customerId: member.value.id, at: now - 2 * DAY })
  await deliverEvents([...guestOrder.events, ...member.events, ...memberOrder.events])
  for (const email of [GUEST, MEMBER]) {
    await deliverEvents(bigcommerce.store.upsertSubscriber(email, ['marketing_newsletter'], { at: now - 3 * DAY }).events)
  }
  await flushHubSpot()
  const review = await adminCall('GET', '/admin/api/duplicates', { role: 'viewer' })
  const { groups } = (await review.json()) as { groups: { id: string; survivor: string }[] }
  expect(groups).toHaveLength(1)
  const merged = await adminCall('POST', `/admin/api/duplicates/${groups[0]!.id}/merge`, { role: 'operator' })
  expect(merged.status).toBe(200)
  await flushAll()
  const link = await env.DB.prepare('SELECT hubspot_merge FROM identity_links WHERE email = ?').bind(GUEST).first()
  expect(link).toEqual({ hubspot_merge: 'merged' })
  return { guestOrder: guestOrder.value.id, memberOrder: memberOrder.value.id }
}

describe('erasing a person with two linked emails', () => {
  it('removes both emails from D1, both contact objects, the writer and HubSpot, asked by the merged email', async () => {
    const { guestOrder } = await mergedPerson()
    // Sanity: one person, two emails, one HubSpot contact; the guest's object forwards to the member's.
    expect(await env.DB.prepare('SELECT email, canonical_email FROM identity_links').all().then((r) => r.results))
      .toEqual([{ email: GUEST, canonical_email: MEMBER }])
    expect((await contactObject(env, GUEST).snapshot())?.email).toBe(MEMBER)
    expect(hubspot.portal.records('contacts')).toHaveLength(1)
    expect((await walkD1([GUEST])).length).toBeGreaterThan(0)

    const res = await erase(GUEST)
    expect(res.status).toBe(200)
    const answer = (await res.json()) as Record<string, any>
    expect(answer.removed.database).toMatchObject({ identity_links: 1, contacts: 1 })
    expect(answer.kept.ordersUnlinked).toBe(2)
    expect(answer.hubspot).toMatchObject({ requested: true, deleted: true })
    expect(JSON.stringify(answer)).not.toContain(GUEST)
    expect(JSON.stringify(answer)).not.toContain(MEMBER)

    // Neither email, nor its plain hash, in any D1 table; each email has its own tombstone.
    const needles = [GUEST, MEMBER, await sha256Hex(GUEST), await sha256Hex(MEMBER)]
    const found = await walkD1(needles)
    expect(found, JSON.stringify(found)).toEqual([])
    const key = (await erasureKey(requireConfig(env)))!
    for (const email of [GUEST, MEMBER]) {
      const fingerprint = await personFingerprint(key, email)
      expect(await walkD1([fingerprint])).toEqual([{ table: 'erasure_tombstones', needle: fingerprint }])
    }
    // Both contacts' objects are empty: the member's state and the guest's "merged into" pointer.
    expect(await storageEntries(env.CONTACT.getByName(MEMBER))).toBe(0)
    expect(await storageEntries(env.CONTACT.getByName(GUEST))).toBe(0)
    expect(await walkDurableObject(hubspotWriter(env), [GUEST, MEMBER])).toEqual([])
    // HubSpot: the merged contact is gone; the orders stay.
    expect(hubspot.portal.records('contacts')).toEqual([])
    expect(hubspot.portal.records('orders')).toHaveLength(2)

    // A backfill and a replay of the guest's old order bring back neither email.
    await startBackfill(env)
    await runToEnd()
    await flushAll()
    await deliverEvents(bigcommerce.store.setOrderStatus(guestOrder, 2).events, { webhookId: 'replayed-after-erasure' })
    expect(await walkD1(needles)).toEqual([])
    expect(await contactObject(env, GUEST).snapshot()).toBeNull()
    expect(await contactObject(env, MEMBER).snapshot()).toBeNull()
    expect(await walkDurableObject(hubspotWriter(env), [GUEST, MEMBER])).toEqual([])
  })

  it('erased by the surviving email too; a new order for the merged email then starts that email alone', async () => {
    await mergedPerson()
    expect((await erase(` ${MEMBER.toUpperCase()} `)).status).toBe(200)
    expect(await walkD1([GUEST, MEMBER])).toEqual([])
    expect(await storageEntries(env.CONTACT.getByName(GUEST))).toBe(0)

    const fresh = bigcommerce.store.createOrder({ email: GUEST, customerId: 0, at: Date.now() + 1_000 })
    await deliverEvents(fresh.events)
    // Its own contact, no longer forwarded to the erased person's.
    const snapshot = await contactObject(env, GUEST).snapshot()
    expect(snapshot?.email).toBe(GUEST)
    expect(Object.keys(snapshot!.orders)).toEqual([String(fresh.value.id)])
    expect(await contactObject(env, MEMBER).snapshot()).toBeNull()
    expect((await walkD1([MEMBER])).map((h) => h.table)).toEqual([])
    expect(await env.DB.prepare('SELECT count(*) AS n FROM identity_links').first<{ n: number }>()).toEqual({ n: 0 })
  })
})
