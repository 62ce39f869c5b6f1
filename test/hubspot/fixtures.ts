import type { CartState } from '../../src/domain/contact-state'
import type { ContactSummary, Order, OrderLine, ProductVariant } from '../../src/domain/model'
import { aCartState, anOrder, anOrderLine } from '../support/factories'

/** Canonical records for the HubSpot mapping and writer tests: ids drive names, SKUs and emails. */

export function line(id: number, over: Partial<OrderLine> = {}): OrderLine {
  return anOrderLine({
    lineItemId: id,
    productId: 100 + (id % 7),
    variantId: 1000 + (id % 7),
    name: `Widget ${id}`,
    sku: `W-${id}`,
    quantity: 2,
    priceExTax: '10.5',
    totalExTax: '21',
    category: 'Widgets',
    ...over,
  })
}

/** A completed order by a known customer: two widget lines, a 3.95 discount. */
export function order(id: number, over: Partial<Order> = {}): Order {
  return anOrder({
    orderId: id,
    customerId: 7,
    email: `buyer${id % 50}@example.com`,
    firstName: 'Ada',
    lastName: 'Lovelace',
    phone: '+441234567890',
    statusId: 10,
    createdAt: '2026-10-05T14:03:00.000Z',
    modifiedAt: '2026-10-05T15:00:00.000Z',
    totalIncTax: '47.25',
    subtotalExTax: '42',
    totalTax: '4.2',
    discountTotal: '3.95',
    lines: [line(id * 10 + 1), line(id * 10 + 2)],
    ...over,
  })
}

export function variant(id: number, over: Partial<ProductVariant> = {}): ProductVariant {
  return {
    variantId: id,
    productId: 100 + (id % 7),
    name: `Widget (${id})`,
    sku: `SKU-${id}`,
    price: '10.5',
    description: '<p>A widget</p>',
    category: 'Widgets',
    brand: 'Acme',
    ...over,
  }
}

export function summary(email: string, over: Partial<ContactSummary> = {}): ContactSummary {
  return {
    email,
    customerId: 7,
    customerIds: [7],
    firstName: 'Ada',
    lastName: 'Lovelace',
    phone: '+441234567890',
    orderCount: 2,
    lifetimeValue: '150.456',
    averageOrderValue: '75.228',
    firstOrderAt: '2026-01-02T23:59:00.000Z',
    lastOrderAt: '2026-10-05T14:03:00.000Z',
    customerStatus: 'repeat_customer',
    categoryAffinity: ['Widgets', 'Gadgets'],
    emailConsent: 'opted_in',
    refundedTotal: '0',
    lastRefundAt: null,
    firstOrderChannel: 'storefront',
    lastOrderChannel: 'pos',
    firstStorefront: 'Default Storefront',
    storefronts: ['Default Storefront'],
    address: null,
    consentRegion: 'unknown',
    baseCurrency: 'USD',
    firstSeenAt: '2025-12-30T10:00:00.000Z',
    ...over,
  }
}

export function cart(id: string, over: Partial<CartState> = {}): CartState {
  return aCartState({
    cartId: id,
    email: 'shopper@example.com',
    currency: 'EUR',
    amount: '99.9',
    lines: [{ productId: 101, variantId: 1001, sku: 'W-1', name: 'Widget', quantity: 1, category: 'Widgets' }],
    createdAt: '2026-10-05T10:00:00.000Z',
    updatedAt: '2026-10-05T10:30:00.000Z',
    ...over,
  })
}
