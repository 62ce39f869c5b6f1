import { describe, expect, it } from 'vitest'
import { createBigCommerceStandin, type BigCommerceStandin } from '../../standins/bigcommerce'

const TOKEN = 'bc-test-token'
const NOW = Date.UTC(2026, 0, 15, 12, 0, 0)
const INCLUDED = 'include=consignments.line_items&consignment_structure=object'

function api(standin: BigCommerceStandin, path: string): Promise<Response> {
  return standin.fetch(new Request(`http://bigcommerce.standin/stores/teststore${path}`, { headers: { 'X-Auth-Token': TOKEN } }))
}

async function json<T = any>(response: Response): Promise<T> {
  expect(response.status).toBe(200)
  return response.json() as Promise<T>
}

/** An order with two physical lines (one shipped), a digital download and nothing else. */
function orderWithMixedLines(standin: BigCommerceStandin) {
  const { store } = standin
  const ebook = store.createProduct({ name: 'Terrarium Care eBook', price: 9, type: 'digital', sku: 'EBOOK' }).value.product
  const order = store.createOrder({
    email: 'mixed@example.com',
    lines: [{ productId: 1, quantity: 2 }, { productId: 3, quantity: 1 }, { productId: ebook.id, quantity: 1 }],
  }).value
  const [terrarium] = store.orderProducts.get(order.id)!
  store.addShipment(order.id, [{ orderProductId: terrarium!.id, quantity: 1 }])
  return { order, products: store.orderProducts.get(order.id)! }
}

describe('v2 orders with included consignments', () => {
  it('links consignments and fees by default, like every sub-resource', async () => {
    const standin = createBigCommerceStandin({ clock: () => NOW })
    const { order } = orderWithMixedLines(standin)
    const body = await json(await api(standin, `/v2/orders/${order.id}`))
    expect(body.consignments).toEqual({
      url: `https://api.bigcommerce.com/stores/teststore/v2/orders/${order.id}/consignments`,
      resource: `/orders/${order.id}/consignments`,
    })
    expect(body.fees).toEqual({ url: expect.stringContaining(`/orders/${order.id}/fees`), resource: `/orders/${order.id}/fees` })
  })

  it('embeds each line item, exactly as /products returns it, in the consignment that fulfils it', async () => {
    const standin = createBigCommerceStandin({ clock: () => NOW })
    const { order, products } = orderWithMixedLines(standin)
    const listed = await json<Record<string, unknown>[]>(await api(standin, `/v2/orders/${order.id}/products`))
    const byId = new Map(listed.map((p) => [p.id, p]))
    const body = await json(await api(standin, `/v2/orders/${order.id}?${INCLUDED}`))

    const { consignments } = body
    expect(Object.keys(consignments).sort()).toEqual(['downloads', 'email', 'pickups', 'shipping'])
    expect(consignments.pickups).toEqual([])
    expect(consignments.email).toEqual({ gift_certificates: [] })
    const physical = products.filter((p) => p.type === 'physical')
    const address = standin.store.orderShippingAddresses.get(order.id)![0]!
    expect(consignments.shipping).toEqual([
      expect.objectContaining({
        id: address.id,
        first_name: address.first_name,
        country_iso2: address.country_iso2,
        shipping_method: address.shipping_method,
        items_total: 3,
        items_shipped: 1,
        cost_inc_tax: Number(address.cost_inc_tax),
        line_items: physical.map((p) => byId.get(p.id)),
        shipping_quotes: { url: expect.any(String), resource: `/orders/${order.id}/consignments/shipping/${address.id}/shipping_quotes` },
      }),
    ])
    const digital = products.find((p) => p.type === 'digital')!
    expect(consignments.downloads).toEqual([{ recipient_email: 'mixed@example.com', line_items: [byId.get(digital.id)] }])
    // The order itself is unchanged apart from the included fields.
    const plain = await json(await api(standin, `/v2/orders/${order.id}`))
    expect({ ...body, consignments: null }).toEqual({ ...plain, consignments: null })
  })

  it('gives links for line items with include=consignments, and the legacy array without consignment_structure', async () => {
    const standin = createBigCommerceStandin({ clock: () => NOW })
    const { order } = orderWithMixedLines(standin)
    const links = await json(await api(standin, `/v2/orders/${order.id}?include=consignments&consignment_structure=object`))
    const first = links.consignments.shipping[0].line_items[0]
    expect(first).toEqual({ url: expect.any(String), resource: expect.stringMatching(new RegExp(`^/orders/${order.id}/products/\\d+$`)) })

    const legacy = await json(await api(standin, `/v2/orders/${order.id}?include=consignments.line_items`))
    expect(Array.isArray(legacy.consignments)).toBe(true)
    expect(legacy.consignments).toHaveLength(1)
    expect(legacy.consignments[0].shipping[0].line_items[0].id).toEqual(expect.any(Number))

    const fees = await json(await api(standin, `/v2/orders/${order.id}?include=fees`))
    expect(fees.fees).toEqual([])
  })

  it('includes consignments on every order of a list page', async () => {
    const standin = createBigCommerceStandin({ clock: () => NOW })
    orderWithMixedLines(standin)
    standin.store.createOrder({ email: 'second@example.com', lines: [{ productId: 2, quantity: 4 }] })
    const page = await json<any[]>(await api(standin, `/v2/orders?${INCLUDED}&limit=250`))
    expect(page).toHaveLength(2)
    for (const order of page) {
      const units = [...order.consignments.shipping, ...order.consignments.downloads]
        .flatMap((c: { line_items: { quantity: number }[] }) => c.line_items)
        .reduce((n: number, item: { quantity: number }) => n + item.quantity, 0)
      expect(units).toBe(order.items_total)
    }
  })

  it('serves /orders/{id}/consignments with and without line items', async () => {
    const standin = createBigCommerceStandin({ clock: () => NOW })
    const { order, products } = orderWithMixedLines(standin)
    const expanded = await json(await api(standin, `/v2/orders/${order.id}/consignments?include=consignments.line_items`))
    expect(expanded.shipping[0].line_items.map((p: { id: number }) => p.id)).toEqual(products.filter((p) => p.type === 'physical').map((p) => p.id))
    const linked = await json(await api(standin, `/v2/orders/${order.id}/consignments`))
    expect(linked.shipping[0].line_items[0]).toHaveProperty('resource')
    expect((await api(standin, '/v2/orders/99999/consignments')).status).toBe(404)
  })

  it('refuses include values and structures the API does not know, on the list and on one order', async () => {
    const standin = createBigCommerceStandin({ clock: () => NOW })
    const { order } = orderWithMixedLines(standin)
    for (const query of [
      'include=products',
      'include=consignments,line_items',
      'include=consignments.line_items&consignment_structure=array',
      'include=consignments&consignment_structure=',
    ]) {
      for (const path of [`/v2/orders?${query}`, `/v2/orders/${order.id}?${query}`]) {
        const res = await api(standin, path)
        expect(res.status, path).toBe(400)
        const [error] = (await res.json()) as { status: number; message: string }[]
        expect(error).toMatchObject({ status: 400, message: expect.stringMatching(/include|consignment_structure/) })
      }
    }
    expect((await api(standin, `/v2/orders/${order.id}/consignments?include=consignments`)).status).toBe(400)
  })
})
