import { add, compare, divide, isZero, type Amount } from '../../domain/money'
import { normalizeEmail, normalizePhone } from '../../domain/identity-keys'
import { postalAddress } from '../../domain/region'
import type { FulfillmentStatus, Order, OrderLine, Refund, Shipment } from '../../domain/model'
import { orderChannel, type ChannelInfo } from '../order-channel'
import type { V2Coupon, V2Order, V2OrderProduct, V2Shipment, V3Refund } from '../resources'
import { trackingUrl } from '../tracking'
import { UnusableResourceError } from './errors'

/** Everything an order is made of, as hydrate.ts fetched and parsed it. */
export interface OrderSources {
  order: V2Order
  products: V2OrderProduct[]
  shipments: V2Shipment[]
  coupons: V2Coupon[]
  refunds: V3Refund[]
  /** Product id → the product's first category name (null when it has none or is gone). */
  categories: ReadonlyMap<number, string | null>
  /** The order's channel from /v3/channels, null when unknown. */
  channel: ChannelInfo | null
  /** The order in the shopper's account on its storefront (domain/multi-storefront.ts `orderStatusUrl`), when it has one. */
  statusUrl?: string | null
  /** Used when the billing address has no email (the customer account's email). */
  fallbackEmail?: string | null
  /** The store, for the order's link in its control panel. */
  storeHash: string
}

/** Items that never ship: they don't count toward fulfillment. */
const UNSHIPPABLE_TYPES = new Set(['digital', 'giftcertificate'])
/** Shipped (2) and Completed (10): an order with nothing to ship is fulfilled once it reaches them. */
const FULFILLED_STATUSES = new Set([2, 10])

export function normalizeOrder(src: OrderSources): Order {
  const { order } = src
  const billing = order.billing_address
  const email = normalizeEmail(billing?.email) ?? normalizeEmail(src.fallbackEmail)
  if (!email) throw new UnusableResourceError('order_without_email', `order ${order.id} has no billing email`)

  const currency = (order.default_currency_code || order.currency_code).toUpperCase()
  const baseCurrency = (order.store_default_currency_code || currency).toUpperCase()
  const refunds = src.refunds.map(normalizeRefund).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.refundId - b.refundId)
  const lines = src.products.map((p) => normalizeLine(p, src.refunds, src.categories))

  return {
    orderId: order.id,
    customerId: order.customer_id,
    email,
    firstName: billing?.first_name || null,
    lastName: billing?.last_name || null,
    phone: normalizePhone(billing?.phone, billing?.country_iso2),
    billingAddress: billing
      ? postalAddress({ country: billing.country_iso2, state: billing.state, city: billing.city, zip: billing.zip })
      : null,
    adminUrl: controlPanelOrderUrl(src.storeHash, order.id),
    statusUrl: src.statusUrl ?? null,
    statusId: order.status_id,
    createdAt: order.date_created,
    modifiedAt: order.date_modified ?? order.date_created,
    currency,
    baseCurrency,
    toBaseRate: baseCurrency === currency ? '1' : toBaseRate(order.store_default_to_transactional_exchange_rate),
    totalIncTax: order.total_inc_tax,
    subtotalExTax: order.subtotal_ex_tax,
    totalTax: order.total_tax,
    shippingCostExTax: order.shipping_cost_ex_tax,
    discountTotal: add(order.discount_amount, order.coupon_discount),
    couponCodes: [...new Set(src.coupons.map((c) => c.code.trim()).filter(Boolean))],
    channelId: order.channel_id ?? 1,
    storefront: src.channel?.name ?? null,
    channel: orderChannel({ channel: src.channel, orderSource: order.order_source, externalSource: order.external_source }),
    orderSource: order.order_source || null,
    cartId: order.cart_id || null,
    emailOptIn: order.is_email_opt_in,
    lines,
    refunds,
    shipments: src.shipments.map(normalizeShipment).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.shipmentId - b.shipmentId),
    fulfillment: fulfillment(order, src.products, lines),
  }
}

/**
 * `store_default_to_transactional_exchange_rate` converts the store's base currency into the order's, so
 * base = amount / rate. Absent or zero means no conversion.
 */
export function toBaseRate(rate: Amount): Amount {
  if (isZero(rate) || compare(rate, '0') < 0) return '1'
  return divide('1', rate, 10)
}

export function normalizeRefund(refund: V3Refund): Refund {
  const lineItemIds = refund.items.filter((i) => i.item_type.toUpperCase() === 'PRODUCT').map((i) => i.item_id)
  return {
    refundId: refund.id,
    createdAt: refund.created,
    amount: refund.total_amount,
    lineItemIds: [...new Set(lineItemIds)],
  }
}

/**
 * The order's page in the store's control panel. The API specs name no URL for it: this is the control
 * panel's own address for a store hash (`https://store-{hash}.mybigcommerce.com/manage`, where the API's
 * `{store_hash}` is the same value), with orders under `/manage/orders/{id}`.
 */
export function controlPanelOrderUrl(storeHash: string, orderId: number): string {
  return `https://store-${encodeURIComponent(storeHash)}.mybigcommerce.com/manage/orders/${orderId}`
}

export function normalizeShipment(shipment: V2Shipment): Shipment {
  return {
    shipmentId: shipment.id,
    createdAt: shipment.date_created,
    trackingNumber: shipment.tracking_number.trim() || null,
    carrier:
      shipment.tracking_carrier.trim() ||
      shipment.shipping_provider_display_name.trim() ||
      shipment.shipping_provider.trim() ||
      null,
    trackingUrl: trackingUrl(shipment),
  }
}

function normalizeLine(
  product: V2OrderProduct,
  refunds: V3Refund[],
  categories: ReadonlyMap<number, string | null>,
): OrderLine {
  // The order product's own count, or what the refunds list for it when that says more.
  const refundedByRefunds = refunds
    .flatMap((r) => r.items)
    .filter((i) => i.item_type.toUpperCase() === 'PRODUCT' && i.item_id === product.id)
    .reduce((sum, i) => sum + i.quantity, 0)
  const refunded = Math.max(product.quantity_refunded, refundedByRefunds, product.is_refunded ? product.quantity : 0)
  return {
    lineItemId: product.id,
    productId: product.product_id ?? 0,
    variantId: product.variant_id,
    name: product.name,
    sku: product.sku,
    quantity: product.quantity,
    priceExTax: product.price_ex_tax,
    totalExTax: product.total_ex_tax,
    quantityRefunded: Math.min(product.quantity, refunded),
    category: product.product_id ? (categories.get(product.product_id) ?? null) : null,
  }
}

/** From shipped quantities of the items that ship; refunded units need no shipping. */
function fulfillment(order: V2Order, products: V2OrderProduct[], lines: OrderLine[]): FulfillmentStatus {
  let needed = 0
  let shipped = 0
  products.forEach((p, i) => {
    if (UNSHIPPABLE_TYPES.has(p.type.toLowerCase())) return
    needed += Math.max(0, p.quantity - lines[i]!.quantityRefunded)
    shipped += Math.min(p.quantity, p.quantity_shipped)
  })
  if (products.length === 0) {
    // No line items fetched: the order's own counters.
    needed = order.items_total
    shipped = order.items_shipped
  }
  if (needed === 0 && shipped === 0) return FULFILLED_STATUSES.has(order.status_id) ? 'shipped' : 'unshipped'
  if (shipped === 0) return 'unshipped'
  return shipped >= needed ? 'shipped' : 'partially_shipped'
}
