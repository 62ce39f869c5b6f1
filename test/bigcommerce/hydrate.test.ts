import { env } from 'cloudflare:workers'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BigCommerceClient } from '../../src/bigcommerce/bigcommerce-client'
import {
  hydrateCart,
  hydrateCustomer,
  hydrateOrder,
  hydrateProductVariants,
  hydrateSubscriber,
  resolveAbandonedCartToken,
} from '../../src/bigcommerce/hydrate'
import { catalogReads } from '../../src/bigcommerce/catalog-reads'
import { createCatalogLookups } from '../../src/db/catalog'
import type { CatalogLookups } from '../../src/domain/catalog-lookups'
import { netRevenue } from '../../src/domain/order-status'
import { createBigCommerceStandin, type BigCommerceStandin } from '../../standins/bigcommerce'
import { clearHosts, serveHost } from '../support/network'
import { keysOf } from './fixtures'

const START = Date.parse('2026-03-02T12:00:00Z')
let clock: number
let standin: BigCommerceStandin
let waits: number[]
let client: BigCommerceClient
let lookups: CatalogLookups

beforeEach(async () => {
  clock = START
  waits = []
  standin = createBigCommerceStandin({ storeHash: 'teststore', accessToken: 'bc-test-token', clock: () => clock })
  serveHost('bigcommerce.standin', (request) => standin.fetch(request))
  client = new BigCommerceClient({
    apiBase: 'http://bigcommerce.standin',
    storeHash: 'teststore',
    accessToken: 'bc-test-token',
    // Waiting moves the stand-in's clock, so its rate window really resets.
    sleep: async (ms) => {
      waits.push(ms)
      clock += ms
    },
    now: () => clock,
    random: () => 0.5,
  })
  for (const table of ['catalog_categories', 'catalog_brands', 'catalog_products', 'catalog_channels']) {
    await env.DB.prepare(`DELETE FROM ${table}`).run()
  }
  lookups = createCatalogLookups(env.DB, catalogReads(client), () => new Date(clock))
})
afterEach(() => clearHosts())


