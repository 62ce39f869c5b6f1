import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it } from 'vitest'
import legacyCleanup from '../../migrations/0031_identity_from_proof.sql?raw'
import { attributionRollup, runAttributionRollup } from '../../src/cron/attribution-rollup-job'
import type { HubSpotRecord } from '../../src/hubspot/records'
import type { BigCommerceStandin } from '../../standins/bigcommerce'
import type { HubSpotStandin } from '../../standins/hubspot'
import { callWorker, deliverEvents, flushHubSpot, freshWorld, subscribe, wakeContact } from '../support/worker'
import { customerToken, SHOP, TEST_KEYS } from '../support/beacon'

/**
 * Identity from proof only (issue 18), one test per attack: whatever a hit states (an email, a customer id)
 * links, credits and fires nothing; a Current Customer token links only when BigCommerce signed it for this
 * app and store and it has not expired.
 */
let bigcommerce: BigCommerceStandin
let hubspot: HubSpotStandin
let counter = 0
const HOUR = 3_600_000

beforeEach(async () => {
  ;({ bigcommerce, hubspot } = await freshWorld())
})

/** Through callWorker, so the product view forwarded after the 204 has run when it returns. */
function hit(body: Record<string, unknown>) {
  return callWorker(
    new Request('https://worker.example.com/beacon', {
      method: 'POST',
      headers: { origin: SHOP, 'content-type': 'text/plain', 'cf-connecting-ip': `203.0.113.${++counter}` },
      body: JSON.stringify(body),
    }),
  )
}

/** A registered, opted-in customer the store told the worker about (customer_emails, the contact, HubSpot). */
async function registeredCustomer(email: string) {
  const created = bigcommerce.store.createCustomer({ email, firstName: 'Reg', lastName: 'Istered' })
  await deliverEvents(created.events)
  await subscribe(bigcommerce, email)
  await flushHubSpot()
  return created.value
}

async function identitiesOf(anonymousId: string) {
  const { results } = await env.DB.prepare('SELECT kind, value FROM beacon_identities WHERE anonymous_id = ?').bind(anonymousId).all()
  return results
}

async function productViewsOf(email: string) {
  return (await env.CONTACT.getByName(email).snapshot())?.productViews.map((v) => v.productId) ?? []
}

async function browseDecisions(email: string) {
  const { results } = await env.DB.prepare("SELECT decision FROM trigger_decisions WHERE email = ? AND trigger = 'browse_abandoned'")
    .bind(email)
    .all<{ decision: string }>()
  return results.map((r) => r.decision)
}

/** The attribution rollup, then the HubSpot writer: everything a hit could lead to, written now. */
async function settle() {
  await attributionRollup.run(env, new Date())
  await flushHubSpot()
}

const campaign = `${SHOP}/?utm_source=google&utm_medium=cpc&utm_campaign=takeover`

describe('a hit that asserts identity', () => {
  it('asserting an unknown email creates no contact and makes no HubSpot write', async () => {
    await flushHubSpot() // the writer's own setup (properties) first: what follows is only what the hit caused
    const before = hubspot.requests.length
    const res = await hit({ anonymousId: 'stranger-visitor-1', url: campaign, email: 'stranger@example.com', productId: 1 })
    expect(res.status).toBe(204)
    await settle()
    expect(await identitiesOf('stranger-visitor-1')).toEqual([])
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM contact_touches WHERE email = 'stranger@example.com'").first('n')).toBe(0)
    expect(hubspot.portal.findByProperty('contacts', 'email', 'stranger@example.com')).toBeUndefined()
    expect(hubspot.requests.slice(before).filter((r) => r.method !== 'GET')).toEqual([])
    // It still counts as an anonymous touch.
    expect(await env.DB.prepare("SELECT channel FROM touches WHERE anonymous_id = 'stranger-visitor-1'").all()).toMatchObject({
      results: [{ channel: 'paid_search' }],
    })
  })

  it('asserting a registered customer’s id (and email) moves none of their touches and fires nothing', async () => {
    const email = 'registered@example.com'
    const customer = await registeredCustomer(email)
    const hubspotBefore = { ...hubspot.portal.findByProperty('contacts', 'email', email)!.properties }

    for (const productId of [1, 2]) {
      expect((await hit({ anonymousId: 'impostor-visitor', url: campaign, customerId: customer.id, email, productId })).status).toBe(204)
    }
    await settle()
    await wakeContact(email, Date.now() + 7 * HOUR)
    await flushHubSpot()

    expect(await identitiesOf('impostor-visitor')).toEqual([])
    expect(await productViewsOf(email)).toEqual([])
    expect(await browseDecisions(email)).toEqual([])
    // The rollup looked at the customer (the store told it about them) and found no touch of theirs.
    expect(await env.DB.prepare('SELECT first_touch_id FROM contact_touches WHERE email = ?').bind(email).first('first_touch_id')).toBeNull()
    const after = hubspot.portal.findByProperty('contacts', 'email', email)!.properties
    expect(after.bc_first_touch_channel ?? null).toBeNull()
    expect(after.bc_browse_abandoned_at ?? null).toBeNull()
    // Waking the contact 7 hours on writes its routine state (lastmodifieddate); nothing of ours changes.
    const { lastmodifieddate: _a, ...rest } = after
    const { lastmodifieddate: _b, ...restBefore } = hubspotBefore
    expect(rest).toEqual(restBefore)
  })
})

