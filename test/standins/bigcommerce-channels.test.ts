import { describe, expect, it } from 'vitest'
import { createBigCommerceStandin, seedStore, StoreError, type BigCommerceStandin } from '../../standins/bigcommerce'

/** Multi-Storefront in the BigCommerce stand-in: channels, sites, currencies, per-channel accounts and webhooks. */
const TOKEN = 'bc-test-token'
const NOW = Date.UTC(2026, 0, 15, 12, 0, 0)

function api(standin: BigCommerceStandin, path: string): Promise<Response> {
  return standin.fetch(new Request(`http://bigcommerce.standin/stores/teststore${path}`, { headers: { 'X-Auth-Token': TOKEN } }))
}

async function json<T = any>(response: Response): Promise<T> {
  return response.json() as Promise<T>
}

function withSecondStorefront() {
  const standin = createBigCommerceStandin({ clock: () => NOW })
  const outlet = standin.store.createChannel({
    name: 'Outlet', type: 'storefront', platform: 'bigcommerce', siteUrl: 'https://www.outlet.example', currencies: ['EUR', 'USD'],
  }).value
  const amazon = standin.store.createChannel({ name: 'Amazon US', type: 'marketplace', platform: 'amazon' }).value
  return { standin, store: standin.store, outlet, amazon }
}

describe('channels and their sites', () => {
  it('serves a storefront site in the spec shape, and 404 for a channel without one', async () => {
    const { standin, outlet, amazon } = withSecondStorefront()
    const site = await json(await api(standin, `/v3/channels/${outlet.id}/site`))
    expect(site.data).toMatchObject({
      channel_id: outlet.id,
      url: 'https://www.outlet.example',
      ssl_status: 'shared',
      is_checkout_url_customized: false,
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    })
    expect(site.data.urls.map((u: { type: string }) => u.type)).toEqual(['primary', 'canonical'])
    // The default storefront has its site from the start.
    expect((await json(await api(standin, '/v3/channels/1/site'))).data.url).toBe('https://store-teststore.mybigcommerce.com')

    const none = await api(standin, `/v3/channels/${amazon.id}/site`)
    expect(none.status).toBe(404)
    expect(await json(none)).toMatchObject({ status: 404 })
    expect((await api(standin, '/v3/channels/999/site')).status).toBe(404)
    expect((await api(standin, '/v3/channels/abc/site')).status).toBe(400)
  })

  it('serves currency assignments for all channels and for one', async () => {
    const { standin, outlet } = withSecondStorefront()
    const all = await json(await api(standin, '/v3/channels/currency-assignments'))
    expect(all.data).toContainEqual({ channel_id: outlet.id, enabled_currencies: ['EUR', 'USD'], default_currency: 'EUR' })
    expect(all.data).toContainEqual({ channel_id: 1, enabled_currencies: ['USD'], default_currency: 'USD' })
    expect((await json(await api(standin, `/v3/channels/${outlet.id}/currency-assignments`))).data.default_currency).toBe('EUR')
    expect((await api(standin, '/v3/channels/999/currency-assignments')).status).toBe(404)
  })

  it('filters the list by type, status and availability, and refuses values outside the enums with 422', async () => {
    const { standin, store, outlet, amazon } = withSecondStorefront()
    store.updateChannel(amazon.id, { status: 'disconnected' })
    const storefronts = await json(await api(standin, '/v3/channels?type:in=storefront'))
    expect(storefronts.data.map((c: { id: number }) => c.id)).toEqual([1, outlet.id])
    expect(storefronts.data[0].site).toBeUndefined()
    const available = await json(await api(standin, '/v3/channels?available=true'))
    expect(available.data.map((c: { id: number }) => c.id)).toEqual([1, outlet.id])
    const gone = await json(await api(standin, '/v3/channels?available=false'))
    expect(gone.data.map((c: { id: number }) => c.id)).toEqual([amazon.id])
    const refused = await api(standin, '/v3/channels?status:in=active,live')
    expect(refused.status).toBe(422)
    expect((await json(refused)).errors['status:in']).toMatch(/live/)
    expect((await api(standin, '/v3/channels?type:in=shop')).status).toBe(422)
  })

  it('refuses channels BigCommerce refuses: a wrong type and platform pair, a status of another type, a duplicate', () => {
    const { store } = withSecondStorefront()
    expect(() => store.createChannel({ name: 'Shop', type: 'storefront', platform: 'amazon' })).toThrow(/not a valid combination/)
    expect(() => store.createChannel({ name: 'Till', type: 'pos', platform: 'square', status: 'active' })).toThrow(/not valid/)
    expect(() => store.createChannel({ name: 'Shop', type: 'storefront', platform: 'bigcommerce', status: 'deleted' })).toThrow(StoreError)
    expect(() => store.createChannel({ name: 'Outlet', type: 'storefront', platform: 'bigcommerce' })).toThrow(/already exists/)
    expect(() => store.createChannel({ name: 'eBay', type: 'marketplace', platform: 'ebay', siteUrl: 'https://ebay.example' }))
      .toThrow(/only storefronts have sites/)
    expect(() => store.createChannel({ name: 'Bad', type: 'storefront', platform: 'catalyst', siteUrl: 'not a url' })).toThrow(/fully qualified/)
  })

  it('refuses updates of a deleted channel and a status of prelaunch, and reports changes as webhooks', () => {
    const { store, outlet } = withSecondStorefront()
    expect(() => store.updateChannel(outlet.id, { status: 'prelaunch' })).toThrow(/not valid/)
    expect(store.updateChannel(outlet.id, { name: 'Outlet EU' }).events).toEqual([{ scope: 'store/channel/updated', data: { type: 'channel', id: outlet.id } }])
    store.updateChannel(outlet.id, { status: 'deleted' })
    expect(() => store.updateChannel(outlet.id, { status: 'active' })).toThrow(/cannot be updated/)
    const site = store.setChannelSite(1, 'https://shop.example')
    expect(site.events).toEqual([{ scope: 'store/channel/1/settings/site/updated', data: { site_id: site.value.id } }])
  })
})