describe('hydrateOrder against the stand-in', () => {
  it('assembles the order, its lines, coupons, shipments and v3 refunds', async () => {
    const { store } = standin
    const customer = store.createCustomer({ email: 'Jane.Doe@Example.com', firstName: 'Jane', lastName: 'Doe' }).value
    const tee = store.variantsOf(2).find((v) => v.option_values.some((o) => o.label === 'M'))!
    const placed = store.createOrder({
      customerId: customer.id,
      lines: [
        { productId: 2, variantId: tee.id, quantity: 2 },
        { productId: 1, quantity: 1 },
      ],
      coupons: [{ code: 'SPRING10', type: 2, amount: 10 }],
      isEmailOptIn: true,
      paymentMethod: 'Credit Card',
      at: START - 3600_000,
    }).value
    const [teeLine, terrariumLine] = store.orderProducts.get(placed.id)!
    store.addShipment(placed.id, [{ orderProductId: teeLine!.id, quantity: 1 }], { trackingNumber: '1Z999', at: START - 1800_000 })
    const refunded = store.addRefund(placed.id, { items: [{ orderProductId: terrariumLine!.id, quantity: 1 }], at: START - 600_000 }).value

    const order = await hydrateOrder(client, placed.id, lookups)
    expect(order).not.toBeNull()
    expect(order).toMatchObject({
      orderId: placed.id,
      customerId: customer.id,
      email: 'jane.doe@example.com',
      firstName: 'Jane',
      statusId: placed.status_id,
      createdAt: new Date(START - 3600_000).toISOString(),
      currency: 'USD',
      baseCurrency: 'USD',
      toBaseRate: '1',
      totalIncTax: String(Number(placed.total_inc_tax)),
      couponCodes: ['SPRING10'],
      channelId: 1,
      channel: 'storefront',
      orderSource: 'www',
      emailOptIn: true,
      fulfillment: 'partially_shipped',
      // The customer's saved address (the stand-in's default, in Austin) is the one checkout billed.
      billingAddress: { country: 'US', state: 'US-TX', city: 'Austin', zip: '78108' },
      adminUrl: `https://store-${standin.store.storeHash}.mybigcommerce.com/manage/orders/${placed.id}`,
    })
    expect(order!.lines.map((l) => [l.productId, l.variantId, l.quantity, l.category])).toEqual([
      [2, tee.id, 2, 'Apparel'],
      [1, store.variantsOf(1)[0]!.id, 1, 'Home & Garden'],
    ])
    expect(order!.lines.map((l) => l.quantityRefunded)).toEqual([0, 1])
    expect(order!.shipments).toEqual([
      {
        shipmentId: expect.any(Number),
        createdAt: new Date(START - 1800_000).toISOString(),
        trackingNumber: '1Z999',
        carrier: 'UPS',
        trackingUrl: 'https://www.ups.com/track?tracknum=1Z999',
      },
    ])
    expect(order!.refunds).toEqual([
      { refundId: refunded.id, createdAt: new Date(START - 600_000).toISOString(), amount: String(refunded.total_amount), lineItemIds: [terrariumLine!.id] },
    ])
    expect(Number(netRevenue(order!))).toBeCloseTo(Number(placed.total_inc_tax) - refunded.total_amount, 4)

    const keys = keysOf(order)
    for (const field of ['payment_method', 'payment_provider_id', 'credit_card_type', 'transactions', 'payments', 'payment_status']) {
      expect(keys).not.toContain(field)
    }
    expect(JSON.stringify(order)).not.toContain('Credit Card')
  })

  it('converts a multi-currency order to the base currency', async () => {
    const placed = standin.store.createOrder({ email: 'eu@example.com', currency: 'EUR', exchangeRate: 0.8 }).value
    const order = await hydrateOrder(client, placed.id, lookups)
    expect(order).toMatchObject({ currency: 'EUR', baseCurrency: 'USD', toBaseRate: '1.25', customerId: 0, email: 'eu@example.com' })
  })

  it('returns status 0 orders as they are, and null for an order that does not exist', async () => {
    const incomplete = standin.store.createOrder({ email: 'x@example.com', statusId: 0 }).value
    expect((await hydrateOrder(client, incomplete.id, lookups))?.statusId).toBe(0)
    expect(await hydrateOrder(client, 99999, lookups)).toBeNull()
  })

  it('classifies the channel from the channel record and order_source', async () => {
    const pos = standin.store.createChannel({ name: 'Shop counter', type: 'pos', platform: 'square' }).value
    const placed = standin.store.createOrder({ email: 'pos@example.com', channelId: pos.id, orderSource: 'external' }).value
    expect((await hydrateOrder(client, placed.id, lookups))?.channel).toBe('pos')
    const manual = standin.store.createOrder({ email: 'phone@example.com', orderSource: 'manual' }).value
    expect((await hydrateOrder(client, manual.id, lookups))?.channel).toBe('manual')
  })

  it('retries a failing endpoint and still hydrates', async () => {
    const placed = standin.store.createOrder({ email: 'retry@example.com' }).value
    standin.faults.fail({ path: new RegExp(`/v2/orders/${placed.id}$`) }, { status: 503 }, 2)
    const order = await hydrateOrder(client, placed.id, lookups)
    expect(order?.lines).toHaveLength(1)
    expect(waits).toEqual([188, 375])
  })

  it('pauses at the reserve instead of running into the rate limit', async () => {
    // Shipped, with a coupon and two products: the order, its shipments, coupons, refunds, channel, categories.
    const placed = standin.store.createOrder({
      email: 'busy@example.com',
      lines: [{ productId: 1 }, { productId: 2 }],
      coupons: [{ code: 'BUSY5', type: 2, amount: 5 }],
    }).value
    standin.store.addShipment(placed.id)
    standin.setRateLimit(6, 5_000)
    const order = await hydrateOrder(client, placed.id, lookups)
    expect(order?.orderId).toBe(placed.id)
    expect(standin.requests.filter((r) => r.status === 429)).toHaveLength(0)
    expect(waits.length).toBeGreaterThan(0)
    expect(waits.every((ms) => ms > 0 && ms <= 5_000)).toBe(true)
  })

  it('gives up with a retryable error rather than wait out a long rate window', async () => {
    const placed = standin.store.createOrder({ email: 'busy@example.com' }).value
    standin.setRateLimit(3, 30_000)
    await expect(hydrateOrder(client, placed.id, lookups)).rejects.toMatchObject({ retryable: true, status: 429 })
    expect(waits.every((ms) => ms <= 20_000)).toBe(true)
  })

  it('reuses cached catalog facts for the next order', async () => {
    const first = standin.store.createOrder({ email: 'a@example.com', lines: [{ productId: 1 }] }).value
    const second = standin.store.createOrder({ email: 'b@example.com', lines: [{ productId: 1 }] }).value
    await hydrateOrder(client, first.id, lookups)
    const before = standin.requests.length
    await hydrateOrder(client, second.id, createCatalogLookups(env.DB, catalogReads(client), () => new Date(clock)))
    const paths = standin.requests.slice(before).map((r) => r.path)
    expect(paths.some((p) => p.includes('/catalog/') || p.includes('/channels'))).toBe(false)
  })
})

