import { env, exports } from 'cloudflare:workers'
import { beforeEach, describe, expect, it } from 'vitest'
import { storefrontSyncJob } from '../../src/cron/storefronts-job'
import { syncStorefronts } from '../../src/upkeep/storefront-sync'
import { storefrontUrl } from '../../src/db/storefronts'
import { contactObject } from '../../src/durable/stubs'
import { LIST_NAME_PREFIX } from '../../src/hubspot/lists'
import { recoveryLink } from '../../src/recovery/recovery-link'
import { adminCall, signIn } from '../support/admin'
import { callWorker, deliverEvents, flushHubSpot, freshWorld, type useStandins } from '../support/worker'

/**
 * Multi-Storefront end to end: a store with a second storefront (its own site), orders, carts, customers and
 * beacon hits on it, through the webhook route, the contact, the HubSpot writer, the beacon and the reports.
 */
type Standins = ReturnType<typeof useStandins>
let bigcommerce: Standins['bigcommerce']
let hubspot: Standins['hubspot']
let outlet: number

const MAIN_SITE = 'https://store-teststore.mybigcommerce.com'
const OUTLET_SITE = 'https://outlet.example'

beforeEach(async () => {
  ;({ bigcommerce, hubspot } = await freshWorld())
  outlet = bigcommerce.store.createChannel({
    name: 'Outlet', type: 'storefront', platform: 'bigcommerce', siteUrl: `${OUTLET_SITE}/`, currencies: ['EUR', 'USD'],
  }).value.id
  await syncStorefronts(env, new Date())
})

const hubspotRecord = (type: 'orders' | 'carts' | 'contacts' | 'line_items', property: string, value: string) =>
  hubspot.portal.findByProperty(type, property, value)

function hit(origin: string, body: Record<string, unknown>) {
  return exports.default.fetch('https://worker.example.com/beacon', {
    method: 'POST',
    headers: { origin, 'content-type': 'text/plain;charset=UTF-8' },
    body: JSON.stringify(body),
  })
}

async function touchesOf(anonymousId: string) {
  const { results } = await env.DB.prepare('SELECT channel, source, channel_id FROM touches WHERE anonymous_id = ? ORDER BY id')
    .bind(anonymousId)
    .all<{ channel: string; source: string | null; channel_id: number | null }>()
  return results
}

describe('channels as first-class data', () => {
  it('keeps every channel with its site and currencies, and links each channel to its storefront', async () => {
    const { results } = await env.DB.prepare('SELECT id, name, type, status, site_url, default_currency, currencies FROM catalog_channels ORDER BY id')
      .all<Record<string, unknown>>()
    expect(results).toEqual([
      { id: 1, name: 'Default Storefront', type: 'storefront', status: 'active', site_url: MAIN_SITE, default_currency: 'USD', currencies: '["USD"]' },
      { id: outlet, name: 'Outlet', type: 'storefront', status: 'active', site_url: `${OUTLET_SITE}/`, default_currency: 'EUR', currencies: '["EUR","USD"]' },
    ])
    expect(await storefrontUrl(env.DB, outlet)).toBe(OUTLET_SITE)
    expect(await storefrontUrl(env.DB, 1)).toBe(MAIN_SITE)
    // A channel without a site (a marketplace) links to the default storefront.
    const amazon = bigcommerce.store.createChannel({ name: 'Amazon US', type: 'marketplace', platform: 'amazon' }).value.id
    await syncStorefronts(env, new Date())
    expect(await storefrontUrl(env.DB, amazon)).toBe(MAIN_SITE)
  })

  it('reads the channels again once a day, not at every hourly tick', async () => {
    const reads = () => bigcommerce.requests.filter((r) => r.path.endsWith('/v3/channels')).length
    const start = Date.now()
    const before = reads()
    await storefrontSyncJob.run(env, new Date(start + 3_600_000))
    expect(reads()).toBe(before)
    bigcommerce.store.createChannel({ name: 'Trade', type: 'storefront', platform: 'catalyst', siteUrl: 'https://trade.example' })
    await storefrontSyncJob.run(env, new Date(start + 24 * 3_600_000 + 60_000))
    expect(reads()).toBe(before + 1)
    expect(await env.DB.prepare("SELECT site_url FROM catalog_channels WHERE name = 'Trade'").first()).toEqual({ site_url: 'https://trade.example' })
  })

  it('follows channel webhooks: a renamed storefront and a new domain take effect at once', async () => {
    const renamed = bigcommerce.store.updateChannel(outlet, { name: 'Outlet EU' })
    const moved = bigcommerce.store.setChannelSite(outlet, 'https://eu.outlet.example')
    await deliverEvents([...renamed.events, ...moved.events])
    const row = await env.DB.prepare('SELECT name, site_url FROM catalog_channels WHERE id = ?').bind(outlet).first()
    expect(row).toEqual({ name: 'Outlet EU', site_url: 'https://eu.outlet.example' })
    expect((await hit('https://eu.outlet.example', { anonymousId: 'visitor-moved-1', url: 'https://eu.outlet.example/' })).status).toBe(204)
    expect((await hit(OUTLET_SITE, { anonymousId: 'visitor-moved-2', url: `${OUTLET_SITE}/` })).status).toBe(403)
  })
})

