import type { CartState, ContactState, ProductView } from '../../src/domain/contact-state'
import type { Customer, Order, OrderLine, Refund, Shipment, Subscriber } from '../../src/domain/model'
import { allLive, evaluateAutomation, type AutomationPolicy } from '../../src/domain/automation'
import type { SupportTicket } from '../../src/domain/support'
import { aCartState, aContactState, aCustomer, anOrder, anOrderLine, aSubscriber } from '../support/factories'
import { parseDuration, type Duration } from '../../src/domain/duration'

/**
 * Builders of canonical records for the domain tests, on top of test/support/factories.ts: a coffee shop whose
 * orders and carts are placed at the instant a scenario names (ISO strings).
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
