import { describe, expect, it } from 'vitest'
import {
  addProductViews,
  applyCartGone,
  applyCartUpdate,
  applyCustomerGone,
  applyCustomerUpdate,
  applyHubSpotOptOut,
  applyOrderUpdate,
  applySubscriberGone,
  applySubscriberUpdate,
} from '../../src/domain/contact-updates'
import { aCart, aContactState, aCustomer, anOrder, aSubscriber } from '../support/factories'

describe('orders arriving late, twice or out of order', () => {
  it('keeps the newer state when an older snapshot arrives after it', () => {
    const state = aContactState()
    const shipped = anOrder({ statusId: 2, modifiedAt: '2026-03-02T08:00:00.000Z', fulfillment: 'shipped' })
    const placed = anOrder({ statusId: 11, modifiedAt: '2026-03-01T10:00:00.000Z' })
    expect(applyOrderUpdate(state, shipped)).toBe(true)
    expect(applyOrderUpdate(state, placed)).toBe(false)
    expect(state.orders['100']!.statusId).toBe(2)
  })

  it('reports no change for the same snapshot twice', () => {
    const state = aContactState()
    expect(applyOrderUpdate(state, anOrder())).toBe(true)
    expect(applyOrderUpdate(state, anOrder())).toBe(false)
  })

  it('merges refunds and shipments fetched separately at the same modification time', () => {
    const state = aContactState()
    const refund = { refundId: 1, createdAt: '2026-03-03T00:00:00.000Z', amount: '10', lineItemIds: [] }
    const shipment = { shipmentId: 7, createdAt: '2026-03-02T00:00:00.000Z', trackingNumber: null, carrier: null, trackingUrl: null }
    applyOrderUpdate(state, anOrder({ refunds: [refund] }))
    expect(applyOrderUpdate(state, anOrder({ shipments: [shipment] }))).toBe(true)
    expect(state.orders['100']!.refunds).toHaveLength(1)
    expect(state.orders['100']!.shipments).toHaveLength(1)
  })

  it('marks the cart an order came from as converted', () => {
    const state = aContactState()
    applyCartUpdate(state, aCart({ cartId: 'c1' }), null)
    applyOrderUpdate(state, anOrder({ cartId: 'c1' }))
    expect(state.carts['c1']).toMatchObject({ status: 'converted', convertedOrderId: 100 })
  })
})

describe('carts', () => {
  it('ignores an older snapshot but keeps a late abandonment signal', () => {
    const state = aContactState()
    applyCartUpdate(state, aCart({ updatedAt: '2026-03-01T09:30:00.000Z', amount: '90' }), null)
    expect(applyCartUpdate(state, aCart({ updatedAt: '2026-03-01T09:00:00.000Z', amount: '45' }), null)).toBe(false)
    expect(state.carts['cart-1']!.amount).toBe('90')
    expect(applyCartUpdate(state, aCart({ updatedAt: '2026-03-01T09:00:00.000Z' }), '2026-03-01T10:31:00.000Z')).toBe(true)
    expect(state.carts['cart-1']).toMatchObject({ amount: '90', abandonedSignalAt: '2026-03-01T10:31:00.000Z' })
  })

  it('marks a cart with no items as emptied', () => {
    const state = aContactState()
    applyCartUpdate(state, aCart({ lines: [] }), null)
    expect(state.carts['cart-1']!.status).toBe('emptied')
  })

  it('never reopens a converted or deleted cart', () => {
    const state = aContactState()
    applyCartUpdate(state, aCart(), null)
    expect(applyCartGone(state, 'cart-1', 'deleted', null)).toBe(true)
    expect(applyCartUpdate(state, aCart({ updatedAt: '2026-03-02T00:00:00.000Z' }), null)).toBe(false)
    expect(applyCartGone(state, 'cart-1', 'deleted', null)).toBe(false)
    expect(state.carts['cart-1']!.status).toBe('deleted')
  })

  it('turns a deleted cart into a converted one when the order it became arrives after the deletion', () => {
    const state = aContactState()
    applyCartUpdate(state, aCart(), null)
    applyCartGone(state, 'cart-1', 'deleted', null)
    expect(applyCartGone(state, 'cart-1', 'converted', 77)).toBe(true)
    expect(state.carts['cart-1']).toMatchObject({ status: 'converted', convertedOrderId: 77 })
    expect(applyCartGone(state, 'cart-1', 'deleted', null)).toBe(false)
    expect(state.carts['cart-1']!.status).toBe('converted')
  })

  it('lets a cart whose checkout email changed leave the previous contact, and come back new if it changes back', () => {
    const state = aContactState()
    applyCartUpdate(state, aCart(), null)
    expect(applyCartGone(state, 'cart-1', 'moved', null)).toBe(true)
    expect(state.carts['cart-1']).toBeUndefined()
    expect(applyCartGone(state, 'cart-1', 'moved', null)).toBe(false)
    expect(applyCartUpdate(state, aCart({ updatedAt: '2026-03-02T00:00:00.000Z' }), null)).toBe(true)
    expect(state.carts['cart-1']!.status).toBe('open')
  })
})