describe('a Current Customer token', () => {
  it('that verifies links the visitor: touches credited, product views kept, browse abandonment fires', async () => {
    const email = 'signed-in@example.com'
    const customer = await registeredCustomer(email)
    const token = await customerToken(customer.id, email)
    expect((await hit({ anonymousId: 'signed-in-visitor', url: campaign, customerToken: token, productId: 1 })).status).toBe(204)
    await settle()

    expect(await identitiesOf('signed-in-visitor')).toEqual([{ kind: 'customer', value: String(customer.id) }])
    expect(await productViewsOf(email)).toEqual([1])
    expect(hubspot.portal.findByProperty('contacts', 'email', email)!.properties).toMatchObject({
      bc_first_touch_channel: 'paid_search',
      bc_first_touch_source: 'google',
    })
    await wakeContact(email, Date.now() + 7 * HOUR)
    expect(await browseDecisions(email)).toContain('fired')
  })

  const refused: [string, () => Promise<string>][] = [
    ['expired (past its 15 minutes and the skew allowance)', () => customerToken(1, undefined, { at: Date.now() - 17 * 60_000 })],
    ['issued for another store', () => customerToken(1, undefined, { storeHash: 'otherstore' })],
    ['signed with another secret', () => customerToken(1, undefined, { clientSecret: 'not-the-client-secret' })],
    ['issued to another app', () => customerToken(1, undefined, { clientId: 'another-app' })],
    ['unsigned (alg none)', async () => {
      const [, payload] = (await customerToken(1)).split('.')
      return `${btoa(JSON.stringify({ alg: 'none', typ: 'JWT' })).replace(/=+$/, '')}.${payload}.x`
    }],
    ['with its payload altered after signing', async () => {
      const [header, payload, signature] = (await customerToken(2)).split('.')
      const claims = JSON.parse(atob(payload!.replace(/-/g, '+').replace(/_/g, '/')))
      claims.customer.id = 1
      return `${header}.${btoa(JSON.stringify(claims)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')}.${signature}`
    }],
  ]
  it.each(refused)('%s links nothing, and the hit is still an anonymous touch', async (_what, make) => {
    const email = `victim-${++counter}@example.com`
    const customer = await registeredCustomer(email)
    expect(customer.id).toBe(1)
    const anonymousId = `forged-visitor-${counter}`
    expect((await hit({ anonymousId, url: campaign, customerToken: await make(), productId: 3 })).status).toBe(204)
    await settle()
    expect(await identitiesOf(anonymousId)).toEqual([])
    expect(await productViewsOf(email)).toEqual([])
    expect(hubspot.portal.findByProperty('contacts', 'email', email)!.properties.bc_first_touch_channel ?? null).toBeNull()
    expect(await env.DB.prepare('SELECT COUNT(*) AS n FROM touches WHERE anonymous_id = ?').bind(anonymousId).first('n')).toBe(1)
  })

  it('is not checked without BIGCOMMERCE_APP_CLIENT_ID: the hit stays anonymous', async () => {
    const email = 'no-app@example.com'
    const customer = await registeredCustomer(email)
    const withoutApp = { ...env, BIGCOMMERCE_APP_CLIENT_ID: '' }
    const res = await callWorker(
      new Request('https://worker.example.com/beacon', {
        method: 'POST',
        headers: { origin: SHOP, 'content-type': 'text/plain' },
        body: JSON.stringify({ anonymousId: 'no-app-visitor', url: campaign, customerToken: await customerToken(customer.id, email) }),
      }),
      withoutApp,
    )
    expect(res.status).toBe(204)
    expect(await identitiesOf('no-app-visitor')).toEqual([])
    expect(TEST_KEYS.clientId).toBe('test-app-client-id')
  })
})

