import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it } from 'vitest'
import type { QualityReport } from '../../src/admin/quality-report'
import { startBackfill } from '../../src/backfill/history-import'
import { contactObject } from '../../src/durable/stubs'
import { runToEnd } from '../backfill/support'
import { callWorker, deliverEvents, flushHubSpot, flushRecordsAndMerges, freshWorld, subscribe, wakeContact, type useStandins } from '../support/worker'
import { adminCall, auditFingerprint, signIn, TOKENS, WORKER } from '../support/admin'

type Standins = ReturnType<typeof useStandins>
let bigcommerce: Standins['bigcommerce']
let hubspot: Standins['hubspot']

beforeEach(async () => {
  ;({ bigcommerce, hubspot } = await freshWorld())
})

const MINUTE = 60_000
const DAY = 86_400_000
const GUEST = 'jane.doe@work.example'
const MEMBER = 'jane@home.example'
const PHONE = '(512) 555-0147'
const E164 = '+15125550147'
const MERGE_PATH = '/crm/v3/objects/contacts/merge'

interface ReviewGroup {
  id: string
  contacts: { email: string; phone: string | null; paidOrderCount: number; lifetimeValue: string }[]
  why: { reason: string; value: string; emails: string[] }[]
  survivor: string
}

async function json<T>(response: Response, status = 200): Promise<T> {
  expect(response.status, await response.clone().text()).toBe(status)
  return (await response.json()) as T
}

const quality = async () => (await json<QualityReport>(await adminCall('GET', '/admin/api/quality', { role: 'viewer' }))).duplicateRate
const review = async () => json<{ groups: ReviewGroup[]; crowdedPhones: { phone: string; contacts: number }[]; linked: { id: string; canonical: string; linked: { email: string; reason: string; hubspotMerge: string | null }[] }[] }>(
  await adminCall('GET', '/admin/api/duplicates', { role: 'viewer' }),
)
const merge = (group: string, role: 'viewer' | 'operator' = 'operator', body?: unknown) =>
  adminCall('POST', `/admin/api/duplicates/${group}/merge`, { role, body })
const mergeCalls = () => hubspot.requests.filter((r) => r.method === 'POST' && r.path === MERGE_PATH)
const contactRows = async () =>
  (await env.DB.prepare('SELECT email, paid_order_count, lifetime_value, value_tier FROM contacts ORDER BY email').all<{
    email: string
    paid_order_count: number
    lifetime_value: string
    value_tier: string | null
  }>()).results
const flushAll = flushRecordsAndMerges
const total = (orderId: number) => Number(bigcommerce.store.orders.get(orderId)!.total_inc_tax)

/**
 * The playbook's case: ten days ago a guest checked out with a work email; now she registered with her own
 * email and ordered again, with the same phone. Both subscribed; each got one marketing trigger (the guest an
 * abandoned cart, the member the day-3 post-purchase step).
 */
async function guestThenMember() {
  const now = Date.now()
  const guestOrder = bigcommerce.store.createOrder({
    email: GUEST, customerId: 0, at: now - 10 * DAY, billing: { first_name: 'Jane', last_name: 'Doe', phone: PHONE },
  })
  const member = bigcommerce.store.createCustomer({ email: MEMBER, firstName: 'Jane', lastName: 'Doe', phone: PHONE })
  const memberOrder = bigcommerce.store.createOrder({ email: MEMBER })
  await deliverEvents([...guestOrder.events, ...member.events, ...memberOrder.events])
  await subscribe(bigcommerce, GUEST)
  await subscribe(bigcommerce, MEMBER)
  await deliverEvents(bigcommerce.store.createCart({ email: GUEST, lines: [{ productId: 1, quantity: 1 }] }).events)
  await wakeContact(GUEST, now + 46 * MINUTE)
  await wakeContact(MEMBER, now + 3 * DAY + MINUTE)
  await flushHubSpot()
  return { guestOrder: guestOrder.value.id, memberOrder: memberOrder.value.id }
}

