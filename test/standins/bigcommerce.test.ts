import { Webhook } from 'standardwebhooks'
import { describe, expect, it } from 'vitest'
import {
  buildEnvelope, createBigCommerceStandin, deliver, seedStore, signDelivery, type BigCommerceStandin,
} from '../../standins/bigcommerce'

const TOKEN = 'bc-test-token'
const NOW = Date.UTC(2026, 0, 15, 12, 0, 0)

function api(standin: BigCommerceStandin, path: string, init: RequestInit & { token?: string | null } = {}): Promise<Response> {
  const headers = new Headers(init.headers)
  if (init.token !== null) headers.set('X-Auth-Token', init.token ?? TOKEN)
  return standin.fetch(new Request(`http://bigcommerce.standin/stores/teststore${path}`, { ...init, headers }))
}

async function json<T = any>(response: Response): Promise<T> {
  return response.json() as Promise<T>
}

function fixedClock(start = NOW) {
  let now = start
  return { clock: () => now, advance: (ms: number) => { now += ms } }
}

describe('authentication and store', () => {
  it('answers a missing or wrong token with 401 in BigCommerce error shape', async () => {
    const standin = createBigCommerceStandin()
    for (const token of [null, 'wrong']) {
      const res = await api(standin, '/v2/orders/100', { token })
      expect(res.status).toBe(401)
      const body = await json(res)
      expect(body).toMatchObject({ status: 401, type: expect.any(String) })
      expect(body.title).toMatch(/Unauthorized/)
    }
  })

  it('answers another store hash with 404', async () => {
    const standin = createBigCommerceStandin()
    const res = await standin.fetch(new Request('http://x/stores/otherstore/v2/orders', { headers: { 'X-Auth-Token': TOKEN } }))
    expect(res.status).toBe(404)
  })
})

describe('rate limit', () => {
  it('sends the headers, refuses past the quota with 429, and recovers after the window', async () => {
    const time = fixedClock()
    const standin = createBigCommerceStandin({ clock: time.clock, rateLimit: { quota: 3, windowMs: 1000 } })
    const lefts: string[] = []
    for (let i = 0; i < 3; i++) {
      const res = await api(standin, '/v2/order_statuses')
      expect(res.status).toBe(200)
      expect(res.headers.get('X-Rate-Limit-Requests-Quota')).toBe('3')
      expect(res.headers.get('X-Rate-Limit-Time-Window-Ms')).toBe('1000')
      lefts.push(res.headers.get('X-Rate-Limit-Requests-Left')!)
      time.advance(100)
    }
    expect(lefts).toEqual(['2', '1', '0'])
    const refused = await api(standin, '/v2/order_statuses')
    expect(refused.status).toBe(429)
    expect(refused.headers.get('X-Rate-Limit-Requests-Left')).toBe('0')
    expect(refused.headers.get('X-Rate-Limit-Time-Reset-Ms')).toBe('700')
    time.advance(700)
    const again = await api(standin, '/v2/order_statuses')
    expect(again.status).toBe(200)
    expect(again.headers.get('X-Rate-Limit-Requests-Left')).toBe('2')
    expect(again.headers.get('X-Rate-Limit-Time-Reset-Ms')).toBe('1000')
  })

  it('defaults to 150 requests per 30 s and can be changed at run time', async () => {
    const standin = createBigCommerceStandin({ clock: fixedClock().clock })
    const res = await api(standin, '/v2/order_statuses')
    expect(res.headers.get('X-Rate-Limit-Requests-Quota')).toBe('150')
    expect(res.headers.get('X-Rate-Limit-Time-Window-Ms')).toBe('30000')
    standin.setRateLimit(1, 5000)
    expect((await api(standin, '/v2/order_statuses')).status).toBe(200)
    expect((await api(standin, '/v2/order_statuses')).status).toBe(429)
  })
})

