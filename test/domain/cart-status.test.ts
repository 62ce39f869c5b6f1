import { describe, expect, it } from 'vitest'
import { markAbandonedCarts, nextCartAbandonmentAt } from '../../src/domain/cart-status'
import { MINUTE, SECOND, cart, contact, isoPlus, order, policy, withCarts, withOrders } from './factories'

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