describe('an order on the second storefront', () => {
  it("gets that storefront's name, order link and recovery link, on the order, its line items and its cart", async () => {
    const customer = bigcommerce.store.createCustomer({ email: 'olga@example.com', originChannelId: outlet, channelIds: [outlet] })
    const cart = bigcommerce.store.createCart({ channelId: outlet, customerId: customer.value.id, lines: [{ productId: 1, quantity: 2 }] })
    await deliverEvents([...customer.events, ...cart.events])
    await flushHubSpot()
    const cartRecord = hubspotRecord('carts', 'bc_cart_id', cart.value.id)
    expect(cartRecord?.properties).toMatchObject({ bc_channel_id: String(outlet), bc_storefront: 'Outlet' })
    // The recovery link (the worker's) restores the cart on its own storefront's site...
    const link = cartRecord!.properties.hs_cart_url!
    const recover = () => callWorker(new Request(link, { redirect: 'manual' }))
    const live = await recover()
    expect(live.status).toBe(302)
    expect(live.headers.get('location')).toMatch(/^https:\/\/outlet\.example\/cart\.php\?action=load&id=/)
    expect((await bigcommerce.storefront(new Request(live.headers.get('location')!))).headers.get('x-standin-cart')).toBe(cart.value.id)

    const converted = bigcommerce.store.convertCart(cart.value.id)
    await deliverEvents(converted.events)
    await flushHubSpot()
    // ...and, once the cart became an order, lands on that site's cart page, not the default storefront's.
    expect((await recover()).headers.get('location')).toBe(`${OUTLET_SITE}/cart.php`)
    const orderId = converted.value.order.id
    expect(hubspotRecord('orders', 'bc_order_id', String(orderId))?.properties).toMatchObject({
      bc_channel_id: String(outlet),
      bc_storefront: 'Outlet',
      bc_channel: 'storefront',
      bc_order_status_url: `${OUTLET_SITE}/account.php?action=view_order&order_id=${orderId}`,
    })
    const lines = hubspot.portal.records('line_items')
    expect(lines.length).toBeGreaterThan(0)
    for (const line of lines) expect(line.properties).toMatchObject({ bc_channel_id: String(outlet), bc_storefront: 'Outlet' })
    expect(hubspotRecord('contacts', 'email', 'olga@example.com')?.properties).toMatchObject({
      bc_first_storefront: 'Outlet',
      bc_storefronts: 'Outlet',
    })
    const stored = await env.DB.prepare('SELECT channel_id FROM orders WHERE order_id = ?').bind(orderId).first()
    expect(stored).toEqual({ channel_id: outlet })
  })

  it('an order on the default storefront links to the default site, and a guest order has no account link', async () => {
    const guest = bigcommerce.store.createOrder({ email: 'guest@example.com', customerId: 0 })
    const customer = bigcommerce.store.createCustomer({ email: 'reg@example.com' })
    const registered = bigcommerce.store.createOrder({ customerId: customer.value.id })
    await deliverEvents([...guest.events, ...registered.events])
    await flushHubSpot()
    const guestOrder = hubspotRecord('orders', 'bc_order_id', String(guest.value.id))!.properties
    expect(guestOrder).toMatchObject({ bc_channel_id: '1', bc_storefront: 'Default Storefront' })
    expect(guestOrder.bc_order_status_url ?? '').toBe('')
    expect(hubspotRecord('orders', 'bc_order_id', String(registered.value.id))?.properties).toMatchObject({
      bc_channel_id: '1',
      bc_order_status_url: `${MAIN_SITE}/account.php?action=view_order&order_id=${registered.value.id}`,
    })
  })

  it('processes channel-scoped order webhooks ({order_id}, no type or id) like the global ones', async () => {
    const order = bigcommerce.store.createOrder({ email: 'scoped@example.com', channelId: outlet })
    const response = await deliverEvents([{ scope: `store/channel/${outlet}/order/created`, data: { order_id: order.value.id } }])
    expect(await response[0]!.json()).toEqual({ status: 'accepted' })
    await flushHubSpot()
    expect(hubspotRecord('orders', 'bc_order_id', String(order.value.id))?.properties.bc_storefront).toBe('Outlet')
  })
  it("lands a spent link of a cart kept without its channel (before migration 0060) on its order's storefront", async () => {
    const cartId = '5d0c1a52-7f3e-4c55-9a1e-2b8f1e0c9a41'
    const updatedAt = new Date().toISOString()
    await env.DB.prepare("INSERT INTO carts (cart_id, email, customer_id, status, updated_at) VALUES (?, 'old@example.com', 0, 'open', ?)")
      .bind(cartId, updatedAt)
      .run()
    const order = bigcommerce.store.createOrder({ email: 'old@example.com', channelId: outlet, cartId })
    await deliverEvents(order.events)
    expect(await env.DB.prepare('SELECT channel_id, order_id FROM carts WHERE cart_id = ?').bind(cartId).first())
      .toEqual({ channel_id: outlet, order_id: order.value.id })
    const link = await recoveryLink('https://worker.example.com', 'bc-test-token', { cartId, updatedAt })
    const spent = await callWorker(new Request(link!, { redirect: 'manual' }))
    expect(spent.status).toBe(302)
    expect(spent.headers.get('location')).toBe(`${OUTLET_SITE}/cart.php`)
  })
})

