/** v2 orders: `/orders`, `/orders/{id}` and its sub-resources, `/order_statuses`. Bare arrays, 204 when empty. */
import { Hono } from 'hono'
import {
  compareBy, noContent, pageAndLimit, QueryError, queryDate, queryInt, queryStringList, searchParams, slice, v2NotFound,
  within,
} from '../http'
import { orderConsignments, orderIncludedFields, orderIncludes } from '../consignments'
import { toUnits } from '../money'
import { v2Order, v2OrderProduct, v2Shipment } from '../serialize'
import type { BigCommerceStore } from '../store'
import type { Order } from '../types'

const SORTABLE = ['id', 'customer_id', 'date_created', 'date_modified', 'status_id', 'channel_id', 'external_id'] as const
type SortField = (typeof SORTABLE)[number]

const sortValue: Record<SortField, (o: Order) => number | string> = {
  id: (o) => o.id,
  customer_id: (o) => o.customer_id,
  date_created: (o) => o.createdAt,
  date_modified: (o) => o.modifiedAt,
  status_id: (o) => o.status_id,
  channel_id: (o) => o.channel_id,
  external_id: (o) => o.external_id ?? '',
}

function orderFilter(params: URLSearchParams): (order: Order) => boolean {
  const minId = queryInt(params, 'min_id')
  const maxId = queryInt(params, 'max_id')
  const minTotal = params.get('min_total')
  const maxTotal = params.get('max_total')
  for (const [name, value] of [['min_total', minTotal], ['max_total', maxTotal]] as const) {
    if (value !== null && Number.isNaN(Number(value))) throw new QueryError(name, `The field '${name}' must be a number.`)
  }
  const customerId = queryInt(params, 'customer_id')
  const statusId = queryInt(params, 'status_id')
  const channelId = queryInt(params, 'channel_id')
  const email = params.get('email')?.trim().toLowerCase()
  const cartId = params.get('cart_id')
  const externalOrderId = params.get('external_order_id')
  const paymentMethod = params.get('payment_method')
  const minCreated = queryDate(params, 'min_date_created')
  const maxCreated = queryDate(params, 'max_date_created')
  const minModified = queryDate(params, 'min_date_modified')
  const maxModified = queryDate(params, 'max_date_modified')
  return (o) =>
    !o.is_deleted &&
    (minId === undefined || o.id >= minId) &&
    (maxId === undefined || o.id <= maxId) &&
    (minTotal === null || toUnits(o.total_inc_tax) >= toUnits(minTotal)) &&
    (maxTotal === null || toUnits(o.total_inc_tax) <= toUnits(maxTotal)) &&
    (customerId === undefined || o.customer_id === customerId) &&
    (statusId === undefined || o.status_id === statusId) &&
    (channelId === undefined || o.channel_id === channelId) &&
    (!email || o.billing_address.email.toLowerCase() === email) &&
    (cartId === null || o.cart_id === cartId) &&
    (externalOrderId === null || o.external_order_id === externalOrderId) &&
    (paymentMethod === null || o.payment_method === paymentMethod) &&
    within(o.createdAt, minCreated, maxCreated) &&
    within(o.modifiedAt, minModified, maxModified)
}

function orderSort(params: URLSearchParams): (a: Order, b: Order) => number {
  const raw = params.get('sort') ?? 'id:asc'
  const [field, direction = 'asc'] = raw.split(':') as [string, string | undefined]
  if (!(SORTABLE as readonly string[]).includes(field) || !['asc', 'desc'].includes(direction)) {
    throw new QueryError('sort', `The field 'sort' must be one of ${SORTABLE.join(', ')}, optionally with :asc or :desc.`)
  }
  return compareBy(sortValue[field as SortField], direction as 'asc' | 'desc')
}

/** A bare-array page, or 204 when the page is empty. */
function v2Page<T>(items: readonly T[], params: URLSearchParams, map: (item: T) => unknown): Response {
  const { page, limit } = pageAndLimit(params)
  const rows = slice(items, page, limit)
  return rows.length ? Response.json(rows.map(map)) : noContent()
}