describe('customer accounts per channel', () => {
  it('lets one email hold an account on each storefront, never two on one channel', async () => {
    const { standin, store, outlet } = withSecondStorefront()
    const first = store.createCustomer({ email: 'Sam@Example.com' }).value
    const second = store.createCustomer({ email: 'sam@example.com', originChannelId: outlet.id, channelIds: [outlet.id] }).value
    expect(second.id).not.toBe(first.id)
    expect(() => store.createCustomer({ email: 'SAM@example.com', channelIds: [1, outlet.id] })).toThrow(/already exists on channel 1/)
    expect(() => store.createCustomer({ email: 'x@example.com', channelIds: [] })).toThrow(/cannot be empty/)
    expect(() => store.createCustomer({ email: 'y@example.com', channelIds: [404] })).toThrow(/channel 404 does not exist/)
    expect(() => store.updateCustomer(first.id, { email: 'other@example.com' })).not.toThrow()
    expect(() => store.updateCustomer(first.id, { email: 'sam@example.com' })).not.toThrow()

    const listed = await json(await api(standin, '/v3/customers?email:in=sam@example.com'))
    expect(listed.data.map((c: { id: number; origin_channel_id: number; channel_ids: number[] }) => [c.id, c.origin_channel_id, c.channel_ids]))
      .toEqual([[first.id, 1, [1]], [second.id, outlet.id, [outlet.id]]])
    // An order placed by email on a channel belongs to that channel's account.
    expect(store.createOrder({ email: 'sam@example.com', channelId: outlet.id }).value.customer_id).toBe(second.id)
    expect(store.createOrder({ email: 'sam@example.com' }).value.customer_id).toBe(first.id)
  })
})