describe('v2 orders', () => {
  it('returns an order with 4-dp money strings and RFC-2822 dates, 404 when missing', async () => {
    const standin = createBigCommerceStandin({ clock: fixedClock().clock })
    const { value: order, events } = standin.store.createOrder({ email: 'a@b.com', lines: [{ productId: 1, quantity: 2 }] })
    expect(events).toEqual([{ scope: 'store/order/created', data: { type: 'order', id: order.id } }])
    const body = await json(await api(standin, `/v2/orders/${order.id}`))
    expect(body.customer_id).toBe(0)
    expect(body.billing_address.email).toBe('a@b.com')
    expect(body.date_created).toBe('Thu, 15 Jan 2026 12:00:00 +0000')
    expect(body.date_shipped).toBe('')
    expect(body.subtotal_ex_tax).toBe('218.0000')
    expect(body.total_inc_tax).toMatch(/^\d+\.\d{4}$/)
    expect(body.status).toBe('Awaiting Fulfillment')
    expect(body.products.resource).toBe(`/orders/${order.id}/products`)
    expect(body).toHaveProperty('payment_method')
    const missing = await api(standin, '/v2/orders/99999')
    expect(missing.status).toBe(404)
    expect(await json(missing)).toEqual([{ status: 404, message: 'The requested resource was not found.' }])
  })

  it('answers shipments with 204 when there are none, then lists them after a shipment', async () => {
    const time = fixedClock()
    const standin = createBigCommerceStandin({ clock: time.clock })
    const order = standin.store.createOrder({ email: 'a@b.com', lines: [{ productId: 1, quantity: 2 }] }).value
    const none = await api(standin, `/v2/orders/${order.id}/shipments`)
    expect(none.status).toBe(204)
    expect(await none.text()).toBe('')
    expect((await api(standin, `/v2/orders/${order.id}/coupons`)).status).toBe(204)

    time.advance(3_600_000)
    const products = standin.store.orderProducts.get(order.id)!
    const partial = standin.store.addShipment(order.id, [{ orderProductId: products[0]!.id, quantity: 1 }])
    expect(partial.events[0]).toEqual({ scope: 'store/shipment/created', data: { type: 'shipment', id: partial.value.id, orderId: order.id } })
    expect(partial.events[1]).toEqual({
      scope: 'store/order/statusUpdated',
      data: { type: 'order', id: order.id, status: { previous_status_id: 11, new_status_id: 3 } },
    })
    standin.store.addShipment(order.id)
    const shipments = await json(await api(standin, `/v2/orders/${order.id}/shipments`))
    expect(shipments).toHaveLength(2)
    expect(shipments[0].items).toEqual([{ order_product_id: products[0]!.id, product_id: 1, quantity: 1 }])
    const shipped = await json(await api(standin, `/v2/orders/${order.id}`))
    expect(shipped.status_id).toBe(2)
    expect(shipped.date_shipped).toBe('Thu, 15 Jan 2026 13:00:00 +0000')
    expect(shipped.items_shipped).toBe(2)
  })

  it('fills tracking links as BigCommerce does for providers, AfterShip carriers and custom links', async () => {
    const standin = createBigCommerceStandin({ clock: fixedClock().clock })
    const ship = (options: Parameters<typeof standin.store.addShipment>[2]) => {
      const order = standin.store.createOrder({ email: 'a@b.com' }).value
      standin.store.addShipment(order.id, undefined, { trackingNumber: 'EJ958083578US', ...options })
      return api(standin, `/v2/orders/${order.id}/shipments`).then(json).then((list) => list[0])
    }
    expect(await ship({ provider: 'usps' })).toMatchObject({
      shipping_provider: 'usps', tracking_carrier: '', tracking_link: '', shipping_provider_display_name: 'USPS',
      generated_tracking_link: 'https://trkcnfrm1.smi.usps.com/PTSInternetWeb/InterLabelInquiry.do?strOrigTrackNum=EJ958083578US',
    })
    expect(await ship({ provider: '', carrier: 'dhl' })).toMatchObject({
      tracking_carrier: 'dhl', generated_tracking_link: 'https://track.aftership.com/dhl/EJ958083578US',
    })
    // A custom link is returned as given, and BigCommerce generates none.
    expect(await ship({ provider: 'ups', trackingLink: 'https://track.example.com/EJ958083578US' })).toMatchObject({
      tracking_link: 'https://track.example.com/EJ958083578US', generated_tracking_link: '',
    })
    // A third-party shipping provider with no courier slug: no link at all.
    expect(await ship({ provider: 'carrier_12', providerName: 'Parcel Co' })).toMatchObject({
      shipping_provider: 'carrier_12', shipping_provider_display_name: 'Parcel Co', tracking_link: '', generated_tracking_link: '',
    })
    const order = standin.store.createOrder({ email: 'a@b.com' }).value
    expect(() => standin.store.addShipment(order.id, undefined, { provider: 'pigeon' })).toThrow(/shipping_provider must be one of/)
  })

  it('keeps saved addresses with the spec fields and offers the first at checkout', async () => {
    const standin = createBigCommerceStandin({ clock: fixedClock().clock })
    const customer = standin.store.createCustomer({
      email: 'anna@example.de',
      address: { city: 'München', state_or_province: 'Bayern', postal_code: '80331', country_code: 'DE', country: 'Germany' },
    }).value
    const second = standin.store.addCustomerAddress(customer.id, { city: 'Wien', state_or_province: '', postal_code: '1010', country_code: 'AT', country: 'Austria' })
    expect(second.events).toEqual([
      { scope: 'store/customer/address/created', data: { type: 'customer', id: second.value.id, address: { customer_id: customer.id } } },
    ])
    const body = await json(await api(standin, `/v3/customers?id:in=${customer.id}&include=addresses`))
    expect(body.data[0].addresses.map((a: any) => [a.city, a.state_or_province, a.postal_code, a.country_code, a.country])).toEqual([
      ['München', 'Bayern', '80331', 'DE', 'Germany'],
      ['Wien', '', '1010', 'AT', 'Austria'],
    ])
    const order = standin.store.createOrder({ customerId: customer.id }).value
    expect(order.billing_address).toMatchObject({ city: 'München', state: 'Bayern', zip: '80331', country: 'Germany', country_iso2: 'DE' })
    const updated = standin.store.updateCustomerAddress(second.value.id, { city: 'Graz' })
    expect(updated.events[0]!.scope).toBe('store/customer/address/updated')
    expect(standin.store.deleteCustomerAddress(second.value.id).events[0]!.scope).toBe('store/customer/address/deleted')
    expect(standin.store.customerAddresses.get(customer.id)).toHaveLength(1)
    expect(() => standin.store.deleteCustomerAddress(second.value.id)).toThrow(/does not exist/)
  })

  it('pages with page and limit, answers 204 past the end, and caps limit at 250', async () => {
    const standin = createBigCommerceStandin({ clock: fixedClock().clock })
    for (let i = 0; i < 5; i++) standin.store.createOrder({ email: `p${i}@b.com`, at: NOW + i * 1000 })
    const page2 = await json(await api(standin, '/v2/orders?page=2&limit=2'))
    expect(page2.map((o: { id: number }) => o.id)).toEqual([102, 103])
    expect((await api(standin, '/v2/orders?page=4&limit=2')).status).toBe(204)
    const capped = await json(await api(standin, '/v2/orders?limit=500'))
    expect(capped).toHaveLength(5)
    expect((await api(standin, '/v2/orders?limit=abc')).status).toBe(400)
    const lines = standin.store.createOrder({ email: 'l@b.com', lines: [{ productId: 1 }, { productId: 3 }, { productId: 2 }] }).value
    expect(await json(await api(standin, `/v2/orders/${lines.id}/products?limit=2&page=2`))).toHaveLength(1)
    expect((await api(standin, `/v2/orders/${lines.id}/products?limit=2&page=3`)).status).toBe(204)
  })

  it('filters by modification date in RFC-2822 or ISO-8601, URL-encoded, and sorts', async () => {
    const standin = createBigCommerceStandin({ clock: fixedClock().clock })
    const early = standin.store.createOrder({ email: 'x@b.com', at: NOW - 86_400_000 }).value
    const late = standin.store.createOrder({ email: 'y@b.com', at: NOW }).value
    standin.store.setOrderStatus(early.id, 2, NOW + 60_000)
    const rfc = encodeURIComponent('Thu, 15 Jan 2026 12:00:00 +0000')
    const byRfc = await json(await api(standin, `/v2/orders?min_date_modified=${rfc}&sort=date_modified:desc`))
    expect(byRfc.map((o: { id: number }) => o.id)).toEqual([early.id, late.id])
    const iso = encodeURIComponent('2026-01-15T12:00:30+00:00')
    const byIso = await json(await api(standin, `/v2/orders?min_date_modified=${iso}`))
    expect(byIso.map((o: { id: number }) => o.id)).toEqual([early.id])
    const byEmail = await json(await api(standin, '/v2/orders?email=Y%40B.com'))
    expect(byEmail.map((o: { id: number }) => o.id)).toEqual([late.id])
    const bad = await api(standin, '/v2/orders?min_date_modified=yesterday-ish')
    expect(bad.status).toBe(400)
    expect((await json(bad))[0].status).toBe(400)
    expect((await api(standin, '/v2/orders?sort=total:asc')).status).toBe(400)
  })

  it('keeps money consistent for coupons, discounts and multi-currency orders', async () => {
    const standin = createBigCommerceStandin({ clock: fixedClock().clock })
    const order = standin.store.createOrder({
      email: 'eu@b.com', currency: 'EUR', taxRate: 0.19, shippingCost: 4.5, discount: 3,
      coupons: [{ code: 'WELCOME10', type: 1, amount: 10 }],
      lines: [{ productId: 1, quantity: 1 }, { productId: 2, variantId: 4, quantity: 3 }],
    }).value
    expect(order.currency_code).toBe('EUR')
    expect(order.default_currency_code).toBe('EUR')
    expect(order.store_default_currency_code).toBe('USD')
    expect(order.store_default_to_transactional_exchange_rate).toBe('0.9200000000')
    expectConsistent(standin, order.id)
    const coupons = await json(await api(standin, `/v2/orders/${order.id}/coupons`))
    expect(coupons).toEqual([expect.objectContaining({ code: 'WELCOME10', type: 1, amount: 10, order_id: order.id })])
    expect(cents(order.coupon_discount)).toBe(Math.round(coupons[0].discount * 100))
  })

  it("keeps each order's amounts in its currency's minor units: fils for KWD, whole yen for JPY", async () => {
    const standin = createBigCommerceStandin({ clock: fixedClock().clock })
    const inFils = (value: string) => units(value) % 10 === 0
    const kwd = standin.store.createOrder({
      email: 'kw@b.com', currency: 'KWD', taxRate: 0.08, shippingCost: 1.5, coupons: [{ code: 'WELCOME10', type: 1, amount: 10 }],
      lines: [{ productId: 1, price: 12.345, quantity: 1 }, { productId: 2, variantId: 4, price: 3.217, quantity: 3 }],
    }).value
    expect(kwd.default_currency_code).toBe('KWD')
    expect(kwd.subtotal_ex_tax).toBe('21.9960')
    for (const field of ['subtotal_ex_tax', 'total_tax', 'coupon_discount', 'total_inc_tax'] as const) expect(inFils(kwd[field]), field).toBe(true)
    expectConsistent(standin, kwd.id)
    const refund = standin.store.addRefund(kwd.id, { amount: 2.1213 }).value
    expect(refund.total_amount).toBe(2.121)

    const jpy = standin.store.createOrder({ email: 'jp@b.com', currency: 'JPY', taxRate: 0.1, shippingCost: 500, lines: [{ productId: 1, quantity: 1 }] }).value
    for (const field of ['subtotal_ex_tax', 'total_tax', 'total_inc_tax'] as const) expect(units(jpy[field]) % 10_000, field).toBe(0)
    expectConsistent(standin, jpy.id)
  })
})

