import { describe, expect, it } from 'vitest'
import { markAbandonedCarts, nextCartAbandonmentAt, pruneClosedCarts } from '../../src/domain/cart-status'
import {
  DAY, HOUR, MINUTE, SECOND, cart, contact, evaluate, isoPlus, keys, optedIn, order, policy, view, withCarts, withOrders,
} from '../support/factories'

const CHANGED = '2026-05-04T12:00:00.000Z'
const ABANDONED = Date.parse(isoPlus(CHANGED, 45 * MINUTE))

describe('cart status: abandoned is a fact about the cart', () => {
  it('marks an open cart abandoned at the end of its quiet period, consent or not, and not a second before', () => {
    const state = withCarts(contact(), cart('c1', CHANGED))
    expect(nextCartAbandonmentAt(state, ABANDONED - SECOND, policy())).toBe(ABANDONED)
    expect(markAbandonedCarts(state, ABANDONED - SECOND, policy())).toEqual([])
    expect(state.carts.c1!.status).toBe('open')
    expect(markAbandonedCarts(state, ABANDONED, policy())).toEqual(['c1'])
    expect(state.carts.c1!.status).toBe('abandoned')
    expect(nextCartAbandonmentAt(state, ABANDONED, policy())).toBeNull()
    // Marked once: a later look changes nothing.
    expect(markAbandonedCarts(state, ABANDONED + MINUTE, policy())).toEqual([])
  })

  it("follows BigCommerce's own signal when it comes within the quiet period", () => {
    const signalAt = isoPlus(CHANGED, 10 * MINUTE)
    const state = withCarts(contact(), cart('c1', CHANGED, { abandonedSignalAt: signalAt }))
    expect(markAbandonedCarts(state, Date.parse(signalAt), policy())).toEqual(['c1'])
  })

  it('never marks a converted, emptied or email-less cart, nor one followed by an order', () => {
    const state = withOrders(
      withCarts(
        contact(),
        cart('converted', CHANGED, { status: 'converted', convertedOrderId: 9 }),
        cart('emptied', CHANGED, { status: 'emptied', lines: [] }),
        cart('anonymous', CHANGED, { email: null }),
        cart('then-ordered', CHANGED),
      ),
      order(7, isoPlus(CHANGED, 5 * MINUTE)),
    )
    expect(markAbandonedCarts(state, ABANDONED + MINUTE, policy())).toEqual([])
    expect(nextCartAbandonmentAt(state, ABANDONED - MINUTE, policy())).toBeNull()
  })
})

describe('closed carts leave the stored state', () => {
  const T = '2026-05-04T12:00:00.000Z'
  const now = (days: number) => Date.parse(T) + days * DAY

  it('removes carts not changed for 30 days (BigCommerce has dropped them by then), whatever their status', () => {
    const state = withCarts(
      contact(),
      cart('converted', T, { status: 'converted', convertedOrderId: 9 }),
      cart('deleted', T, { status: 'deleted' }),
      cart('abandoned', T, { status: 'abandoned' }),
      cart('recent', isoPlus(T, 2 * DAY), { status: 'emptied', lines: [] }),
    )
    expect(pruneClosedCarts(state, now(30) - 1)).toEqual([])
    expect(Object.keys(state.carts)).toHaveLength(4)
    expect(pruneClosedCarts(state, now(30)).sort()).toEqual(['abandoned', 'converted', 'deleted'])
    expect(Object.keys(state.carts)).toEqual(['recent'])
    expect(pruneClosedCarts(state, now(31))).toEqual([])
    expect(pruneClosedCarts(state, now(32))).toEqual(['recent'])
    expect(state.carts).toEqual({})
  })

  it('takes the views that cart followed with it, so they never look like browsing nobody followed up', () => {
    const state = optedIn({ productViews: [view(1, isoPlus(T, -HOUR)), view(2, isoPlus(T, 40 * DAY))] })
    const carted = withCarts(state, cart('c1', T, { status: 'converted', convertedOrderId: 9 }))
    pruneClosedCarts(carted, now(40) + MINUTE)
    expect(carted.carts).toEqual({})
    expect(carted.productViews.map((v) => v.productId)).toEqual([2])
    // The old view, had it stayed, would now fire a browse-abandoned trigger for a month-old visit.
    const fired = evaluate(carted, new Date(now(40) + 7 * HOUR)).fired
    expect(keys(fired)).toEqual([`browse_abandoned:${isoPlus(T, 40 * DAY)}`])
  })
})