describe('one person across storefronts', () => {
  it('is one contact holding both customer ids, whose storefronts list both', async () => {
    const main = bigcommerce.store.createCustomer({ email: 'Sam@Example.com', firstName: 'Sam' })
    const second = bigcommerce.store.createCustomer({ email: 'sam@example.com', firstName: 'Sam', originChannelId: outlet, channelIds: [outlet] })
    await deliverEvents([...main.events, ...second.events])
    const onMain = bigcommerce.store.createOrder({ customerId: main.value.id, statusId: 11, at: Date.now() - 60_000 })
    const onOutlet = bigcommerce.store.createOrder({ customerId: second.value.id, channelId: outlet, statusId: 11 })
    await deliverEvents([...onMain.events, ...onOutlet.events])
    await flushHubSpot()

    const contacts = hubspot.portal.records('contacts').filter((c) => c.properties.email === 'sam@example.com')
    expect(contacts).toHaveLength(1)
    expect(contacts[0]!.properties).toMatchObject({
      bc_customer_id: String(main.value.id),
      bc_customer_ids: `${main.value.id};${second.value.id}`,
      bc_first_storefront: 'Default Storefront',
      bc_storefronts: 'Default Storefront;Outlet',
      bc_order_count: '2',
    })
    const state = await contactObject(env, 'sam@example.com').snapshot()
    expect(Object.keys(state!.customers).sort()).toEqual([String(main.value.id), String(second.value.id)].sort())
    expect(state!.customers[String(second.value.id)]).toMatchObject({ originChannelId: outlet, channelIds: [outlet] })
    const { results } = await env.DB.prepare('SELECT customer_id, email FROM customer_emails ORDER BY customer_id').all()
    expect(results).toEqual([
      { customer_id: main.value.id, email: 'sam@example.com' },
      { customer_id: second.value.id, email: 'sam@example.com' },
    ])
  })

  it('merges a guest on one storefront with an account on the other, as today', async () => {
    const guestOrder = bigcommerce.store.createOrder({ email: 'pat@example.com', customerId: 0, channelId: outlet, at: Date.now() - 60_000 })
    await deliverEvents(guestOrder.events)
    const account = bigcommerce.store.createCustomer({ email: 'PAT@example.com' })
    const accountOrder = bigcommerce.store.createOrder({ customerId: account.value.id })
    await deliverEvents([...account.events, ...accountOrder.events])
    await flushHubSpot()
    const contacts = hubspot.portal.records('contacts').filter((c) => c.properties.email === 'pat@example.com')
    expect(contacts).toHaveLength(1)
    expect(contacts[0]!.properties).toMatchObject({
      bc_customer_id: String(account.value.id),
      bc_order_count: '2',
      bc_first_storefront: 'Outlet',
      bc_storefronts: 'Outlet;Default Storefront',
    })
  })
})

