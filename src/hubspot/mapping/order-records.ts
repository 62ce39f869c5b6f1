import { hubspotAmount, type Amount } from '../../domain/money'
import type { Order, OrderLine, Shipment } from '../../domain/model'
import { netRevenue, refundedTotal, STATUS_NAMES } from '../../domain/order-status'
import { toHubSpotDateTime } from '../properties'
import type { HubSpotRecord } from '../records'

/**
 * An order and its line items. Amounts stay in the order's own currency (the contact carries the base
 * currency figures). Nothing about payments is read here: the canonical order has none, by design.
 */
export function orderRecords(order: Order): HubSpotRecord[] {
  const orderKey = String(order.orderId)
  const money = orderMoney(order)
  const record: HubSpotRecord = {
    objectType: 'orders',
    key: orderKey,
    properties: {
      bc_order_id: orderKey,
      hs_order_name: `Order #${order.orderId}`,
      hs_currency_code: order.currency,
      hs_total_price: money(order.totalIncTax),
      hs_subtotal_price: money(order.subtotalExTax),
      hs_tax: money(order.totalTax),
      hs_shipping_cost: money(order.shippingCostExTax),
      hs_order_discount: money(order.discountTotal),
      hs_fulfillment_status: order.fulfillment,
      hs_external_order_id: orderKey,
      hs_external_created_date: toHubSpotDateTime(order.createdAt),
      ...shippingTracking(order.shipments),
      bc_status: STATUS_NAMES[order.statusId] ?? `status_${order.statusId}`,
      bc_order_total: money(order.totalIncTax),
      bc_refunded_amount: money(refundedTotal(order)),
      bc_net_revenue: money(netRevenue(order)),
      bc_coupon_codes: order.couponCodes.join(';'),
      bc_channel: order.channel,
      ...channelOf(order),
      // Orders stored before storefront links were kept have none (undefined): the next fetch brings it.
      bc_order_status_url: order.statusUrl ?? '',
    },
    associations: [{ toObjectType: 'contacts', toKey: order.email }],
  }
  // Orders stored before the link was kept have none; the next fetch of the order brings it.
  if (order.adminUrl) record.properties.hs_external_order_url = order.adminUrl
  return [record, ...order.lines.map((line) => lineItemRecord(order, line))]
}

/**
 * An order of an erased person from before the erasure (a later refund or status change): the store's
 * financial record is kept up to date in HubSpot, without a link to any contact.
 */
export function unlinkedOrderRecords(order: Order): HubSpotRecord[] {
  return orderRecords(order).map((record) => (record.objectType === 'orders' ? { ...record, associations: [] } : record))
}

/** The latest shipment that can be tracked (by creation, id breaking ties); cleared when none is left. */
function shippingTracking(shipments: Shipment[]): { hs_shipping_tracking_number: string; hs_shipping_status_url: string } {
  const trackable = shipments
    .filter((s) => s.trackingNumber || s.trackingUrl)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.shipmentId - b.shipmentId)
  const latest = trackable[trackable.length - 1]
  // Shipments stored before links were kept have no `trackingUrl`.
  return { hs_shipping_tracking_number: latest?.trackingNumber ?? '', hs_shipping_status_url: latest?.trackingUrl ?? '' }
}

/** One line item per order product; linked to its order, and to its product (variant) when known. */
export function lineItemRecord(order: Order, line: OrderLine): HubSpotRecord {
  const key = String(line.lineItemId)
  const money = orderMoney(order)
  return {
    objectType: 'line_items',
    key,
    properties: {
      bc_line_item_id: key,
      name: line.name,
      hs_sku: line.sku,
      quantity: line.quantity,
      price: money(line.priceExTax),
      amount: money(line.totalExTax),
      hs_line_item_currency_code: order.currency,
      ...channelOf(order),
    },
    associations: [
      { toObjectType: 'orders', toKey: String(order.orderId) },
      ...(line.variantId !== null ? [{ toObjectType: 'products' as const, toKey: String(line.variantId) }] : []),
    ],
  }
}

/** The order's amounts as HubSpot numbers, exact in the order currency's minor units. */
function orderMoney(order: Order): (a: Amount) => number {
  return (a) => hubspotAmount(a, order.currency)
}

/** The BigCommerce channel and its name (orders stored before the name was kept have none: left empty). */
export function channelOf(record: { channelId: number; storefront?: string | null }): { bc_channel_id: number; bc_storefront: string } {
  return { bc_channel_id: record.channelId, bc_storefront: record.storefront ?? '' }
}
