import type { CartState, ContactState, ProductView } from '../../src/domain/contact-state'
import { allLive } from '../../src/domain/automation/families'
import { evaluateAutomation } from '../../src/domain/automation/evaluate'
import { initialAutomationState } from '../../src/domain/automation/state'
import type { AutomationPolicy } from '../../src/domain/automation/policy'
import { parseDuration, type Duration } from '../../src/domain/duration'
import type { Cart, Customer, Order, OrderLine, Refund, Shipment, Subscriber } from '../../src/domain/model'
import type { SupportTicket } from '../../src/domain/support'

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

/**
 * Scenario builders, for the domain's tests above all, on top of the records above: a coffee shop whose orders
 * and carts are placed at the instant a scenario names (ISO strings).
 */

export const EMAIL = 'jane@example.com'
export const SECOND = 1_000
export const MINUTE = 60 * SECOND
export const HOUR = 60 * MINUTE
export const DAY = 24 * HOUR

export const at = (iso: string) => new Date(iso)
export const plus = (iso: string, ms: number) => new Date(Date.parse(iso) + ms)
export const isoPlus = (iso: string, ms: number) => plus(iso, ms).toISOString()

export const steps = (...texts: string[]): Duration[] => texts.map((t) => parseDuration(t) as Duration)

/** The contract's defaults. */
export function policy(overrides: Partial<AutomationPolicy> = {}): AutomationPolicy {
  return {
    cartAbandonAfterMs: 45 * MINUTE,
    postPurchaseSteps: steps('0d', '3d', '10d', '21d'),
    lapsedAfterMs: 120 * DAY,
    refundSuppressionMs: 30 * DAY,
    marketingCap: 3,
    marketingCapWindowMs: 7 * DAY,
    browseAbandonAfterMs: 6 * HOUR,
    familyModes: allLive(),
    excludedOrderChannels: ['marketplace'],
    reviewRequestStep: 'day_21',
    ...overrides,
  }
}

export function contact(overrides: Partial<ContactState> = {}): ContactState {
  return aContactState({ email: EMAIL, ...overrides })
}

export function withOrders(state: ContactState, ...orders: Order[]): ContactState {
  const map = { ...state.orders }
  for (const o of orders) map[String(o.orderId)] = o
  return { ...state, orders: map }
}

export function withCarts(state: ContactState, ...carts: CartState[]): ContactState {
  const map = { ...state.carts }
  for (const c of carts) map[c.cartId] = c
  return { ...state, carts: map }
}

/** A coffee-shop line: the domain scenarios are about repeat purchases of beans. */
export function line(overrides: Partial<OrderLine> = {}): OrderLine {
  return anOrderLine({
    lineItemId: 1,
    variantId: 100,
    name: 'Coffee beans',
    sku: 'BEANS-1',
    priceExTax: '20',
    totalExTax: '20',
    category: 'Coffee',
    ...overrides,
  })
}

/** An order of one coffee line for 100 (90 + 10 tax), placed and last modified at `createdAt`. */
export function order(orderId: number, createdAt: string, overrides: Partial<Order> = {}): Order {
  return anOrder({
    orderId,
    email: EMAIL,
    createdAt,
    modifiedAt: createdAt,
    totalIncTax: '100',
    subtotalExTax: '90',
    totalTax: '10',
    shippingCostExTax: '0',
    lines: [line()],
    ...overrides,
  })
}

export function refund(refundId: number, createdAt: string, amount: string, lineItemIds: number[] = []): Refund {
  return { refundId, createdAt, amount, lineItemIds }
}

export function shipment(shipmentId: number, createdAt: string): Shipment {
  return { shipmentId, createdAt, trackingNumber: null, carrier: null, trackingUrl: null }
}

/** An open cart of coffee beans, created and last updated at `updatedAt`. */
export function cart(cartId: string, updatedAt: string, overrides: Partial<CartState> = {}): CartState {
  return aCartState({
    cartId,
    email: EMAIL,
    amount: '59.5',
    lines: [{ productId: 10, variantId: 100, sku: 'BEANS-1', name: 'Coffee beans', quantity: 1, category: 'Coffee' }],
    createdAt: updatedAt,
    updatedAt,
    ...overrides,
  })
}

export function subscriber(newsletter: boolean, modifiedAt: string, abandonedCart = false): Subscriber {
  return aSubscriber({ email: EMAIL, newsletter, abandonedCart, modifiedAt })
}

export function customer(overrides: Partial<Customer> = {}): Customer {
  return aCustomer({ email: EMAIL, ...overrides })
}

export function view(productId: number, at: string, productName: string | null = `Product ${productId}`): ProductView {
  return { productId, productName, at }
}

/** A contact opted in to marketing long before the scenarios start. */
export function optedIn(overrides: Partial<ContactState> = {}): ContactState {
  return contact({ subscriber: subscriber(true, '2024-01-01T00:00:00.000Z'), ...overrides })
}

/** One evaluation, returning the state with its automation memory stored back, as the Durable Object does. */
export function evaluate(
  state: ContactState,
  now: Date,
  options: { policy?: AutomationPolicy; mode?: 'live' | 'import'; supportTickets?: SupportTicket[] | null } = {},
) {
  const result = evaluateAutomation({
    state,
    now,
    policy: options.policy ?? policy(),
    mode: options.mode ?? 'live',
    supportTickets: options.supportTickets,
  })
  return { ...result, state: { ...state, automation: result.automation } }
}

/** The trigger keys of what fired. */
export const keys = (fired: { key: string }[]) => fired.map((f) => f.key)