describe('duplicate contacts as the playbook counts them', { timeout: 30_000 }, () => {
  it('counts two contacts sharing a normalized phone as one duplicate group, per month and overall', async () => {
    await guestThenMember()
    expect(hubspot.portal.records('contacts')).toHaveLength(2)
    const rate = await quality()
    expect(rate).toMatchObject({ duplicates: 1, contacts: 2, groups: 1, value: 0.5, met: false })
    // The member became known after the guest: she is the duplicate, in this month.
    expect(rate.examples).toEqual([{ email: MEMBER, reason: 'shared_phone' }])
    const month = new Date().toISOString().slice(0, 7)
    expect(rate.byMonth.find((m) => m.month === month)).toMatchObject({ duplicates: 1 })
    expect(rate.byMonth.reduce((n, m) => n + m.contacts, 0)).toBe(2)
    expect(rate.definition).toContain('normalized phone')

    const { groups } = await review()
    expect(groups).toHaveLength(1)
    expect(groups[0]!.contacts.map((c) => [c.email, c.phone])).toEqual([[GUEST, E164], [MEMBER, E164]])
    expect(groups[0]!.why).toEqual([{ reason: 'shared_phone', value: E164, emails: expect.arrayContaining([GUEST, MEMBER]) }])
    // The registered customer is kept.
    expect(groups[0]!.survivor).toBe(MEMBER)
  })

  it('leaves out a phone shared by more contacts than DUPLICATE_PHONE_MAX_GROUP, and counts it when the size allows', async () => {
    const storePhone = '(800) 555-0100'
    const orders = Array.from({ length: 6 }, (_, i) =>
      bigcommerce.store.createOrder({ email: `buyer${i}@example.com`, customerId: 0, billing: { phone: storePhone } }))
    await deliverEvents(orders.flatMap((o) => o.events))
    expect(await quality()).toMatchObject({ duplicates: 0, groups: 0, contacts: 6, value: 0, met: true })
    const listed = await review()
    expect(listed.groups).toEqual([])
    expect(listed.crowdedPhones).toEqual([{ phone: '+18005550100', contacts: 6 }])

    const wider = await callWorker(
      new Request('https://worker.example.com/admin/api/quality', { headers: { authorization: `Bearer ${TOKENS.viewer}` } }),
      { ...env, DUPLICATE_PHONE_MAX_GROUP: '6' },
    )
    expect((await json<QualityReport>(wider)).duplicateRate).toMatchObject({ duplicates: 5, groups: 1, contacts: 6 })
  })
})

