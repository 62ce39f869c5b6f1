import { env } from 'cloudflare:workers'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BigCommerceClient } from '../../src/bigcommerce/bigcommerce-client'
import { hydrateOrder } from '../../src/bigcommerce/hydrate'
import { normalizeOrder } from '../../src/bigcommerce/normalize/normalize-order'
import { v2Coupon, v2Order, v2OrderProduct, v2Shipment, v3Refund } from '../../src/bigcommerce/resources'
import { catalogReads } from '../../src/bigcommerce/catalog-reads'
import { createCatalogLookups } from '../../src/db/catalog'
import type { CatalogLookups } from '../../src/domain/catalog-lookups'
import type { Order } from '../../src/domain/model'
import { isSynced } from '../../src/domain/order-status'
import { orderStatusUrl } from '../../src/domain/multi-storefront'
import { orderRecords } from '../../src/hubspot/mapping/order-records'
import { createBigCommerceStandin, seedStore, type BigCommerceStandin } from '../../standins/bigcommerce'
import { clearHosts, serveHost } from '../support/network'

const NOW = Date.parse('2026-03-02T12:00:00Z')
let standin: BigCommerceStandin
let client: BigCommerceClient
let lookups: CatalogLookups

beforeEach(async () => {
  standin = createBigCommerceStandin({ storeHash: 'teststore', accessToken: 'bc-test-token', clock: () => NOW })
  standin.setRateLimit(1_000_000, 30_000)
  serveHost('bigcommerce.standin', (request) => standin.fetch(request))
  client = new BigCommerceClient({ apiBase: 'http://bigcommerce.standin', storeHash: 'teststore', accessToken: 'bc-test-token' })
  for (const table of ['catalog_categories', 'catalog_brands', 'catalog_products', 'catalog_channels']) {
    await env.DB.prepare(`DELETE FROM ${table}`).run()
  }
  lookups = createCatalogLookups(env.DB, catalogReads(client), () => new Date(NOW))
})
afterEach(() => clearHosts())

/**
 * An order read the way hydration read it before line items came with the order: the bare order, then
 * `/products`, `/shipments` and the v3 refunds whatever the order says, and `/coupons` (as both ways do, only
 * for an order with a coupon discount: a coupon that discounted nothing is not read).
 */
async function readTheOldWay(orderId: number): Promise<Order> {
  const order = v2Order.parse(await client.v2(`/orders/${orderId}`))
  const [products, shipments, coupons, refunds] = await Promise.all([
    client.all('v2', `/orders/${orderId}/products`),
    client.all('v2', `/orders/${orderId}/shipments`),
    Number(order.coupon_discount) !== 0 ? client.all('v2', `/orders/${orderId}/coupons`) : [],
    client.all('v3', `/orders/${orderId}/payment_actions/refunds`),
  ])
  const lines = products.map((p) => v2OrderProduct.parse(p))
  const productIds = [...new Set(lines.flatMap((l) => (l.product_id === null ? [] : [l.product_id])))]
  const channel = await lookups.channel(order.channel_id ?? 1)
  return normalizeOrder({
    order,
    products: lines,
    shipments: shipments.map((s) => v2Shipment.parse(s)),
    coupons: coupons.map((c) => v2Coupon.parse(c)),
    refunds: refunds.map((r) => v3Refund.parse(r)),
    categories: new Map(await Promise.all(productIds.map(async (id) => [id, await lookups.productCategory(id)] as const))),
    channel,
    statusUrl: orderStatusUrl(channel, await lookups.storefrontUrl(order.channel_id ?? 1), {
      orderId: order.id,
      customerId: order.customer_id,
    }),
    storeHash: client.storeHash,
  })
}

/** Requests to one order's endpoints since `from`, by sub-resource (`order` for the order itself). */
function callsFor(orderId: number, from: number): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const r of standin.requests.slice(from)) {
    const match = new RegExp(`/v[23]/orders/${orderId}(?:/(products|shipments|coupons|payment_actions/refunds))?$`).exec(r.path)
    if (!match) continue
    const what = match[1] ?? 'order'
    counts[what] = (counts[what] ?? 0) + 1
  }
  return counts
}