export function ordersV2(store: BigCommerceStore): Hono {
  const app = new Hono()
  const orderOf = (id: string): Order | undefined => store.orders.get(Number(id))

  app.get('/orders/count', (c) => {
    const orders = [...store.orders.values()].filter((o) => !o.is_deleted)
    const statuses = [...store.orderStatuses].sort((a, b) => a.order - b.order).map((s) => ({
      id: s.id, name: s.name, system_label: s.system_label, custom_label: s.custom_label,
      system_description: s.system_description, count: orders.filter((o) => o.status_id === s.id).length,
      sort_order: s.order,
    }))
    return c.json({ statuses, count: orders.length })
  })

  app.get('/orders', (c) => {
    const params = searchParams(c.req.url)
    const includes = orderIncludes(params)
    const matches = [...store.orders.values()].filter(orderFilter(params)).sort(orderSort(params))
    return v2Page(matches, params, (o) => v2Order(store, o, orderIncludedFields(store, o, includes)))
  })

  app.get('/orders/:id{[0-9]+}', (c) => {
    const includes = orderIncludes(searchParams(c.req.url))
    const order = orderOf(c.req.param('id'))
    return order ? c.json(v2Order(store, order, orderIncludedFields(store, order, includes))) : v2NotFound()
  })

  app.get('/orders/:id{[0-9]+}/consignments', (c) => {
    const include = queryStringList(searchParams(c.req.url), 'include') ?? []
    if (include.some((value) => value !== 'consignments.line_items')) {
      throw new QueryError('include', "The field 'include' must be consignments.line_items.")
    }
    const order = orderOf(c.req.param('id'))
    return order ? c.json(orderConsignments(store, order, include.length > 0)) : v2NotFound()
  })

  // The stand-in's orders carry no fees.
  app.get('/orders/:id{[0-9]+}/fees', (c) => (orderOf(c.req.param('id')) ? noContent() : v2NotFound()))

  app.get('/orders/:id{[0-9]+}/products', (c) => {
    const order = orderOf(c.req.param('id'))
    if (!order) return v2NotFound()
    return v2Page(store.orderProducts.get(order.id) ?? [], searchParams(c.req.url), v2OrderProduct)
  })

  app.get('/orders/:id{[0-9]+}/products/:productId{[0-9]+}', (c) => {
    const product = store.orderProducts.get(Number(c.req.param('id')))?.find((p) => p.id === Number(c.req.param('productId')))
    return product ? c.json(v2OrderProduct(product)) : v2NotFound()
  })

  app.get('/orders/:id{[0-9]+}/shipments', (c) => {
    const order = orderOf(c.req.param('id'))
    if (!order) return v2NotFound()
    return v2Page(store.shipments.get(order.id) ?? [], searchParams(c.req.url), v2Shipment)
  })

  app.get('/orders/:id{[0-9]+}/shipments/count', (c) => {
    const order = orderOf(c.req.param('id'))
    return order ? c.json({ count: (store.shipments.get(order.id) ?? []).length }) : v2NotFound()
  })

  app.get('/orders/:id{[0-9]+}/shipments/:shipmentId{[0-9]+}', (c) => {
    const shipment = store.shipments.get(Number(c.req.param('id')))?.find((s) => s.id === Number(c.req.param('shipmentId')))
    return shipment ? c.json(v2Shipment(shipment)) : v2NotFound()
  })

  app.get('/orders/:id{[0-9]+}/coupons', (c) => {
    const order = orderOf(c.req.param('id'))
    if (!order) return v2NotFound()
    return v2Page(store.orderCoupons.get(order.id) ?? [], searchParams(c.req.url), (x) => x)
  })

  // The resource links say `shippingaddresses`; the documented path is `shipping_addresses`. Both work.
  for (const path of ['/orders/:id{[0-9]+}/shipping_addresses', '/orders/:id{[0-9]+}/shippingaddresses']) {
    app.get(path, (c) => {
      const order = orderOf(c.req.param('id') ?? '')
      if (!order) return v2NotFound()
      return v2Page(store.orderShippingAddresses.get(order.id) ?? [], searchParams(c.req.url), (a) => ({
        ...a,
        shipping_quotes: {
          url: `https://api.bigcommerce.com/stores/${store.storeHash}/v2/orders/${order.id}/shipping_addresses/${a.id}/shipping_quotes`,
          resource: `/orders/${order.id}/shipping_addresses/${a.id}/shipping_quotes`,
        },
      }))
    })
  }

  app.get('/order_statuses', (c) => c.json(store.orderStatuses))

  app.get('/order_statuses/:id{[0-9]+}', (c) => {
    const status = store.orderStatuses.find((s) => s.id === Number(c.req.param('id')))
    return status ? c.json(status) : v2NotFound()
  })

  return app
}