describe('merging a group with an operator\'s approval', { timeout: 30_000 }, () => {
  it('recomputes lifetime value, tier and caps over all orders and calls HubSpot\'s merge once', async () => {
    const { guestOrder, memberOrder } = await guestThenMember()
    const [group] = (await review()).groups
    expect((await merge(group!.id, 'viewer')).status).toBe(403)
    expect(mergeCalls()).toHaveLength(0)

    const lastDecision = (await env.DB.prepare('SELECT max(id) AS id FROM trigger_decisions').first<{ id: number }>())!.id
    const merged = await json<{ survivor: string; linked: string[]; hubspotMerge: string; contact: { paidOrderCount: number; valueTier: string } }>(
      await merge(group!.id),
    )
    expect(merged).toMatchObject({ survivor: MEMBER, linked: [GUEST], hubspotMerge: 'pending' })
    expect(merged.contact).toMatchObject({ paidOrderCount: 2, valueTier: 'vip' })
    // One person in D1: the guest's row is gone, the member's carries both orders.
    const rows = await contactRows()
    expect(rows.map((r) => [r.email, r.paid_order_count, r.value_tier])).toEqual([[MEMBER, 2, 'vip']])
    expect(Number(rows[0]!.lifetime_value)).toBeCloseTo(total(guestOrder) + total(memberOrder), 2)
    const { results: orders } = await env.DB.prepare('SELECT order_id, email FROM orders ORDER BY order_id').all<{ order_id: number; email: string }>()
    expect(orders.map((o) => o.email)).toEqual([MEMBER, MEMBER])
    // The cap counts both contacts' marketing sends; nothing either fired fires again.
    const state = (await contactObject(env, MEMBER).snapshot())!
    expect(state.automation.capLedger.map((e) => e.key.split(':')[0]).sort()).toEqual(['cart_abandoned', 'post_purchase_step'])
    expect(Object.keys(state.orders).sort()).toEqual([String(guestOrder), String(memberOrder)].sort())
    const fired = await env.DB.prepare("SELECT trigger_key FROM trigger_decisions WHERE decision = 'fired' AND id > ?").bind(lastDecision).all()
    expect(fired.results).toEqual([])

    await flushAll()
    expect(mergeCalls().map((r) => r.status)).toEqual([200])
    const contacts = hubspot.portal.records('contacts')
    expect(contacts).toHaveLength(1)
    expect(contacts[0]!.properties).toMatchObject({ email: MEMBER, hs_additional_emails: GUEST, bc_order_count: '2', bc_value_tier: 'vip' })
    expect(Number(contacts[0]!.properties.bc_lifetime_value)).toBeCloseTo(total(guestOrder) + total(memberOrder), 2)
    for (const id of [guestOrder, memberOrder]) {
      const order = hubspot.portal.findByProperty('orders', 'bc_order_id', String(id))!
      expect(hubspot.portal.associations('orders', order.id, 'contacts').map((a) => a.toObjectId)).toEqual([contacts[0]!.id])
    }
    const link = await env.DB.prepare('SELECT canonical_email, reason, hubspot_merge FROM identity_links WHERE email = ?').bind(GUEST).first()
    expect(link).toEqual({ canonical_email: MEMBER, reason: 'operator', hubspot_merge: 'merged' })

    // Approving again changes nothing and calls HubSpot's merge no more.
    expect((await merge(group!.id)).status).toBe(404)
    expect((await quality()).duplicates).toBe(0)
    await flushAll()
    expect(mergeCalls()).toHaveLength(1)
  })

  it('sends a later webhook, a replay and a backfill for either email to the merged contact', async () => {
    const { guestOrder } = await guestThenMember()
    const [group] = (await review()).groups
    await json(await merge(group!.id))
    await flushAll()

    // A new guest checkout with the work email, and the member updating her account.
    const again = bigcommerce.store.createOrder({ email: GUEST, customerId: 0, billing: { first_name: 'Jane', last_name: 'Doe', phone: PHONE } })
    await deliverEvents(again.events)
    const member = bigcommerce.store.customerByEmail(MEMBER)!
    await deliverEvents(bigcommerce.store.updateCustomer(member.id, { last_name: 'Doe-Smith' }).events)
    // A replay of the first guest order's events (new delivery ids) and a full backfill.
    await deliverEvents(bigcommerce.store.setOrderStatus(guestOrder, 2).events, { webhookId: 'replayed-delivery' })
    await startBackfill(env)
    await runToEnd()
    await flushAll()

    expect(hubspot.portal.records('contacts')).toHaveLength(1)
    const [contact] = hubspot.portal.records('contacts')
    expect(contact!.properties).toMatchObject({ email: MEMBER, bc_order_count: '3', lastname: 'Doe-Smith' })
    const newOrder = hubspot.portal.findByProperty('orders', 'bc_order_id', String(again.value.id))!
    expect(hubspot.portal.associations('orders', newOrder.id, 'contacts').map((a) => a.toObjectId)).toEqual([contact!.id])
    expect((await contactRows()).map((r) => r.email)).toEqual([MEMBER])
    // The guest email's own object passes everything on: it holds no state of its own.
    expect((await contactObject(env, GUEST).snapshot())?.email).toBe(MEMBER)
    expect(Object.keys((await contactObject(env, MEMBER).snapshot())!.orders)).toHaveLength(3)
    expect((await quality()).duplicates).toBe(0)
    expect(mergeCalls()).toHaveLength(1)
  })

  it('audits who merged what, with the contacts before and the person after', async () => {
    await guestThenMember()
    const [group] = (await review()).groups
    await json(await merge(group!.id, 'operator', { primary: ' Jane@Home.Example ' }))
    const { entries } = await json<{ entries: { who: { role: string; fingerprint: string }; action: string; target: string; outcome: string; before: any; after: any }[] }>(
      await adminCall('GET', '/admin/api/audit', { role: 'viewer' }),
    )
    const entry = entries.find((e) => e.action === 'duplicates.merge')!
    expect(entry).toMatchObject({ who: { role: 'operator', fingerprint: await auditFingerprint(TOKENS.operator) }, target: group!.id, outcome: 'ok' })
    expect(entry.before.contacts.map((c: { email: string; paidOrderCount: number }) => [c.email, c.paidOrderCount])).toEqual([[GUEST, 1], [MEMBER, 1]])
    expect(entry.before.why).toEqual([{ reason: 'shared_phone', emails: expect.arrayContaining([GUEST, MEMBER]) }])
    expect(entry.after).toMatchObject({ survivor: MEMBER, linked: [GUEST], contact: { email: MEMBER, paidOrderCount: 2 } })
    // Who merged what, without the phone or names the review shows.
    expect(JSON.stringify(entry)).not.toContain(E164)
    expect(JSON.stringify(entry)).not.toContain('Jane')
  })

  it('refuses a group id it does not know and a primary outside the group', async () => {
    await guestThenMember()
    const [group] = (await review()).groups
    const unknown = await merge('0123456789abcdef')
    expect(unknown.status).toBe(404)
    expect(await unknown.json()).toMatchObject({ error: 'not_found' })
    const outsider = await merge(group!.id, 'operator', { primary: 'someone@else.example' })
    expect(outsider.status).toBe(400)
    expect(await outsider.json()).toMatchObject({ message: expect.stringContaining('body.primary') })
    expect((await merge('not-a-group')).status).toBe(400)
    expect(await contactRows()).toHaveLength(2)
  })
})