describe('v3 resources', () => {
  it('records refunds, sets status 14 then 4, and serves them by order, id and filter', async () => {
    const time = fixedClock()
    const standin = createBigCommerceStandin({ clock: time.clock })
    const order = standin.store.createOrder({ email: 'r@b.com', lines: [{ productId: 1 }, { productId: 3, quantity: 2 }] }).value
    const line = standin.store.orderProducts.get(order.id)![1]!
    const partial = standin.store.addRefund(order.id, { items: [{ orderProductId: line.id, quantity: 1 }] })
    expect(partial.events[0]).toEqual({ scope: 'store/order/refund/created', data: { type: 'order', id: order.id, refund: { refund_id: partial.value.id } } })
    expect(standin.store.orders.get(order.id)!.status_id).toBe(14)
    time.advance(1000)
    const rest = standin.store.addRefund(order.id)
    expect(standin.store.orders.get(order.id)!.status_id).toBe(4)
    expect(Math.round((partial.value.total_amount + rest.value.total_amount) * 10_000)).toBe(units(order.total_inc_tax))

    const byOrder = await json(await api(standin, `/v3/orders/${order.id}/payment_actions/refunds`))
    expect(byOrder.data.map((r: { id: number }) => r.id)).toEqual([partial.value.id, rest.value.id])
    expect(byOrder.data[0].items).toEqual([{ item_type: 'PRODUCT', item_id: line.id, quantity: 1, requested_amount: null }])
    const one = await json(await api(standin, `/v3/orders/payment_actions/refunds/${rest.value.id}`))
    expect(one.data.created).toBe('2026-01-15T12:00:01+00:00')
    const filtered = await json(await api(standin,
      `/v3/orders/payment_actions/refunds?order_id:in=${order.id}&created:min=${encodeURIComponent('2026-01-15T12:00:01Z')}`))
    expect(filtered.data.map((r: { id: number }) => r.id)).toEqual([rest.value.id])
    expect(filtered.meta.pagination.total).toBe(1)
    expect((await api(standin, '/v3/orders/payment_actions/refunds/999')).status).toBe(404)
  })

  it('lists customers with id:in, includes addresses, paginates, and has no GET /customers/{id}', async () => {
    const standin = createBigCommerceStandin({ clock: fixedClock().clock })
    for (let i = 1; i <= 7; i++) standin.store.createCustomer({ email: `c${i}@b.com`, phone: i % 2 ? '+1 512 555 0100' : '' })
    const picked = await json(await api(standin, '/v3/customers?id:in=2,5&include=addresses'))
    expect(picked.data.map((c: { id: number }) => c.id)).toEqual([2, 5])
    expect(picked.data[0].addresses[0]).toMatchObject({ customer_id: 2, country_code: 'US' })
    expect(picked.data[0].date_created).toBe('2026-01-15T12:00:00Z')
    const page = await json(await api(standin, '/v3/customers?page=2&limit=3'))
    expect(page.meta.pagination).toMatchObject({ total: 7, count: 3, per_page: 3, current_page: 2, total_pages: 3 })
    expect(page.meta.pagination.links).toEqual({ previous: '?page=1&limit=3', current: '?page=2&limit=3', next: '?page=3&limit=3' })
    const byEmail = await json(await api(standin, '/v3/customers?email:in=C3%40b.com'))
    expect(byEmail.data.map((c: { id: number }) => c.id)).toEqual([3])
    const first = await json(await api(standin, '/v3/customers?limit=4&after=' + encodeURIComponent(btoa('id:0'))))
    expect(first.data.map((c: { id: number }) => c.id)).toEqual([1, 2, 3, 4])
    const next = await json(await api(standin, `/v3/customers${first.meta.cursor_pagination.links.next}`))
    expect(next.data.map((c: { id: number }) => c.id)).toEqual([5, 6, 7])
    expect(next.meta.cursor_pagination.links.next).toBeUndefined()
    expect((await api(standin, '/v3/customers/2')).status).toBe(404)
    const bad = await api(standin, '/v3/customers?id:in=abc')
    expect(bad.status).toBe(422)
    expect((await json(bad)).errors).toHaveProperty('id:in')
  })

  it('serves subscribers with their consents', async () => {
    const standin = createBigCommerceStandin({ clock: fixedClock().clock })
    const { value: subscriber, events } = standin.store.upsertSubscriber('s@b.com', ['marketing_newsletter'])
    expect(events).toEqual([{ scope: 'store/subscriber/created', data: { type: 'subscriber', id: subscriber.id } }])
    expect(standin.store.upsertSubscriber('s@b.com', []).events[0]!.scope).toBe('store/subscriber/updated')
    const list = await json(await api(standin, '/v3/customers/subscribers?email=s%40b.com'))
    expect(list.data).toEqual([expect.objectContaining({ id: subscriber.id, email: 's@b.com', consents: [] })])
    expect((await json(await api(standin, `/v3/customers/subscribers/${subscriber.id}`))).data.id).toBe(subscriber.id)
  })

  it('serves products with variants and options', async () => {
    const standin = createBigCommerceStandin({ clock: fixedClock().clock })
    const product = await json(await api(standin, '/v3/catalog/products/2?include=variants,options'))
    expect(product.data.name).toBe('Organic Cotton Tee')
    expect(product.data.variants.map((v: { sku: string }) => v.sku)).toEqual(['OCT-S', 'OCT-M', 'OCT-XL'])
    expect(product.data.variants[2].calculated_price).toBe(28)
    expect(product.data.options[0].display_name).toBe('Size')
    expect(product.data.date_created).toBe('2026-01-15T12:00:00+00:00')
    const list = await json(await api(standin, '/v3/catalog/products?id:in=1,3'))
    expect(list.data.map((p: { id: number }) => p.id)).toEqual([1, 3])
    expect(list.data[0]).not.toHaveProperty('variants')
    expect((await json(await api(standin, '/v3/catalog/variants?product_id:in=2'))).data).toHaveLength(3)
    expect((await json(await api(standin, '/v3/catalog/categories/1'))).data.name).toBe('Home & Garden')
    expect((await json(await api(standin, '/v3/catalog/brands/1'))).data.name).toBe('Common Good')
    expect((await api(standin, '/v3/catalog/products/999')).status).toBe(404)
  })

  it('serves carts with redirect URLs and options, and answers 404 once converted', async () => {
    const standin = createBigCommerceStandin({ clock: fixedClock().clock })
    const { value: cart, events } = standin.store.createCart({ lines: [{ productId: 2, variantId: 3, quantity: 2 }] })
    expect(events.map((e) => e.scope)).toEqual(['store/cart/created', 'store/cart/updated', 'store/cart/lineItem/created'])
    const checkout = standin.store.updateCart(cart.id, { email: 'shopper@b.com' })
    expect(checkout.events).toEqual([{ scope: 'store/cart/updated', data: { type: 'cart', id: cart.id } }])

    const body = await json(await api(standin, `/v3/carts/${cart.id}?include=redirect_urls,line_items.physical_items.options`))
    expect(body.data.email).toBe('shopper@b.com')
    expect(body.data.cart_amount).toBe(50)
    expect(body.data.redirect_urls.checkout_url).toContain(cart.id)
    expect(body.data.line_items.physical_items[0].options).toEqual([{ name: 'Size', nameId: expect.any(Number), value: 'M', valueId: expect.any(Number) }])

    const abandoned = standin.store.abandonCart(cart.id)
    expect(abandoned.events).toEqual([{ scope: 'store/cart/abandoned', data: { type: 'cart', id: cart.id, token: abandoned.value.token } }])
    expect((await json(await api(standin, `/v3/abandoned-carts/${abandoned.value.token}`))).data).toEqual({ cart_id: cart.id })

    const converted = standin.store.convertCart(cart.id)
    const orderId = converted.value.order.id
    expect(converted.events.slice(0, 2)).toEqual([
      { scope: 'store/cart/converted', data: { type: 'cart', id: cart.id, orderId } },
      { scope: 'store/order/created', data: { type: 'order', id: orderId } },
    ])
    expect((await api(standin, `/v3/carts/${cart.id}`)).status).toBe(404)

    // Removing the last item deletes a cart: the item's event, then the deletion's; the cart then answers 404.
    const other = standin.store.createCart({ lines: [{ productId: 1, quantity: 1 }] }).value
    const emptied = standin.store.updateCart(other.id, { lines: [] })
    expect(emptied.events).toEqual([
      { scope: 'store/cart/lineItem/deleted', data: { type: 'cart_line_item', id: other.physical_items[0]!.id, cartId: other.id } },
      { scope: 'store/cart/deleted', data: { type: 'cart', id: other.id } },
      { scope: 'store/cart/updated', data: { type: 'cart', id: other.id } },
    ])
    expect((await api(standin, `/v3/carts/${other.id}`)).status).toBe(404)
    const byCart = await json(await api(standin, `/v2/orders?cart_id=${cart.id}`))
    expect(byCart.map((o: { id: number; billing_address: { email: string } }) => [o.id, o.billing_address.email]))
      .toEqual([[orderId, 'shopper@b.com']])
  })

  it('serves channels and the transactions consumers must not keep', async () => {
    const standin = createBigCommerceStandin({ clock: fixedClock().clock })
    const channels = await json(await api(standin, '/v3/channels'))
    expect(channels.data[0]).toMatchObject({ id: 1, type: 'storefront', platform: 'bigcommerce' })
    expect((await json(await api(standin, '/v3/channels/1'))).data.currencies.default_currency).toBe('USD')
    const order = standin.store.createOrder({ email: 't@b.com' }).value
    const transactions = await json(await api(standin, `/v3/orders/${order.id}/transactions`))
    expect(transactions.data[0]).toMatchObject({ order_id: String(order.id), event: 'purchase', gateway: 'stripe' })
    const pending = standin.store.createOrder({ email: 't@b.com', statusId: 1 }).value
    expect((await api(standin, `/v3/orders/${pending.id}/transactions`)).status).toBe(204)
  })

  it('manages hooks and reports their status and blocked domains', async () => {
    const standin = createBigCommerceStandin({ clock: fixedClock().clock })
    const post = (body: unknown) => api(standin, '/v3/hooks', { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } })
    const created = await post({ scope: 'store/order/*', destination: 'https://worker.example.com/webhooks/bigcommerce', is_active: true, headers: { 'X-Webhook-Secret': 's3' } })
    expect(created.status).toBe(200)
    const hook = (await json(created)).data
    expect(hook).toMatchObject({ scope: 'store/order/*', is_active: true, store_hash: 'teststore', headers: { 'X-Webhook-Secret': 's3' } })
    expect((await post({ scope: 'store/order/*', destination: 'https://worker.example.com/webhooks/bigcommerce' })).status).toBe(422)
    const missing = await post({ scope: 'store/cart/*' })
    expect(missing.status).toBe(422)
    expect((await json(missing)).errors).toEqual({ destination: 'error.path.missing' })

    standin.store.deactivateHook(hook.id)
    standin.store.blockDomain('https://worker.example.com', 180_000)
    const admin = await json(await api(standin, '/v3/hooks/admin'))
    expect(admin.data.hooks_list).toEqual([expect.objectContaining({ id: hook.id, status: 'deactivated', is_active: false })])
    expect(admin.data.blocked_domains).toEqual([expect.objectContaining({ destination: 'https://worker.example.com', time_left: 180 })])

    const put = await api(standin, `/v3/hooks/${hook.id}`, { method: 'PUT', body: JSON.stringify({ is_active: true }) })
    expect((await json(put)).data.is_active).toBe(true)
    expect((await json(await api(standin, '/v3/hooks'))).data).toHaveLength(1)
    expect((await api(standin, `/v3/hooks/${hook.id}`, { method: 'DELETE' })).status).toBe(200)
    expect((await api(standin, `/v3/hooks/${hook.id}`)).status).toBe(404)
  })
})