describe('customers and subscribers arriving late or twice', () => {
  it('keeps the newer customer, takes a change at the same age, and reports no change for the same one', () => {
    const state = aContactState()
    const renamed = aCustomer({ lastName: 'Smith', modifiedAt: '2026-03-02T00:00:00.000Z' })
    expect(applyCustomerUpdate(state, renamed)).toBe(true)
    expect(applyCustomerUpdate(state, aCustomer({ modifiedAt: '2026-03-01T00:00:00.000Z' }))).toBe(false)
    expect(applyCustomerUpdate(state, { ...renamed })).toBe(false)
    expect(state.customer?.lastName).toBe('Smith')
    expect(applyCustomerUpdate(state, { ...renamed, acceptsAbandonedCartEmails: true })).toBe(true)
    expect(state.customer?.acceptsAbandonedCartEmails).toBe(true)
  })

  it('never rolls a subscriber back to an older consent', () => {
    const state = aContactState()
    const unsubscribed = aSubscriber({ newsletter: false, modifiedAt: '2026-03-02T00:00:00.000Z' })
    expect(applySubscriberUpdate(state, unsubscribed)).toBe(true)
    expect(applySubscriberUpdate(state, aSubscriber({ newsletter: true, modifiedAt: '2026-03-01T00:00:00.000Z' }))).toBe(false)
    expect(applySubscriberUpdate(state, { ...unsubscribed })).toBe(false)
    expect(state.subscriber?.newsletter).toBe(false)
  })
})

describe('product views', () => {
  it('deduplicates repeated views and keeps them in time order', () => {
    const state = aContactState()
    const view = { productId: 10, productName: 'Trail Shoe', at: '2026-03-01T10:00:00.000Z' }
    expect(addProductViews(state, [view, { ...view, at: '2026-03-01T09:00:00.000Z' }])).toBe(true)
    expect(addProductViews(state, [view])).toBe(false)
    expect(state.productViews.map((v) => v.at)).toEqual(['2026-03-01T09:00:00.000Z', '2026-03-01T10:00:00.000Z'])
  })
})

describe('consent from HubSpot and deletions in the store', () => {
  it('keeps the first time of an unsubscribe read again, takes the new time when more was unsubscribed', () => {
    const state = aContactState()
    expect(applyHubSpotOptOut(state, { allEmail: false, types: ['7'], at: '2026-03-01T00:00:00.000Z' })).toBe(true)
    expect(applyHubSpotOptOut(state, { allEmail: false, types: ['7'], at: '2026-03-05T00:00:00.000Z' })).toBe(false)
    expect(state.hubspotOptOut!.at).toBe('2026-03-01T00:00:00.000Z')
    expect(applyHubSpotOptOut(state, { allEmail: true, types: ['7'], at: '2026-03-06T00:00:00.000Z' })).toBe(true)
    expect(state.hubspotOptOut).toEqual({ allEmail: true, types: ['7'], at: '2026-03-06T00:00:00.000Z' })
  })

  it('a deleted subscriber record with none left is an opt-out at the deletion; another record of the email replaces it', () => {
    const state = aContactState({ subscriber: aSubscriber({ subscriberId: 5, newsletter: true, modifiedAt: '2026-03-01T00:00:00.000Z' }) })
    expect(applySubscriberGone(state, 5, null, '2026-03-09T00:00:00.000Z')).toBe(true)
    expect(state.subscriber).toMatchObject({ subscriberId: 5, newsletter: false, abandonedCart: false, modifiedAt: '2026-03-09T00:00:00.000Z' })
    expect(applySubscriberGone(state, 5, null, '2026-03-09T00:00:00.000Z')).toBe(false)

    const other = aContactState({ subscriber: aSubscriber({ subscriberId: 5, newsletter: true }) })
    const replacement = aSubscriber({ subscriberId: 6, newsletter: true, modifiedAt: '2026-02-01T00:00:00.000Z' })
    expect(applySubscriberGone(other, 5, replacement, '2026-03-09T00:00:00.000Z')).toBe(true)
    expect(other.subscriber).toEqual(replacement)
  })

  it('a deleted customer account leaves the contact without it; another id changes nothing', () => {
    const state = aContactState({ customer: aCustomer({ customerId: 32 }) })
    expect(applyCustomerGone(state, 31)).toBe(false)
    expect(applyCustomerGone(state, 32)).toBe(true)
    expect(state.customer).toBeNull()
  })
})
