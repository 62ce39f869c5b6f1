import { describe, expect, it } from 'vitest'
import {
  MINUTE, SECOND, HOUR, at, cart, evaluate, isoPlus, keys, optedIn, order, plus, withCarts, withOrders,
} from '../../support/factories'

const CHANGED = '2026-05-04T12:00:00.000Z'
const ABANDONED = isoPlus(CHANGED, 45 * MINUTE)
const KEY = `cart_abandoned:c1:${CHANGED}`

describe('cart abandoned: the quiet period', () => {
  const state = withCarts(optedIn(), cart('c1', CHANGED))

  it('does not fire a second before CART_ABANDON_AFTER, and schedules the wake-up for that moment', () => {
    const r = evaluate(state, plus(ABANDONED, -SECOND))
    expect(r.fired).toEqual([])
    expect(r.nextWakeAt).toBe(ABANDONED)
  })

  it('fires exactly at the end of the quiet period with the recovery URL and value, at the abandonment time', () => {
    const r = evaluate(state, at(ABANDONED))
    expect(r.fired).toEqual([{
      trigger: 'cart_abandoned', key: KEY, at: ABANDONED,
      cartUrl: 'https://shop.example.com/cart.php?action=load&id=c1', cartValue: '59.5', cartCurrency: 'USD',
    }])
    expect(r.decisions).toEqual([{
      trigger: 'cart_abandoned', key: KEY, decision: 'fired', at: ABANDONED,
      reason: `cart c1 idle for 45m since ${CHANGED}`,
    }])
  })

  it('fires once when evaluated a second after, and never again for the same quiet period', () => {
    const r = evaluate(state, plus(ABANDONED, SECOND))
    expect(r.fired.map((f) => [f.key, f.at])).toEqual([[KEY, ABANDONED]])
    const again = evaluate(r.state, plus(ABANDONED, HOUR))
    expect(again.fired).toEqual([])
    expect(again.decisions).toEqual([])
  })
})

describe('cart abandoned: what stops it', () => {
  it('cart then order within the window: no trigger', () => {
    const state = withOrders(withCarts(optedIn(), cart('c1', CHANGED)), order(300, isoPlus(CHANGED, 10 * MINUTE)))
    const r = evaluate(state, plus(ABANDONED, HOUR))
    expect(keys(r.fired).filter((k) => k.startsWith('cart_abandoned'))).toEqual([])
  })

  it('an order placed before the cart last changed does not stop it', () => {
    const before = withOrders(withCarts(optedIn(), cart('c1', CHANGED)), order(301, isoPlus(CHANGED, -MINUTE)))
    expect(keys(evaluate(before, at(ABANDONED)).fired)).toContain(KEY)
  })

  it('never fires for a converted, emptied or deleted cart, or one without an email', () => {
    for (const c of [
      cart('c1', CHANGED, { status: 'converted', convertedOrderId: 5 }),
      cart('c1', CHANGED, { status: 'emptied' }),
      cart('c1', CHANGED, { lines: [] }),
      cart('c1', CHANGED, { status: 'deleted' }),
      cart('c1', CHANGED, { email: null }),
    ]) {
      expect(evaluate(withCarts(optedIn(), c), plus(ABANDONED, HOUR)).fired).toEqual([])
    }
  })

  it('fires again after the cart changes and goes quiet again', () => {
    const first = evaluate(withCarts(optedIn(), cart('c1', CHANGED)), at(ABANDONED))
    const changedAgain = isoPlus(CHANGED, 2 * HOUR)
    const updated = withCarts(first.state, cart('c1', changedAgain, { createdAt: CHANGED, amount: '80' }))
    expect(evaluate(updated, plus(changedAgain, 44 * MINUTE)).fired).toEqual([])
    const second = evaluate(updated, plus(changedAgain, 45 * MINUTE))
    expect(second.fired).toEqual([expect.objectContaining({
      key: `cart_abandoned:c1:${changedAgain}`, at: isoPlus(changedAgain, 45 * MINUTE), cartValue: '80',
    })])
  })
})

describe("cart abandoned: BigCommerce's own signal", () => {
  it('marks the cart abandoned at the signal when it comes before our quiet period ends', () => {
    const signal = isoPlus(CHANGED, 30 * MINUTE)
    const r = evaluate(withCarts(optedIn(), cart('c1', CHANGED, { abandonedSignalAt: signal })), plus(signal, SECOND))
    expect(r.fired.map((f) => [f.key, f.at])).toEqual([[KEY, signal]])
    expect(r.decisions[0].reason).toContain('BigCommerce marked cart c1 abandoned')
  })

  it('never fires a second time when the signal arrives after we fired', () => {
    const first = evaluate(withCarts(optedIn(), cart('c1', CHANGED)), at(ABANDONED))
    const signalled = withCarts(first.state, cart('c1', CHANGED, { abandonedSignalAt: isoPlus(CHANGED, HOUR) }))
    const r = evaluate(signalled, plus(CHANGED, HOUR + MINUTE))
    expect(r.fired).toEqual([])
    expect(r.decisions).toEqual([])
  })

  it('ignores a signal older than the cart’s last change', () => {
    const state = withCarts(optedIn(), cart('c1', CHANGED, { abandonedSignalAt: isoPlus(CHANGED, -HOUR) }))
    expect(evaluate(state, plus(ABANDONED, -SECOND)).fired).toEqual([])
  })
})