describe('fault injection and request log', () => {
  it('returns injected responses the given number of times, then serves normally', async () => {
    const standin = createBigCommerceStandin({ clock: fixedClock().clock })
    const order = standin.store.createOrder({ email: 'f@b.com' }).value
    standin.faults.fail({ method: 'GET', path: `/v2/orders/${order.id}` }, { status: 500, body: { error: 'boom' } }, 2)
    standin.faults.fail({ path: /\/v3\/customers$/ }, { status: 429 })
    expect((await api(standin, `/v2/orders/${order.id}`)).status).toBe(500)
    expect((await api(standin, `/v2/orders/${order.id}`)).status).toBe(500)
    expect((await api(standin, `/v2/orders/${order.id}`)).status).toBe(200)
    const throttled = await api(standin, '/v3/customers')
    expect(throttled.status).toBe(429)
    expect(throttled.headers.get('X-Rate-Limit-Time-Reset-Ms')).toBeNull()
    expect((await api(standin, '/v3/customers')).status).toBe(200)
    expect(standin.requests.map((r) => r.status)).toEqual([500, 500, 200, 429, 200])
    expect(standin.requests[0]).toMatchObject({ method: 'GET', path: `/stores/teststore/v2/orders/${order.id}`, at: NOW })
  })

  it('simulates a timeout with a delay the client aborts', async () => {
    const standin = createBigCommerceStandin()
    standin.faults.fail({ path: '/v2/order_statuses' }, { status: 504, delayMs: 60_000 })
    const request = new Request('http://bigcommerce.standin/stores/teststore/v2/order_statuses', {
      headers: { 'X-Auth-Token': TOKEN }, signal: AbortSignal.timeout(50),
    })
    await expect(standin.fetch(request)).rejects.toThrow()
    standin.faults.clear()
    expect((await api(standin, '/v2/order_statuses')).status).toBe(200)
  })
})