describe('the dashboard\'s quality panel', { timeout: 30_000 }, () => {
  const page = (cookie: string) => callWorker(new Request(`${WORKER}/admin`, { headers: { cookie } }))
  const approve = (group: string, cookie: string) =>
    callWorker(new Request(`${WORKER}/admin/duplicates/${group}/merge`, { method: 'POST', headers: { cookie, origin: WORKER } }))

  it('shows the duplicate rate by month and the groups to review, with the approval for operators', async () => {
    await guestThenMember()
    const [group] = (await review()).groups
    const [viewerSession, operatorSession] = [await signIn('viewer'), await signIn('operator')]
    const viewer = await (await page(viewerSession)).text()
    expect(viewer).toContain('id="duplicates"')
    expect(viewer).toContain(`data-month="${new Date().toISOString().slice(0, 7)}"`)
    expect(viewer).toContain('same normalized email or phone')
    expect(viewer).toMatch(new RegExp(`data-group="${group!.id}"[\\s\\S]*same phone: \\${E164}`))
    expect(viewer).not.toContain('>Approve merge</button>')
    const operator = await (await page(operatorSession)).text()
    expect(operator).toContain(`action="/admin/duplicates/${group!.id}/merge"`)
    // No inline style (the dashboard's CSP refuses it); the merge asks before it acts.
    expect(operator).not.toMatch(/<form[^>]*duplicates[^>]*style=/)
    expect(operator).toMatch(/<form[^>]*duplicates[^>]*data-confirm=/)

    const posted = await approve(group!.id, operatorSession)
    expect(posted.status).toBe(303)
    expect(posted.headers.get('location')).toBe('/admin?notice=duplicates_merged&contacts=2#duplicates')
    expect((await contactRows()).map((r) => r.email)).toEqual([MEMBER])
    // Linked now; listed until the writer reports the HubSpot merge, then gone.
    expect(await (await page(viewerSession)).text()).toMatch(new RegExp(`data-group="${group!.id}"[\\s\\S]*HubSpot contacts being merged`))
    await flushAll()
    expect(await (await page(viewerSession)).text()).not.toContain(`data-group="${group!.id}"`)
    // The notice the redirect names is the fixed text, and a group no longer in the review says so.
    const notice = await callWorker(new Request(`${WORKER}/admin?notice=duplicates_merged&contacts=2`, { headers: { cookie: viewerSession } }))
    expect(await notice.text()).toContain('Merged 2 contacts into one person')
    expect((await approve(group!.id, operatorSession)).headers.get('location')).toBe('/admin?notice=duplicates_not_found#duplicates')

    // A viewer's session may not merge, nor may another origin.
    expect((await approve(group!.id, viewerSession)).status).toBe(403)
    const crossSite = await callWorker(
      new Request(`${WORKER}/admin/duplicates/${group!.id}/merge`, { method: 'POST', headers: { cookie: operatorSession, origin: 'https://evil.example' } }),
    )
    expect(crossSite.status).toBe(403)
  })
})