describe('beacon hits from every storefront', () => {
  it('accepts a hit from the second site and records its storefront; the first site and the variable still work', async () => {
    const res = await hit(OUTLET_SITE, { anonymousId: 'visitor-outlet-1', url: `${OUTLET_SITE}/sale?utm_source=newsletter&utm_medium=email` })
    expect(res.status).toBe(204)
    expect(res.headers.get('access-control-allow-origin')).toBe(OUTLET_SITE)
    expect(await touchesOf('visitor-outlet-1')).toEqual([{ channel: 'email', source: 'newsletter', channel_id: outlet }])

    expect((await hit(MAIN_SITE, { anonymousId: 'visitor-main-1', url: `${MAIN_SITE}/` })).status).toBe(204)
    expect(await touchesOf('visitor-main-1')).toEqual([{ channel: 'direct', source: null, channel_id: 1 }])
    // BEACON_ALLOWED_ORIGINS (the test configuration's https://shop.example.com) is allowed too, its storefront unknown.
    expect((await hit('https://shop.example.com', { anonymousId: 'visitor-shop-1', url: 'https://shop.example.com/' })).status).toBe(204)
    expect(await touchesOf('visitor-shop-1')).toEqual([{ channel: 'direct', source: null, channel_id: null }])
  })

  it('treats a referral from one storefront to another as the store itself, not a referral', async () => {
    await hit(OUTLET_SITE, { anonymousId: 'visitor-cross-1', url: `${OUTLET_SITE}/`, referrer: `${MAIN_SITE}/sale` })
    expect(await touchesOf('visitor-cross-1')).toEqual([{ channel: 'direct', source: null, channel_id: outlet }])
  })

  it('refuses an unknown origin and the site of a storefront that is not active', async () => {
    const refused = await hit('https://evil.example', { anonymousId: 'visitor-evil-1', url: 'https://evil.example/' })
    expect(refused.status).toBe(403)
    expect(((await refused.json()) as { error: string }).error).toBe('origin_not_allowed')
    await deliverEvents(bigcommerce.store.updateChannel(outlet, { status: 'inactive' }).events)
    expect((await hit(OUTLET_SITE, { anonymousId: 'visitor-closed-1', url: `${OUTLET_SITE}/` })).status).toBe(403)
    expect(await touchesOf('visitor-closed-1')).toEqual([])
  })
})

