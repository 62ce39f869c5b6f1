import { isZero } from '../domain/money'
import type { BigCommerceClient } from './bigcommerce-client'
import { parsePayloadList } from './parse'
import {
  v2Coupon,
  v2OrderConsignments,
  v2OrderProduct,
  v2Shipment,
  type V2Coupon,
  type V2Order,
  type V2OrderProduct,
  type V2Shipment,
} from './resources'

/**
 * Reading an order at the least cost to the store's API quota, which every app on the store shares: the
 * order (or a page of 250) carries its line items in the same call, and a sub-resource is fetched only when
 * the order says it holds something. Hydration and the backfill both read orders this way.
 */

/** Line items embedded in the order's consignments (orders.v2.oas2.yml, parameter `order_includes`). */
export const ORDER_INCLUDES = { include: 'consignments.line_items', consignment_structure: 'object' } as const

/** Shipped (2) and Partially Shipped (3): shipments exist even if a counter says otherwise. */
const SHIPPED_STATUSES = new Set([2, 3])

/**
 * Why the order is read. `live`: a webhook or hydration, where a new shipment fires the shipped trigger and
 * carries the tracking number. `history`: the backfill, where shipments fire nothing (history settles
 * silently) and the tracking of parcels delivered long ago is not worth a call per order out of a quota the
 * store's other apps share; the fulfillment status comes from the line items either way. `in_transit`: the
 * backfill again, for an order still on its way at install (`inTransitAtInstall`): its tracking is what a
 * "where is my order" workflow needs, so its shipments are read.
 */
export type OrderReadPurpose = 'live' | 'history' | 'in_transit'

export interface OrderParts {
  products: V2OrderProduct[]
  shipments: V2Shipment[]
  coupons: V2Coupon[]
}

/**
 * The order's line items, shipments and coupons. `raw` is the order as the API returned it (with
 * `ORDER_INCLUDES`); its line items are used when it carries them all, else `/products` is fetched.
 * Shipments only for a live read of an order that shipped something (their tracking numbers and the shipped
 * trigger need them), coupons only with a coupon discount.
 */
export async function readOrderParts(
  client: BigCommerceClient,
  order: V2Order,
  raw: unknown,
  purpose: OrderReadPurpose,
): Promise<OrderParts> {
  const what = `order ${order.id}`
  const [products, shipments, coupons] = await Promise.all([
    includedLineItems(raw, order) ?? client.all('v2', `/orders/${order.id}/products`),
    readsShipments(order, purpose) ? client.all('v2', `/orders/${order.id}/shipments`) : [],
    hasCouponDiscount(order) ? client.all('v2', `/orders/${order.id}/coupons`) : [],
  ])
  return {
    products: parsePayloadList(v2OrderProduct, products, `${what} products`),
    shipments: parsePayloadList(v2Shipment, shipments, `${what} shipments`),
    coupons: parsePayloadList(v2Coupon, coupons, `${what} coupons`),
  }
}

/** How many calls `readOrderParts` makes for this order. */
export function orderPartCalls(order: V2Order, raw: unknown, purpose: OrderReadPurpose): number {
  return (
    (includedLineItems(raw, order) === null ? 1 : 0) + (readsShipments(order, purpose) ? 1 : 0) + (hasCouponDiscount(order) ? 1 : 0)
  )
}

function readsShipments(order: V2Order, purpose: OrderReadPurpose): boolean {
  return purpose !== 'history' && hasShipped(order)
}

/**
 * Whether the backfill reads an order as still in transit: Shipped or Partially Shipped (not yet Completed),
 * and shipped within `windowMs` of `now` (BACKFILL_SHIPMENTS_WINDOW; 0 reads none). `date_shipped` is set
 * when the order ships in full; a partially shipped order has none, and its last change, which its latest
 * shipment made or followed, stands in.
 */
export function inTransitAtInstall(order: V2Order, now: number, windowMs: number): boolean {
  if (windowMs <= 0 || !SHIPPED_STATUSES.has(order.status_id)) return false
  const shippedBy = order.date_shipped ?? order.date_modified
  return shippedBy !== null && Date.parse(shippedBy) >= now - windowMs
}

/** How the backfill reads an order: as history, or in transit (with its shipments). */
export function backfillReadPurpose(order: V2Order, now: number, shipmentsWindowMs: number): OrderReadPurpose {
  return inTransitAtInstall(order, now, shipmentsWindowMs) ? 'in_transit' : 'history'
}

/**
 * The order products embedded in `raw.consignments`, by id; null when the response does not carry them
 * all: no `consignments` (or the legacy array structure, or only the resource link), line items as links
 * (`include=consignments` without `.line_items`), or fewer units than the order's `items_total` (an item
 * outside every consignment). The caller then asks `/products`.
 */
export function includedLineItems(raw: unknown, order: V2Order): unknown[] | null {
  if (typeof raw !== 'object' || raw === null) return null
  const parsed = v2OrderConsignments.safeParse((raw as { consignments?: unknown }).consignments)
  if (!parsed.success) return null
  const { pickups, shipping, downloads, email } = parsed.data
  const byId = new Map<unknown, Record<string, unknown>>()
  for (const consignment of [...pickups, ...shipping, ...downloads, ...email.gift_certificates]) {
    for (const item of consignment.line_items) {
      if (!('id' in item)) return null
      byId.set(item.id, item)
    }
  }
  const items = [...byId.values()].sort((a, b) => Number(a.id) - Number(b.id))
  const units = items.reduce((sum, item) => sum + (Number(item.quantity) || 0), 0)
  return units === order.items_total ? items : null
}

/** Whether the order shipped anything: its counter, its shipping date or its status says so. */
export function hasShipped(order: V2Order): boolean {
  return order.items_shipped > 0 || order.date_shipped !== null || SHIPPED_STATUSES.has(order.status_id)
}

export function hasCouponDiscount(order: V2Order): boolean {
  return !isZero(order.coupon_discount)
}