describe('webhooks', () => {
  it('builds the envelope with a SHA-1 hash of the JSON data', async () => {
    const event = { scope: 'store/order/created', data: { type: 'order', id: 250 } }
    const envelope = await buildEnvelope(event, { storeHash: 'teststore', createdAt: 1561479335 })
    const digest = await crypto.subtle.digest('SHA-1', new TextEncoder().encode(JSON.stringify(event.data)))
    const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
    expect(envelope).toEqual({
      scope: 'store/order/created', store_id: '1025646', data: event.data, hash: hex, created_at: 1561479335,
      producer: 'stores/teststore',
    })
    expect(envelope.hash).toMatch(/^[0-9a-f]{40}$/)
    expect((await buildEnvelope(event, { storeHash: 'teststore', createdAt: 1561479335123 })).created_at).toBe(1561479335)
  })

  it('signs deliveries the Standard Webhooks way, keyed by the raw client secret', async () => {
    const secret = 'test-client-secret'
    let received: { body: string; headers: Headers } | undefined
    const target = async (request: Request) => {
      received = { body: await request.text(), headers: request.headers }
      return new Response(null, { status: 200 })
    }
    const res = await deliver(target, 'https://worker.example.com/webhooks/bigcommerce',
      { scope: 'store/cart/abandoned', data: { type: 'cart', id: 'c1', token: 't1' } },
      { storeHash: 'teststore', clientSecret: secret, webhookSecret: 'shared', webhookId: 'msg_1', timestamp: 1700000000 })
    expect(res.status).toBe(200)
    const headers = received!.headers
    expect(headers.get('webhook-id')).toBe('msg_1')
    expect(headers.get('webhook-timestamp')).toBe('1700000000')
    expect(headers.get('x-webhook-secret')).toBe('shared')
    expect(JSON.parse(received!.body)).toMatchObject({ scope: 'store/cart/abandoned', producer: 'stores/teststore' })

    const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
    const mac = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`msg_1.1700000000.${received!.body}`))
    expect(headers.get('webhook-signature')).toBe(`v1,${btoa(String.fromCharCode(...new Uint8Array(mac)))}`)

    // BigCommerce's sample: new Webhook(base64(CLIENT_SECRET)).verify(rawBody, headers)
    const verifier = new Webhook(btoa(secret))
    const nowSeconds = Math.floor(Date.now() / 1000)
    const fresh = await signDelivery(received!.body, { clientSecret: secret, webhookId: 'msg_2', timestamp: nowSeconds })
    expect(() => verifier.verify(received!.body, fresh)).not.toThrow()
    expect(() => verifier.verify(`${received!.body} `, fresh)).toThrow()
  })

  it('dispatches events to matching active hooks with their custom headers', async () => {
    const standin = createBigCommerceStandin()
    standin.store.createHook({ scope: 'store/order/*', destination: 'https://w.example.com/hook', headers: { 'X-Webhook-Secret': 'abc' } })
    standin.store.createHook({ scope: 'store/cart/*', destination: 'https://w.example.com/hook' })
    const seen: { scope: string; secret: string | null }[] = []
    const target = async (request: Request) => {
      const body = await request.json() as { scope: string }
      seen.push({ scope: body.scope, secret: request.headers.get('x-webhook-secret') })
      return new Response(null, { status: 200 })
    }
    const order = standin.store.createOrder({ email: 'd@b.com' })
    const refund = standin.store.addRefund(order.value.id, { amount: 1 })
    const results = await standin.dispatch([...order.events, ...refund.events], { target, clientSecret: 'x' })
    expect(seen).toEqual([
      { scope: 'store/order/created', secret: 'abc' },
      { scope: 'store/order/refund/created', secret: 'abc' },
      { scope: 'store/order/statusUpdated', secret: 'abc' },
      { scope: 'store/order/updated', secret: 'abc' },
    ])
    expect(results.every((r) => r.status === 200)).toBe(true)
  })
})

