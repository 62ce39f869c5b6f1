/**
 * Order consignments (orders.v2.oas2.yml `orderConsignment_Get`) and the `include` / `consignment_structure`
 * parameters of `GET /v2/orders`, `/v2/orders/{id}` and `/v2/orders/{id}/consignments`.
 *
 * - no `include`: the order links its consignments and fees (`{url, resource}`), as every sub-resource;
 * - `include=consignments&consignment_structure=object`: the consignments object, line items as links
 *   (`products_Resource`);
 * - `include=consignments.line_items&consignment_structure=object`: the same, line items being the order
 *   products as `/orders/{id}/products` returns them;
 * - either without `consignment_structure=object`: the legacy default the spec says to move away from and no
 *   longer describes; the stand-in renders it as an array holding the consignments object;
 * - `include=fees`: the order's fees (none here: `[]`).
 * Any other `include` value, or a `consignment_structure` other than `object`, is refused with 400.
 */
import { QueryError, queryStringList } from './http'
import { API_ORIGIN, v2OrderProduct } from './serialize'
import type { BigCommerceStore } from './store'
import type { Order, OrderProduct } from './types'

const ORDER_INCLUDES = ['consignments', 'consignments.line_items', 'fees'] as const

export interface OrderIncludes {
  consignments: 'link' | 'line_item_links' | 'line_items'
  /** `consignment_structure=object`; otherwise the legacy array. */
  objectStructure: boolean
  fees: boolean
}

/** The order endpoints' `include` and `consignment_structure`, checked against the spec's enums. */
export function orderIncludes(params: URLSearchParams): OrderIncludes {
  const include = queryStringList(params, 'include') ?? []
  const unknown = include.filter((value) => !(ORDER_INCLUDES as readonly string[]).includes(value))
  if (unknown.length) {
    throw new QueryError('include', `The field 'include' has invalid values (${unknown.join(', ')}): allowed are ${ORDER_INCLUDES.join(', ')}.`)
  }
  const structure = params.get('consignment_structure')
  if (structure !== null && structure !== 'object') {
    throw new QueryError('consignment_structure', "The field 'consignment_structure' must be 'object'.")
  }
  return {
    consignments: include.includes('consignments.line_items') ? 'line_items' : include.includes('consignments') ? 'line_item_links' : 'link',
    objectStructure: structure === 'object',
    fees: include.includes('fees'),
  }
}

/** The `consignments` and `fees` fields of an order as `includes` asks for them. */
export function orderIncludedFields(store: BigCommerceStore, order: Order, includes: OrderIncludes): Record<string, unknown> {
  const link = (resource: string) => ({
    url: `${API_ORIGIN}/stores/${store.storeHash}/v2/orders/${order.id}/${resource}`,
    resource: `/orders/${order.id}/${resource}`,
  })
  const fields: Record<string, unknown> = { fees: includes.fees ? [] : link('fees') }
  if (includes.consignments === 'link') return { ...fields, consignments: link('consignments') }
  const object = orderConsignments(store, order, includes.consignments === 'line_items')
  return { ...fields, consignments: includes.objectStructure ? object : [object] }
}

/**
 * Every line item in the consignment that fulfils it: physical items in the shipping consignment of their
 * address, digital ones in the (single) download consignment, gift certificates by email.
 */
export function orderConsignments(store: BigCommerceStore, order: Order, expandLineItems: boolean): Record<string, unknown> {
  const products = store.orderProducts.get(order.id) ?? []
  const lineItems = (items: OrderProduct[]) =>
    items.map((p) =>
      expandLineItems
        ? v2OrderProduct(p)
        : { url: `${API_ORIGIN}/stores/${store.storeHash}/v2/orders/${order.id}/products/${p.id}`, resource: `/orders/${order.id}/products/${p.id}` },
    )
  const physical = products.filter((p) => p.type === 'physical')
  const digital = products.filter((p) => p.type === 'digital')
  const giftCertificates = products.filter((p) => p.type === 'giftcertificate')
  const recipient = order.billing_address.email

  const shipping = (store.orderShippingAddresses.get(order.id) ?? []).flatMap((address) => {
    const items = physical.filter((p) => p.order_address_id === address.id)
    if (items.length === 0) return []
    const { order_id: _orderId, items_total: _total, items_shipped: _shipped, ...fields } = address
    return [{
      ...fields,
      line_items: lineItems(items),
      items_total: items.reduce((n, p) => n + p.quantity, 0),
      items_shipped: items.reduce((n, p) => n + p.quantity_shipped, 0),
      base_cost: Number(address.base_cost),
      cost_ex_tax: Number(address.cost_ex_tax),
      cost_inc_tax: Number(address.cost_inc_tax),
      cost_tax: Number(address.cost_tax),
      base_handling_cost: Number(address.base_handling_cost),
      handling_cost_ex_tax: Number(address.handling_cost_ex_tax),
      handling_cost_inc_tax: Number(address.handling_cost_inc_tax),
      handling_cost_tax: Number(address.handling_cost_tax),
      shipping_quotes: {
        url: `${API_ORIGIN}/stores/${store.storeHash}/v2/orders/${order.id}/consignments/shipping/${address.id}/shipping_quotes`,
        resource: `/orders/${order.id}/consignments/shipping/${address.id}/shipping_quotes`,
      },
    }]
  })
  return {
    pickups: [],
    shipping,
    downloads: digital.length ? [{ recipient_email: recipient, line_items: lineItems(digital) }] : [],
    email: { gift_certificates: giftCertificates.map((p) => ({ recipient_email: recipient, line_items: lineItems([p]) })) },
  }
}