describe('orders read with their line items', () => {
  it('map to exactly the HubSpot records of the same orders read the old way, across a seeded history', async () => {
    seedStore(standin.store, { customers: 12, orders: 60, seed: 5, now: NOW })
    const orders = [...standin.store.orders.values()].filter((o) => isSynced(o.status_id))
    // The history holds what could differ: shipped, refunded, coupon, multi-currency orders.
    expect(orders.some((o) => o.items_shipped > 0)).toBe(true)
    expect(orders.some((o) => Number(o.coupon_discount) > 0)).toBe(true)
    expect(orders.some((o) => (standin.store.orderRefunds.get(o.id) ?? []).length > 0)).toBe(true)
    expect(orders.some((o) => o.default_currency_code !== 'USD')).toBe(true)
    for (const placed of orders) {
      const before = standin.requests.length
      const hydrated = await hydrateOrder(client, placed.id, lookups)
      expect(callsFor(placed.id, before).products ?? 0, `order ${placed.id} read its lines from /products`).toBe(0)
      expect(orderRecords(hydrated!)).toEqual(orderRecords(await readTheOldWay(placed.id)))
    }
  })

  it('costs the order and its refunds for an unshipped order without coupon; shipments and coupons only when it has them', async () => {
    const { store } = standin
    const plain = store.createOrder({ email: 'plain@example.com', lines: [{ productId: 1 }, { productId: 2, quantity: 2 }] }).value
    const shippedWithCoupon = store.createOrder({ email: 'c@example.com', coupons: [{ code: 'TEN', type: 2, amount: 10 }] }).value
    store.addShipment(shippedWithCoupon.id)
    await hydrateOrder(client, plain.id, lookups) // primes the channel and catalog cache

    let before = standin.requests.length
    expect((await hydrateOrder(client, plain.id, lookups))?.lines).toHaveLength(2)
    expect(callsFor(plain.id, before)).toEqual({ order: 1, 'payment_actions/refunds': 1 })
    expect(standin.requests.length - before).toBe(2)
    const orderCall = standin.requests.slice(before).find((r) => r.path.endsWith(`/v2/orders/${plain.id}`))!
    expect(new URLSearchParams(orderCall.query)).toEqual(new URLSearchParams('include=consignments.line_items&consignment_structure=object'))

    before = standin.requests.length
    const order = await hydrateOrder(client, shippedWithCoupon.id, lookups)
    expect(order).toMatchObject({ couponCodes: ['TEN'], fulfillment: 'shipped', shipments: [expect.objectContaining({ trackingNumber: expect.any(String) })] })
    expect(callsFor(shippedWithCoupon.id, before)).toEqual({ order: 1, shipments: 1, coupons: 1, 'payment_actions/refunds': 1 })
  })

  it('falls back to /products when the response lacks consignments, with the same result', async () => {
    const placed = standin.store.createOrder({ email: 'fallback@example.com', lines: [{ productId: 1 }, { productId: 3, quantity: 3 }] }).value
    const included = await hydrateOrder(client, placed.id, lookups)

    for (const strip of [
      (body: Record<string, unknown>) => void delete body.consignments, // no consignments at all
      (body: Record<string, unknown>) => void (body.consignments = [body.consignments]), // the legacy array
      (body: Record<string, unknown>) => void (body.consignments = { url: 'x', resource: `/orders/${placed.id}/consignments` }),
    ]) {
      serveHost('bigcommerce.standin', async (request) => {
        const response = await standin.fetch(request)
        if (!new URL(request.url).pathname.endsWith(`/v2/orders/${placed.id}`)) return response
        const body = (await response.json()) as Record<string, unknown>
        strip(body)
        return Response.json(body, { headers: response.headers })
      })
      const before = standin.requests.length
      const order = await hydrateOrder(client, placed.id, lookups)
      expect(callsFor(placed.id, before).products).toBe(1)
      expect(order).toEqual(included)
    }
  })

  it('falls back to /products when the consignments hold fewer units than the order', async () => {
    const placed = standin.store.createOrder({ email: 'partial@example.com', lines: [{ productId: 1 }, { productId: 3, quantity: 3 }] }).value
    const included = await hydrateOrder(client, placed.id, lookups)
    serveHost('bigcommerce.standin', async (request) => {
      const response = await standin.fetch(request)
      if (!new URL(request.url).pathname.endsWith(`/v2/orders/${placed.id}`)) return response
      const body = (await response.json()) as { consignments: { shipping: { line_items: unknown[] }[] } }
      body.consignments.shipping[0]!.line_items.pop()
      return Response.json(body)
    })
    const before = standin.requests.length
    expect(await hydrateOrder(client, placed.id, lookups)).toEqual(included)
    expect(callsFor(placed.id, before).products).toBe(1)
  })

  it('refuses an included line item that breaks its schema, like one from /products', async () => {
    const placed = standin.store.createOrder({ email: 'broken@example.com' }).value
    serveHost('bigcommerce.standin', async (request) => {
      const response = await standin.fetch(request)
      if (!new URL(request.url).pathname.endsWith(`/v2/orders/${placed.id}`)) return response
      const body = (await response.json()) as { consignments: { shipping: { line_items: Record<string, unknown>[] }[] } }
      body.consignments.shipping[0]!.line_items[0]!.price_ex_tax = 'lots'
      return Response.json(body)
    })
    await expect(hydrateOrder(client, placed.id, lookups)).rejects.toMatchObject({ name: 'InvalidPayloadError', retryable: false })
  })
})
