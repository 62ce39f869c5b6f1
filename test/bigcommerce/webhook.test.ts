import { describe, expect, it } from 'vitest'
import { envelopeSchema, webhookSubject, type WebhookSubject } from '../../src/bigcommerce/webhook'

// BigCommerce's published example callbacks (docs/webhooks/callbacks/data), one per scope.
const examples = import.meta.glob<{ default: Record<string, unknown> }>('../fixtures/webhooks/*.json', { eager: true })

function subjectOf(body: Record<string, unknown>): WebhookSubject {
  return webhookSubject(envelopeSchema.parse({ ...body, producer: 'stores/abc123' }))
}

function example(scope: string): Record<string, unknown> {
  const found = Object.values(examples).find((e) => e.default.scope === scope)
  if (!found) throw new Error(`no example for ${scope}`)
  return found.default
}

describe('webhook subjects from the published examples', () => {
  it('parses every published example envelope', () => {
    expect(Object.keys(examples).length).toBeGreaterThan(30)
    for (const { default: body } of Object.values(examples)) {
      expect(() => subjectOf(body), String(body.scope)).not.toThrow()
    }
  })

  it.each([
    ['store/order/created', { kind: 'order', orderId: 250 }],
    ['store/order/statusUpdated', { kind: 'order', orderId: 250 }],
    ['store/order/refund/created', { kind: 'order', orderId: 250 }],
    ['store/shipment/created', { kind: 'order' }],
    ['store/cart/converted', { kind: 'cart', change: 'converted', orderId: 252 }],
    ['store/cart/deleted', { kind: 'cart', change: 'deleted' }],
    ['store/cart/lineItem/created', { kind: 'cart', change: 'updated' }],
    ['store/cart/abandoned', { kind: 'cart_abandoned' }],
    ['store/customer/address/created', { kind: 'customer', customerId: 32 }],
    ['store/customer/created', { kind: 'customer', change: 'updated' }],
    ['store/sku/updated', { kind: 'product', productId: 206 }],
    ['store/subscriber/created', { kind: 'subscriber', subscriberId: 5 }],
    ['store/product/inventory/updated', { kind: 'ignored' }],
    ['store/customer/payment/instrument/default/updated', { kind: 'ignored' }],
    ['store/category/created', { kind: 'ignored' }],
  ])('%s', (scope, expected) => {
    expect(subjectOf(example(scope))).toMatchObject(expected)
  })
})

describe('payload variants seen in the wild', () => {
  const envelope = (scope: string, data: Record<string, unknown>) => ({
    scope,
    store_id: 1025646,
    data,
    hash: 'dd70c0976e06b67aaf671e73f49dcb79230ebf9d',
    created_at: 1561479335,
    producer: 'stores/abc123',
  })

  it('reads channel-scoped order hooks that carry only order_id', () => {
    expect(subjectOf(envelope('store/channel/2/order/created', { order_id: 127 }))).toEqual({ kind: 'order', orderId: 127 })
  })

  it('reads channel-scoped cart hooks as BigCommerce documents them: cart_id, and a line item with its cart_id', () => {
    const cart = '41696c19-486f-40a8-ae2a-389d5d24e0c9'
    expect(subjectOf(envelope('store/channel/2/cart/created', { cart_id: cart }))).toEqual({ kind: 'cart', cartId: cart, change: 'updated', orderId: null })
    expect(subjectOf(envelope('store/channel/2/cart/deleted', { cart_id: cart }))).toMatchObject({ change: 'deleted' })
    expect(subjectOf(envelope('store/channel/2/cart/lineItem/created', { cart_id: cart, cart_item_id: 'af13' }))).toMatchObject({
      kind: 'cart', cartId: cart, change: 'updated',
    })
    expect(subjectOf(envelope('store/channel/2/cart/converted', { cart_id: cart }))).toEqual({ kind: 'cart', cartId: cart, change: 'converted', orderId: null })
    expect(subjectOf(envelope('store/channel/2/cart/abandoned', { cart_id: cart }))).toEqual({ kind: 'cart_abandoned', cartId: cart, token: null })
    // The global spelling is not the channel-scoped one: each scope reads its own.
    expect(() => subjectOf(envelope('store/channel/2/cart/created', { type: 'cart', id: cart }))).toThrow(/data\.cart_id/)
    expect(subjectOf(envelope('store/channel/2/order/message/created', { order_id: 127 }))).toMatchObject({ kind: 'ignored' })
  })

  it('re-reads a channel when it is created or changed, or its site or currencies are', () => {
    expect(subjectOf(envelope('store/channel/created', { type: 'channel', id: 2 }))).toEqual({ kind: 'channel', channelId: 2 })
    expect(subjectOf(envelope('store/channel/updated', { type: 'channel', id: 3 }))).toEqual({ kind: 'channel', channelId: 3 })
    expect(subjectOf(envelope('store/channel/4/settings/site/updated', { site_id: 1001 }))).toEqual({ kind: 'channel', channelId: 4 })
    expect(subjectOf(envelope('store/channel/4/settings/site/checkoutUrl/updated', {}))).toEqual({ kind: 'channel', channelId: 4 })
    expect(subjectOf(envelope('store/channel/4/settings/currency/updated', {}))).toEqual({ kind: 'channel', channelId: 4 })
    expect(subjectOf(envelope('store/channel/4/settings/logo/updated', {}))).toMatchObject({ kind: 'ignored' })
  })

  it('reads transaction hooks whose order_id is a string, keeping nothing of the payment', () => {
    const subject = subjectOf(
      envelope('store/order/transaction/created', { type: 'transaction', order_id: '250', transaction_id: 'tx_1' }),
    )
    expect(subject).toEqual({ kind: 'order', orderId: 250 })
  })

  it('reads an abandoned-cart hook without a token by its cart id (BigCommerce documents data.token as optional)', () => {
    const id = '0c5d1bd4-3b8c-4e62-9a05-3a7f1f1f0b1c'
    expect(subjectOf(envelope('store/cart/abandoned', { type: 'cart', id }))).toEqual({ kind: 'cart_abandoned', cartId: id, token: null })
    expect(() => subjectOf(envelope('store/cart/abandoned', { type: 'cart' }))).toThrow()
  })

  it('reads an abandoned-cart hook that carries only its token', () => {
    expect(subjectOf(envelope('store/cart/abandoned', { type: 'cart', token: 'abc123' }))).toEqual({
      kind: 'cart_abandoned',
      cartId: null,
      token: 'abc123',
    })
  })

  it('accepts an envelope without created_at (older examples)', () => {
    const { created_at: _omitted, ...body } = envelope('store/order/created', { type: 'order', id: 5 })
    expect(subjectOf(body)).toEqual({ kind: 'order', orderId: 5 })
  })

  it('rejects data that does not fit the scope, naming the field', () => {
    expect(() => subjectOf(envelope('store/order/created', { type: 'order' }))).toThrow(/data does not fit scope/)
    expect(() => subjectOf(envelope('store/cart/converted', { id: 'abc' }))).toThrow(/orderId/)
  })

  it('ignores scopes it does not use', () => {
    expect(subjectOf(envelope('store/information/updated', { type: 'store' }))).toMatchObject({ kind: 'ignored' })
  })
})
