import type { CartState, ContactState } from '../../src/domain/contact-state'
import { initialAutomationState } from '../../src/domain/automation'
import type { Cart, Customer, Order, OrderLine, Subscriber } from '../../src/domain/model'

/** Canonical records with realistic defaults, for tests that need an order or a cart and care about a few fields. */
export function anOrder(overrides: Partial<Order> = {}): Order {
  return {
    orderId: 100,
    customerId: 0,
    email: 'jane@example.com',
    firstName: 'Jane',
    lastName: 'Doe',
    phone: null,
    billingAddress: null,
    adminUrl: `https://store-teststore.mybigcommerce.com/manage/orders/${overrides.orderId ?? 100}`,
    statusUrl: null,
    statusId: 11,
    createdAt: '2026-03-01T10:00:00.000Z',
    modifiedAt: '2026-03-01T10:00:00.000Z',
    currency: 'USD',
    baseCurrency: 'USD',
    toBaseRate: '1',
    totalIncTax: '54.5',
    subtotalExTax: '45',
    totalTax: '4.5',
    shippingCostExTax: '5',
    discountTotal: '0',
    couponCodes: [],
    channelId: 1,
    storefront: 'Default Storefront',
    channel: 'storefront',
    orderSource: 'www',
    cartId: null,
    emailOptIn: false,
    lines: [anOrderLine()],
    refunds: [],
    shipments: [],
    fulfillment: 'unshipped',
    ...overrides,
  }
}

export function anOrderLine(overrides: Partial<OrderLine> = {}): OrderLine {
  return {
    lineItemId: 1000,
    productId: 10,
    variantId: 11,
    name: 'Trail Shoe (Size: 42)',
    sku: 'TS-42',
    quantity: 1,
    priceExTax: '45',
    totalExTax: '45',
    quantityRefunded: 0,
    category: 'Shoes',
    ...overrides,
  }
}

/** The cart link BigCommerce gives a cart (`redirect_urls.cart_url`). */
export const cartUrl = (cartId: string) => `https://shop.example.com/cart.php?action=load&id=${cartId}`

export function aCart(overrides: Partial<Cart> = {}): Cart {
  const cartId = overrides.cartId ?? 'cart-1'
  return {
    cartId,
    customerId: 0,
    channelId: 1,
    storefront: 'Default Storefront',
    email: 'jane@example.com',
    currency: 'USD',
    amount: '45',
    lines: [{ productId: 10, variantId: 11, sku: 'TS-42', name: 'Trail Shoe', quantity: 1, category: 'Shoes' }],
    recoveryUrl: cartUrl(cartId),
    createdAt: '2026-03-01T09:00:00.000Z',
    updatedAt: '2026-03-01T09:30:00.000Z',
    ...overrides,
  }
}

export function aCartState(overrides: Partial<CartState> = {}): CartState {
  return { ...aCart(overrides), status: 'open', abandonedSignalAt: null, convertedOrderId: null, ...overrides }
}

export function aCustomer(overrides: Partial<Customer> = {}): Customer {
  return {
    customerId: 42,
    email: 'jane@example.com',
    firstName: 'Janet',
    lastName: 'Doe-Smith',
    phone: '+15125550147',
    acceptsAbandonedCartEmails: false,
    address: null,
    originChannelId: 1,
    channelIds: [1],
    createdAt: '2025-01-01T00:00:00.000Z',
    modifiedAt: '2025-01-01T00:00:00.000Z',
    ...overrides,
  }
}

export function aSubscriber(overrides: Partial<Subscriber> = {}): Subscriber {
  return {
    subscriberId: 7,
    email: 'jane@example.com',
    newsletter: true,
    abandonedCart: false,
    modifiedAt: '2025-01-01T00:00:00.000Z',
    ...overrides,
  }
}

export function aContactState(overrides: Partial<ContactState> = {}): ContactState {
  return {
    email: 'jane@example.com',
    customer: null,
    customers: {},
    subscriber: null,
    orders: {},
    carts: {},
    productViews: [],
    automation: initialAutomationState(),
    ...overrides,
  }
}