describe('hydrating carts, customers, subscribers and products', () => {
  it('hydrates a cart with its categories; null once gone', async () => {
    const cart = standin.store.createCart({ email: 'Shopper@Example.com', lines: [{ productId: 2, quantity: 3 }] }).value
    const hydrated = await hydrateCart(client, cart.id, lookups)
    expect(hydrated).toMatchObject({
      cartId: cart.id,
      customerId: 0,
      email: 'shopper@example.com',
      currency: 'USD',
      // The worker's own link is added by the pipeline; BigCommerce's single-use ones are never stored.
      recoveryUrl: null,
    })
    expect(hydrated!.lines).toEqual([
      expect.objectContaining({ productId: 2, quantity: 3, category: 'Apparel' }),
    ])
    expect(hydrated!.amount).toBe(String(Number(cart.cart_amount)))

    standin.store.convertCart(cart.id)
    expect(await hydrateCart(client, cart.id, lookups)).toBeNull()
  })

  it('neither reads nor creates a single-use redirect URL (the recovery link asks for one per visit)', async () => {
    const cart = standin.store.createCart({ email: 'a@example.com', lines: [{ productId: 1 }] }).value
    const before = standin.requests.length
    expect(await hydrateCart(client, cart.id)).toMatchObject({ cartId: cart.id, recoveryUrl: null })
    const calls = standin.requests.slice(before)
    expect(calls.map((r) => r.method)).toEqual(['GET'])
    expect(calls[0]!.query).not.toContain('redirect_urls')
    expect(standin.store.redirects.issuedFor(cart.id)).toBe(0)
  })

  it('resolves an abandoned-cart token to its cart', async () => {
    const cart = standin.store.createCart({ email: 'a@example.com', lines: [{ productId: 1 }] }).value
    const { token } = standin.store.abandonCart(cart.id).value
    expect(await resolveAbandonedCartToken(client, token)).toBe(cart.id)
    expect(await resolveAbandonedCartToken(client, 'f'.repeat(32))).toBeNull()
  })

  it('hydrates a customer through id:in, null when unknown', async () => {
    const created = standin.store.createCustomer({
      email: ' Pat@Example.com',
      firstName: 'Pat',
      lastName: 'Lee',
      phone: '(512) 867-5309',
      acceptsAbandonedCartEmails: true,
    }).value
    expect(await hydrateCustomer(client, created.id)).toEqual({
      customerId: created.id,
      email: 'pat@example.com',
      firstName: 'Pat',
      lastName: 'Lee',
      phone: '+15128675309',
      acceptsAbandonedCartEmails: true,
      address: { country: 'US', state: 'US-TX', city: 'Austin', zip: '78108' },
      originChannelId: 1,
      channelIds: [1],
      createdAt: new Date(START).toISOString(),
      modifiedAt: new Date(START).toISOString(),
    })
    expect(await hydrateCustomer(client, 4242)).toBeNull()
  })

  it('hydrates a subscriber by id and by email', async () => {
    const sub = standin.store.upsertSubscriber('news@example.com', ['marketing_newsletter', 'abandoned_cart']).value
    const expected = { subscriberId: sub.id, email: 'news@example.com', newsletter: true, abandonedCart: true }
    expect(await hydrateSubscriber(client, { id: sub.id })).toMatchObject(expected)
    expect(await hydrateSubscriber(client, { email: 'NEWS@example.com ' })).toMatchObject(expected)
    standin.store.upsertSubscriber('news@example.com', [])
    expect(await hydrateSubscriber(client, { email: 'news@example.com' })).toMatchObject({ newsletter: false, abandonedCart: false })
    expect(await hydrateSubscriber(client, { email: 'nobody@example.com' })).toBeNull()
    expect(await hydrateSubscriber(client, { id: 9999 })).toBeNull()
  })

  it('hydrates every variant of a product, named with its options', async () => {
    const variants = await hydrateProductVariants(client, 2, lookups)
    expect(variants?.map((v) => v.name)).toEqual([
      'Organic Cotton Tee (Size: S)',
      'Organic Cotton Tee (Size: M)',
      'Organic Cotton Tee (Size: XL)',
    ])
    expect(variants?.every((v) => v.productId === 2 && v.category === 'Apparel' && v.brand === 'Common Good')).toBe(true)
    expect(variants?.map((v) => v.price)).toEqual(['25', '25', '28'])
    const mug = await hydrateProductVariants(client, 3, lookups)
    expect(mug).toEqual([expect.objectContaining({ name: 'Ceramic Mug', sku: 'MUG', brand: null, category: 'Home & Garden' })])
    standin.store.deleteProduct(3)
    expect(await hydrateProductVariants(client, 3, lookups)).toBeNull()
  })
})