describe('seed', () => {
  it('is deterministic for a seed and a time', async () => {
    const build = () => {
      const standin = createBigCommerceStandin({ clock: () => NOW })
      seedStore(standin.store, { customers: 40, orders: 300, seed: 9, now: NOW })
      return standin
    }
    const [a, b] = [build(), build()]
    const page = async (s: BigCommerceStandin) => (await api(s, '/v2/orders?limit=250&sort=id')).text()
    expect(await page(a)).toBe(await page(b))
    expect(JSON.stringify([...a.store.customers.values()])).toBe(JSON.stringify([...b.store.customers.values()]))
    const other = createBigCommerceStandin({ clock: () => NOW })
    seedStore(other.store, { customers: 40, orders: 300, seed: 10, now: NOW })
    expect(await page(other)).not.toBe(await page(a))
  })

  it('builds a consistent store with the whole spectrum of history', () => {
    const standin = createBigCommerceStandin({ clock: () => NOW })
    const summary = seedStore(standin.store, { customers: 120, orders: 1500, seed: 3, now: NOW })
    const store = standin.store
    const orders = [...store.orders.values()]
    expect(orders).toHaveLength(1500)
    expect(summary.customers).toBe(120)
    for (const order of orders) {
      expectConsistent(standin, order.id)
      expect(order.createdAt).toBeLessThanOrEqual(NOW)
      expect(order.modifiedAt).toBeGreaterThanOrEqual(order.createdAt)
      const refunded = store.refundedUnits(order.id)
      if (order.status_id === 4) expect(refunded).toBe(units(order.total_inc_tax))
      if (order.status_id === 14) expect(refunded).toBeGreaterThan(0)
      if (order.status_id === 14) expect(refunded).toBeLessThan(units(order.total_inc_tax))
      if (order.status_id === 2) expect(store.shipments.get(order.id)?.length).toBeGreaterThan(0)
      if (order.customer_id) expect(store.customers.get(order.customer_id)!.createdAt).toBeLessThanOrEqual(order.createdAt)
    }
    const statuses = new Set(orders.map((o) => o.status_id))
    for (const id of [0, 1, 2, 4, 5, 7, 10, 11, 14]) expect(statuses).toContain(id)
    expect(orders.some((o) => o.customer_id === 0 && !o.billing_address.email.includes('amazon'))).toBe(true)
    expect(orders.some((o) => o.default_currency_code === 'EUR')).toBe(true)
    expect(orders.some((o) => o.coupon_discount !== '0.0000')).toBe(true)
    expect(new Set(orders.map((o) => o.channel_id))).toEqual(new Set([1, summary.channels.marketplace, summary.channels.pos]))
    const span = Math.max(...orders.map((o) => o.createdAt)) - Math.min(...orders.map((o) => o.createdAt))
    expect(span).toBeGreaterThan(600 * 86_400_000)
    const buyers = new Map<number, number>()
    for (const o of orders) if (o.customer_id) buyers.set(o.customer_id, (buyers.get(o.customer_id) ?? 0) + 1)
    expect([...buyers.values()].some((n) => n >= 5)).toBe(true)
    const customers = [...store.customers.values()]
    expect(customers.some((c) => c.phone)).toBe(true)
    expect(customers.some((c) => !c.phone)).toBe(true)
    expect(customers.some((c) => c.accepts_product_review_abandoned_cart_emails)).toBe(true)
    const consents = [...store.subscribers.values()].map((s) => s.consents.join(','))
    for (const c of ['marketing_newsletter', 'abandoned_cart', '']) expect(consents.some((x) => x.split(',').includes(c) || x === c)).toBe(true)
    expect(store.carts.size).toBeGreaterThanOrEqual(3)
    expect([...store.channels.values()].map((c) => c.type).sort()).toEqual(['marketplace', 'pos', 'storefront'])
  })
})