describe('reports by storefront', () => {
  it('filters attribution and outcomes to one storefront', async () => {
    const onMain = bigcommerce.store.createOrder({ email: 'a@example.com', statusId: 11 })
    const onOutlet = bigcommerce.store.createOrder({ email: 'b@example.com', channelId: outlet, statusId: 11 })
    await deliverEvents([...onMain.events, ...onOutlet.events])
    await flushHubSpot()

    const read = async (query: string) => (await (await adminCall('GET', `/admin/api/attribution?${query}`, { role: 'viewer' })).json()) as {
      storefront: number | null; total: { orders: number; revenue: string }; store: { orders: number; revenue: string }
    }
    const all = await read('')
    const outletOnly = await read(`storefront=${outlet}`)
    const mainOnly = await read('storefront=1')
    expect(all.total.orders).toBe(2)
    expect(outletOnly).toMatchObject({ storefront: outlet, total: { orders: 1, revenue: onOutlet.value.total_inc_tax.replace(/0+$/, '').replace(/\.$/, '') } })
    expect(outletOnly.store.orders).toBe(1)
    expect(mainOnly.total.orders).toBe(1)
    expect((await adminCall('GET', '/admin/api/attribution?storefront=abc', { role: 'viewer' })).status).toBe(400)

    const outcomes = async (query: string) => (await (await adminCall('GET', `/admin/api/outcomes?${query}`, { role: 'viewer' })).json()) as {
      storefront: number | null; families: { family: string; total: { fired: { count: number } } }[]
    }
    const placed = (report: Awaited<ReturnType<typeof outcomes>>) => report.families.find((f) => f.family === 'order_placed')!.total.fired.count
    expect(placed(await outcomes(''))).toBe(2)
    expect(placed(await outcomes(`storefront=${outlet}`))).toBe(1)
    expect((await outcomes(`storefront=${outlet}`)).storefront).toBe(outlet)
    expect(placed(await outcomes('storefront=999'))).toBe(0)
  })

  it('lists the storefronts with their sites, currencies and sales', async () => {
    const order = bigcommerce.store.createOrder({ email: 'c@example.com', channelId: outlet, statusId: 11 })
    await deliverEvents(order.events)
    const response = await adminCall('GET', '/admin/api/storefronts', { role: 'viewer' })
    expect(response.status).toBe(200)
    const body = (await response.json()) as { storefronts: Record<string, unknown>[] }
    expect(body.storefronts).toEqual([
      expect.objectContaining({ id: 1, name: 'Default Storefront', siteUrl: MAIN_SITE, live: true, orders: 0 }),
      expect.objectContaining({
        id: outlet, name: 'Outlet', siteUrl: `${OUTLET_SITE}/`, live: true, defaultCurrency: 'EUR', currencies: ['EUR', 'USD'], orders: 1,
      }),
    ])
  })
})

describe('the dashboard', () => {
  it('shows the storefronts with their sites', async () => {
    const response = await callWorker(new Request('https://worker.example.com/admin', { headers: { cookie: await signIn('viewer') } }))
    const html = await response.text()
    expect(html).toContain('id="storefronts"')
    expect(html).toMatch(new RegExp(`data-storefront="${outlet}"[\\s\\S]*?Outlet[\\s\\S]*?${OUTLET_SITE}`))
    expect(html).toMatch(/data-storefront="1"[\s\S]*?Default Storefront/)
  })
})

describe('audiences per storefront', () => {
  it('makes one list per storefront when the store has more than one, none with a single storefront', async () => {
    const setup = await adminCall('POST', '/admin/api/setup', { role: 'admin', body: {} })
    expect(setup.status).toBe(200)
    expect(((await setup.json()) as { storefronts: unknown }).storefronts).toMatchObject({ channels: 2, liveStorefronts: 2 })
    const names = hubspot.portal.lists.all().map((l) => l.name)
    expect(names).toContain(`${LIST_NAME_PREFIX}Storefront buyers: Default Storefront`)
    expect(names).toContain(`${LIST_NAME_PREFIX}Storefront buyers: Outlet`)
    const outletList = hubspot.portal.lists.byName(`${LIST_NAME_PREFIX}Storefront buyers: Outlet`)!
    expect(JSON.stringify(outletList.filterBranch)).toContain('"property":"bc_storefronts"')

    ;({ bigcommerce, hubspot } = await freshWorld())
    expect((await adminCall('POST', '/admin/api/setup', { role: 'admin', body: {} })).status).toBe(200)
    expect(hubspot.portal.lists.all().some((l) => l.name.includes('Storefront buyers'))).toBe(false)
  })
})