describe('a cart id', () => {
  it('links a guest whose checkout gave the cart an email, and credits the order the cart became', async () => {
    const email = 'guest@example.com'
    const cart = bigcommerce.store.createCart({ lines: [{ productId: 1, quantity: 1 }] })
    await deliverEvents(cart.events)
    // A few minutes before the order (BigCommerce dates it to the second).
    const before = (m: number) => new Date(Date.now() - m * 60_000).toISOString()
    expect((await hit({ anonymousId: 'guest-visitor', url: campaign, occurredAt: before(5) })).status).toBe(204)
    expect((await hit({ anonymousId: 'guest-visitor', url: `${SHOP}/cart.php`, cartId: cart.value.id, occurredAt: before(4) })).status).toBe(204)
    // The email reaches the cart at checkout, from BigCommerce; then the cart becomes an order.
    await deliverEvents(bigcommerce.store.updateCart(cart.value.id, { email }).events)
    const order = bigcommerce.store.convertCart(cart.value.id, { statusId: 11 })
    await deliverEvents(order.events)
    await settle()
    expect(hubspot.portal.findByProperty('contacts', 'email', email)!.properties.bc_first_touch_channel).toBe('paid_search')
    expect(hubspot.portal.findByProperty('orders', 'bc_order_id', String(order.value.order.id))!.properties.bc_attributed_channel).toBe('paid_search')
  })
})

describe('upgrading (migrations/0031_identity_from_proof.sql)', () => {
  it('drops the links older scripts asserted, keeps cart links, and recomputes the contacts they reached', async () => {
    // Before the upgrade: a visitor linked to a customer by an email it merely stated, credited with her first
    // touch; another linked by a customer id it stated; a third by its cart, which stays.
    const at = Date.now() - HOUR
    await env.DB.batch([
      env.DB.prepare(
        `INSERT INTO touches (anonymous_id, occurred_at, channel, source, reason, received_at) VALUES
         ('asserted-email', ?1, 'paid_search', 'google', 'session', ?1), ('asserted-id', ?1, 'referral', 'evil.example', 'session', ?1),
         ('cart-linked', ?1, 'email', 'klaviyo', 'session', ?1)`,
      ).bind(at),
      env.DB.prepare(
        `INSERT INTO beacon_identities (anonymous_id, kind, value, first_seen_at) VALUES
         ('asserted-email', 'email', 'victim@example.com', 0), ('asserted-id', 'customer', '55', 0),
         ('cart-linked', 'cart', 'cccc0000-0000-4000-8000-000000000055', 0)`,
      ),
      env.DB.prepare("INSERT INTO beacon_visitors (anonymous_id, last_seen_at, customer_id, email) VALUES ('asserted-email', ?, 55, 'victim@example.com')").bind(at),
      env.DB.prepare("INSERT INTO customer_emails (customer_id, email, updated_at) VALUES (55, 'victim@example.com', 0)"),
      env.DB.prepare(
        "INSERT INTO carts (cart_id, email, customer_id, status, updated_at) VALUES ('cccc0000-0000-4000-8000-000000000055', 'buyer@example.com', 0, 'open', ?)",
      ).bind(new Date(at).toISOString()),
    ])
    // What the rollup of the older worker had written for both contacts (and sent to HubSpot).
    await env.DB.prepare(
      `INSERT INTO contact_touches (email, first_touch_id, first_channel, first_source, last_touch_id, last_channel, last_source, updated_at)
       SELECT 'victim@example.com', id, channel, source, id, channel, source, 0 FROM touches WHERE anonymous_id = 'asserted-email'
       UNION ALL SELECT 'buyer@example.com', id, channel, source, id, channel, source, 0 FROM touches WHERE anonymous_id = 'cart-linked'`,
    ).run()
    await env.DB.prepare('DELETE FROM attribution_changes').run()

    const sql = legacyCleanup.replace(/^--.*$/gm, '')
    for (const statement of sql.split(';').map((s) => s.trim()).filter(Boolean)) await env.DB.prepare(statement).run()
    const sink = { records: [] as HubSpotRecord[], async enqueue(records: HubSpotRecord[]) { this.records.push(...records) } }
    await runAttributionRollup(env.DB, sink, { lookbackMs: 30 * 24 * HOUR, now: Date.now() })

    const { results } = await env.DB.prepare('SELECT anonymous_id, kind FROM beacon_identities ORDER BY anonymous_id').all()
    expect(results).toEqual([{ anonymous_id: 'cart-linked', kind: 'cart' }])
    expect(await env.DB.prepare("SELECT email, customer_id FROM beacon_visitors WHERE anonymous_id = 'asserted-email'").first()).toEqual({
      email: null,
      customer_id: null,
    })
    // The victim's touch properties are cleared in HubSpot; the cart-linked buyer keeps hers.
    expect(sink.records.filter((r) => r.key === 'victim@example.com').map((r) => r.properties.bc_first_touch_channel)).toEqual([''])
    expect(sink.records.find((r) => r.key === 'buyer@example.com')).toBeUndefined()
    expect(await env.DB.prepare("SELECT first_channel FROM contact_touches WHERE email = 'buyer@example.com'").first('first_channel')).toBe('email')
  })
})