/** Cents of a 4-dp string, as an integer. */
function cents(value: string): number {
  return Math.round(Number(value) * 100)
}

function units(value: string): number {
  return Math.round(Number(value) * 10_000)
}

/** The identities BigCommerce's order money satisfies. */
function expectConsistent(standin: BigCommerceStandin, orderId: number): void {
  const o = standin.store.orders.get(orderId)!
  const products = standin.store.orderProducts.get(orderId)!
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0)
  expect(units(o.subtotal_inc_tax)).toBe(units(o.subtotal_ex_tax) + units(o.subtotal_tax))
  expect(units(o.shipping_cost_inc_tax)).toBe(units(o.shipping_cost_ex_tax) + units(o.shipping_cost_tax))
  expect(units(o.total_ex_tax)).toBe(units(o.subtotal_ex_tax) + units(o.shipping_cost_ex_tax) + units(o.handling_cost_ex_tax) +
    units(o.wrapping_cost_ex_tax) - units(o.discount_amount) - units(o.coupon_discount))
  expect(units(o.total_tax)).toBe(units(o.subtotal_tax) + units(o.shipping_cost_tax) + units(o.handling_cost_tax) + units(o.wrapping_cost_tax))
  expect(units(o.total_inc_tax)).toBe(units(o.total_ex_tax) + units(o.total_tax))
  expect(units(o.subtotal_ex_tax)).toBe(sum(products.map((p) => units(p.total_ex_tax))))
  expect(units(o.subtotal_tax)).toBe(sum(products.map((p) => units(p.total_tax))))
  expect(o.items_total).toBe(sum(products.map((p) => p.quantity)))
  const coupons = standin.store.orderCoupons.get(orderId)!
  expect(units(o.coupon_discount)).toBe(sum(coupons.map((c) => Math.round(c.discount * 10_000))))
  expect(standin.store.refundedUnits(orderId)).toBeLessThanOrEqual(units(o.total_inc_tax))
}
