import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config'
import { identityAutoLink } from '../../src/cron/identity-auto-link-job'
import { contactObject, hubspotWriter } from '../../src/durable/stubs'
import type { Env } from '../../src/env'
import { adminCall } from '../support/admin'
import { deliverEvents, flushHubSpot, freshWorld, type useStandins } from '../support/worker'

type Standins = ReturnType<typeof useStandins>
let bigcommerce: Standins['bigcommerce']
let hubspot: Standins['hubspot']

beforeEach(async () => {
  ;({ bigcommerce, hubspot } = await freshWorld())
})

const GUEST = 'sam.lee@work.example'
const MEMBER = 'sam@home.example'
const PHONE = '+44 20 7946 0958'
const withAutoLink: Env = { ...env, IDENTITY_AUTO_LINK: 'phone' }

async function guestAndMember(guestName: { first_name: string; last_name: string }) {
  const guestOrder = bigcommerce.store.createOrder({ email: GUEST, customerId: 0, billing: { ...guestName, phone: PHONE } })
  const member = bigcommerce.store.createCustomer({ email: MEMBER, firstName: 'Sam', lastName: 'Lee', phone: PHONE })
  const memberOrder = bigcommerce.store.createOrder({ email: MEMBER })
  await deliverEvents([...guestOrder.events, ...member.events, ...memberOrder.events])
  await flushHubSpot()
}

async function contactEmails() {
  return (await env.DB.prepare('SELECT email, paid_order_count FROM contacts ORDER BY email').all<{ email: string; paid_order_count: number }>()).results
}

describe('IDENTITY_AUTO_LINK', { timeout: 30_000 }, () => {
  it('reads IDENTITY_AUTO_LINK and DUPLICATE_PHONE_MAX_GROUP with their defaults, and names a bad value', () => {
    const base = { BIGCOMMERCE_STORE_HASH: 'teststore', BIGCOMMERCE_ACCESS_TOKEN: 'x', HUBSPOT_ACCESS_TOKEN: 'y' }
    const parsed = (extra: Record<string, string>) => loadConfig({ ...base, ...extra })
    expect(parsed({})).toMatchObject({ ok: true, config: { IDENTITY_AUTO_LINK: 'off', DUPLICATE_PHONE_MAX_GROUP: 5 } })
    expect(parsed({ IDENTITY_AUTO_LINK: 'phone', DUPLICATE_PHONE_MAX_GROUP: '12' })).toMatchObject({
      ok: true,
      config: { IDENTITY_AUTO_LINK: 'phone', DUPLICATE_PHONE_MAX_GROUP: 12 },
    })
    for (const [variable, value] of [['IDENTITY_AUTO_LINK', 'email'], ['DUPLICATE_PHONE_MAX_GROUP', '1'], ['DUPLICATE_PHONE_MAX_GROUP', 'many']]) {
      const bad = parsed({ [variable!]: value! })
      expect(bad.ok).toBe(false)
      expect(!bad.ok && bad.errors[0]!.variable).toBe(variable)
    }
  })

  it('links nobody by default', async () => {
    await guestAndMember({ first_name: 'Sam', last_name: 'Lee' })
    await identityAutoLink.run(env, new Date())
    expect((await contactEmails()).map((c) => c.email)).toEqual([GUEST, MEMBER])
    expect(await env.DB.prepare('SELECT count(*) AS n FROM identity_links').first('n')).toBe(0)
  })

  it('=phone links a guest to the registered customer with the same phone and name, without a HubSpot merge', async () => {
    await guestAndMember({ first_name: 'SAM', last_name: 'lee' })
    await identityAutoLink.run(withAutoLink, new Date())
    expect(await contactEmails()).toEqual([{ email: MEMBER, paid_order_count: 2 }])
    expect(await env.DB.prepare('SELECT canonical_email, reason, hubspot_merge FROM identity_links WHERE email = ?').bind(GUEST).first())
      .toEqual({ canonical_email: MEMBER, reason: 'auto_phone', hubspot_merge: null })
    // Running again links nothing more.
    await identityAutoLink.run(withAutoLink, new Date())
    expect(await env.DB.prepare('SELECT count(*) AS n FROM identity_links').first('n')).toBe(1)

    // The guest's next order joins the customer's history.
    const later = bigcommerce.store.createOrder({ email: GUEST, customerId: 0, billing: { first_name: 'Sam', last_name: 'Lee', phone: PHONE } })
    await deliverEvents(later.events)
    for (let i = 0; i < 3; i++) await flushHubSpot()
    expect(await contactEmails()).toEqual([{ email: MEMBER, paid_order_count: 3 }])
    expect(Object.keys((await contactObject(env, MEMBER).snapshot())!.orders)).toHaveLength(3)
    const member = hubspot.portal.findByProperty('contacts', 'email', MEMBER)!
    expect(member.properties.bc_order_count).toBe('3')
    const order = hubspot.portal.findByProperty('orders', 'bc_order_id', String(later.value.id))!
    expect(hubspot.portal.associations('orders', order.id, 'contacts').map((a) => a.toObjectId)).toEqual([member.id])
    // No HubSpot merge: the guest's contact stays there until an operator approves one.
    expect(hubspot.requests.filter((r) => r.path === '/crm/v3/objects/contacts/merge')).toHaveLength(0)
    expect(hubspot.portal.records('contacts')).toHaveLength(2)

    const review = (await (await adminCall('GET', '/admin/api/duplicates', { role: 'viewer' })).json()) as {
      groups: unknown[]
      linked: { id: string; canonical: string; linked: { email: string; reason: string; hubspotMerge: string | null }[] }[]
    }
    expect(review.groups).toEqual([])
    expect(review.linked).toEqual([{ id: expect.stringMatching(/^[0-9a-f]{16}$/), canonical: MEMBER, linked: [expect.objectContaining({ email: GUEST, reason: 'auto_phone', hubspotMerge: null })] }])
    const approved = await adminCall('POST', `/admin/api/duplicates/${review.linked[0]!.id}/merge`, { role: 'operator' })
    expect(approved.status).toBe(200)
    for (let i = 0; i < 3; i++) await hubspotWriter(env).flush()
    expect(hubspot.requests.filter((r) => r.path === '/crm/v3/objects/contacts/merge').map((r) => r.status)).toEqual([200])
    expect(hubspot.portal.records('contacts').map((c) => c.properties.hs_additional_emails)).toEqual([GUEST])
  })

  it('=phone links nobody when the names differ', async () => {
    await guestAndMember({ first_name: 'Alex', last_name: 'Lee' })
    await identityAutoLink.run(withAutoLink, new Date())
    expect((await contactEmails()).map((c) => c.email)).toEqual([GUEST, MEMBER])
  })
})