describe('storefront links and channel-scoped webhooks', () => {
  it('gives a cart the redirect URLs of its channel site, and the checkout on the default site without a checkout domain', async () => {
    const { standin, store, outlet } = withSecondStorefront()
    const cart = store.createCart({ channelId: outlet.id, email: 'a@example.com', lines: [{ productId: 1, quantity: 1 }] }).value
    const body = await json(await api(standin, `/v3/carts/${cart.id}?include=redirect_urls`))
    expect(body.data.channel_id).toBe(outlet.id)
    expect(body.data.redirect_urls.cart_url).toMatch(/^https:\/\/www\.outlet\.example\/cart\.php\?action=load&id=/)
    expect(body.data.redirect_urls.checkout_url).toMatch(/^https:\/\/store-teststore\.mybigcommerce\.com\/cart\.php\?action=loadInCheckout/)
    store.setChannelSite(outlet.id, 'https://www.outlet.example', { checkoutUrl: 'https://checkout.outlet.example' })
    const custom = await json(await api(standin, `/v3/carts/${cart.id}?include=redirect_urls`))
    expect(custom.data.redirect_urls.checkout_url).toMatch(/^https:\/\/checkout\.outlet\.example\/cart\.php/)
  })

  it('delivers order and cart events to channel-scoped hooks as BigCommerce spells them, and only for that channel', async () => {
    const { standin, store, outlet } = withSecondStorefront()
    store.createHook({ scope: `store/channel/${outlet.id}/order/*`, destination: 'https://hooks.example/outlet-orders' })
    store.createHook({ scope: `store/channel/${outlet.id}/cart/*`, destination: 'https://hooks.example/outlet-carts' })
    store.createHook({ scope: 'store/order/created', destination: 'https://hooks.example/all-orders' })
    const received: { url: string; scope: string; data: unknown }[] = []
    const target = async (request: Request) => {
      const body = (await request.json()) as { scope: string; data: unknown }
      received.push({ url: request.url, scope: body.scope, data: body.data })
      return new Response(null, { status: 200 })
    }
    const onDefault = store.createOrder({ email: 'a@example.com' })
    const cart = store.createCart({ channelId: outlet.id, email: 'b@example.com', lines: [{ productId: 1, quantity: 1 }] })
    const converted = store.convertCart(cart.value.id)
    await standin.dispatch([...onDefault.events, ...cart.events, ...converted.events], { target })

    const orderId = converted.value.order.id
    expect(received.filter((r) => r.url.endsWith('/all-orders')).map((r) => r.data)).toEqual([
      { type: 'order', id: onDefault.value.id },
      { type: 'order', id: orderId },
    ])
    expect(received.filter((r) => r.url.endsWith('/outlet-orders'))).toEqual([
      { url: 'https://hooks.example/outlet-orders', scope: `store/channel/${outlet.id}/order/created`, data: { order_id: orderId } },
    ])
    const carts = received.filter((r) => r.url.endsWith('/outlet-carts'))
    expect(carts.map((r) => r.scope)).toEqual([
      `store/channel/${outlet.id}/cart/created`,
      `store/channel/${outlet.id}/cart/updated`,
      `store/channel/${outlet.id}/cart/lineItem/created`,
      `store/channel/${outlet.id}/cart/converted`,
    ])
    expect(carts[0]!.data).toEqual({ cart_id: cart.value.id })
    expect(carts[2]!.data).toEqual({ cart_id: cart.value.id, cart_item_id: cart.value.physical_items[0]!.id })
  })
})

describe('seeding a second storefront', () => {
  it('adds a storefront with its site, accounts sharing emails with the first, and orders and carts on it', () => {
    const standin = createBigCommerceStandin({ clock: () => NOW })
    const summary = seedStore(standin.store, {
      customers: 200, orders: 800, seed: 7, now: NOW, carts: 40,
      secondStorefront: { name: 'Outlet', siteUrl: 'https://outlet.example', currencies: ['USD', 'EUR'] },
    })
    const outletId = summary.channels.secondStorefront!
    const store = standin.store
    expect(store.channels.get(outletId)).toMatchObject({ name: 'Outlet', type: 'storefront', status: 'active' })
    expect(store.channels.get(outletId)!.site!.url).toBe('https://outlet.example')
    const accounts = [...store.customers.values()].filter((c) => c.origin_channel_id === outletId)
    expect(accounts.length).toBe(summary.secondStorefrontAccounts)
    expect(accounts.length).toBeGreaterThan(20)
    for (const account of accounts) {
      expect(store.customersByEmail(account.email).map((c) => c.origin_channel_id)).toEqual([1, outletId])
    }
    const outletOrders = [...store.orders.values()].filter((o) => o.channel_id === outletId)
    expect(outletOrders.length).toBeGreaterThan(50)
    // A registered buyer there orders with their account on that storefront.
    for (const order of outletOrders.filter((o) => o.customer_id > 0)) {
      expect(store.customers.get(order.customer_id)!.channel_ids).toEqual([outletId])
    }
    expect([...store.carts.values()].some((c) => c.channel_id === outletId)).toBe(true)

    const plain = createBigCommerceStandin({ clock: () => NOW })
    const without = seedStore(plain.store, { customers: 200, orders: 800, seed: 7, now: NOW, carts: 40 })
    expect(without.channels.secondStorefront).toBeUndefined()
    expect([...plain.store.channels.values()].map((c) => c.type).sort()).toEqual(['marketplace', 'pos', 'storefront'])
  })
})
