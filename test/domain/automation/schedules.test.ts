import { describe, expect, it } from 'vitest'
import type { ContactState } from '../../../src/domain/contact-state'
import {
  DAY, HOUR, MINUTE, SECOND, at, cart, contact, evaluate, isoPlus, keys, line, optedIn, order, plus, policy, refund,
  steps, view, withCarts, withOrders,
} from '../../support/factories'

const T0 = '2026-02-01T15:00:00.000Z'

describe('post-purchase steps', () => {
  const firstOrder = () => evaluate(withOrders(optedIn(), order(100, T0)), plus(T0, MINUTE))

  it('fires day_0 with the first paid order, then each later step once when it falls due', () => {
    const first = firstOrder()
    expect(first.fired.filter((f) => f.trigger === 'post_purchase_step')).toEqual([
      { trigger: 'post_purchase_step', key: 'post_purchase_step:day_0', at: T0, step: 'day_0' },
    ])
    expect(first.nextWakeAt).toBe(isoPlus(T0, 3 * DAY))
    expect(evaluate(first.state, plus(T0, 3 * DAY - SECOND)).fired).toEqual([])
    const day3 = evaluate(first.state, plus(T0, 3 * DAY))
    expect(day3.fired).toEqual([
      { trigger: 'post_purchase_step', key: 'post_purchase_step:day_3', at: isoPlus(T0, 3 * DAY), step: 'day_3' },
    ])
    expect(evaluate(day3.state, plus(T0, 3 * DAY + SECOND)).fired).toEqual([])
    expect(day3.nextWakeAt).toBe(isoPlus(T0, 10 * DAY))
  })

  it('runs once per contact: a second order starts no new series', () => {
    const first = firstOrder()
    const second = evaluate(withOrders(first.state, order(101, isoPlus(T0, DAY))), plus(T0, DAY + MINUTE))
    expect(keys(second.fired)).toEqual(['order_placed:101'])
  })

  it('fires day_0 without marketing consent, but not later steps', () => {
    const first = evaluate(withOrders(contact(), order(100, T0)), plus(T0, MINUTE))
    expect(keys(first.fired)).toContain('post_purchase_step:day_0')
    const day3 = evaluate(first.state, plus(T0, 3 * DAY))
    expect(day3.decisions).toEqual([expect.objectContaining({ key: 'post_purchase_step:day_3', decision: 'suppressed' })])
  })

  it('skips the later steps once a refund happened, recording each as cancelled', () => {
    const first = firstOrder()
    const refunded = withOrders(first.state, order(100, T0, { statusId: 14, refunds: [refund(3, isoPlus(T0, DAY), '10')] }))
    const r = evaluate(refunded, plus(T0, 3 * DAY))
    expect(keys(r.fired)).toEqual(['order_refunded:100:3'])
    expect(r.decisions.find((d) => d.key === 'post_purchase_step:day_3')).toMatchObject({
      decision: 'cancelled', reason: expect.stringContaining('refund 3 on order 100'),
    })
    expect(evaluate(r.state, plus(T0, 3 * DAY + HOUR)).decisions).toEqual([])
  })

  it('names steps after their unit: 12h → hour_12, 45m → minute_45', () => {
    const p = policy({ postPurchaseSteps: steps('0d', '45m', '12h') })
    const r = evaluate(withOrders(optedIn(), order(100, T0)), plus(T0, 12 * HOUR), { policy: p })
    expect(r.fired.filter((f) => f.trigger === 'post_purchase_step').map((f) => [f.step, f.at])).toEqual([
      ['day_0', T0], ['minute_45', isoPlus(T0, 45 * MINUTE)], ['hour_12', isoPlus(T0, 12 * HOUR)],
    ])
  })
})

describe('winback', () => {
  const paidOnce = (): ContactState => withOrders(optedIn(), order(100, T0))
  const lapse = isoPlus(T0, 120 * DAY)
  const P = policy({ postPurchaseSteps: [] })

  it('fires once when the customer passes LAPSED_AFTER, not a second before', () => {
    const settled = evaluate(paidOnce(), plus(T0, MINUTE), { policy: P })
    expect(settled.nextWakeAt).toBe(lapse)
    expect(evaluate(settled.state, plus(lapse, -SECOND), { policy: P }).fired).toEqual([])
    const r = evaluate(settled.state, at(lapse), { policy: P })
    expect(r.fired).toEqual([{ trigger: 'winback_due', key: 'winback_due:100', at: lapse }])
    expect(evaluate(r.state, plus(lapse, DAY), { policy: P }).fired).toEqual([])
  })

  it('fires again only after a new order lapses in turn', () => {
    const first = evaluate(evaluate(paidOnce(), plus(T0, MINUTE), { policy: P }).state, at(lapse), { policy: P })
    const reorder = isoPlus(lapse, 10 * DAY)
    const back = evaluate(withOrders(first.state, order(101, reorder)), plus(reorder, MINUTE), { policy: P })
    expect(keys(back.fired)).toEqual(['order_placed:101'])
    const again = evaluate(back.state, plus(reorder, 120 * DAY), { policy: P })
    expect(keys(again.fired)).toEqual(['winback_due:101'])
  })

  it('a deferred winback is cancelled when a new order comes', () => {
    const capped = policy({ postPurchaseSteps: [], marketingCap: 1 })
    let state = evaluate(withCarts(paidOnce(), cart('c1', isoPlus(lapse, -HOUR), { createdAt: isoPlus(T0, -DAY) })),
      plus(T0, MINUTE), { policy: capped }).state
    const r = evaluate(state, at(lapse), { policy: capped })
    // The cart, abandoned a quarter of an hour before, takes the only slot.
    expect(r.decisions.map((d) => [d.trigger, d.decision])).toEqual([['cart_abandoned', 'fired'], ['winback_due', 'deferred']])
    state = withOrders(r.state, order(102, isoPlus(lapse, DAY)))
    const after = evaluate(state, plus(lapse, DAY + MINUTE), { policy: capped })
    expect(after.decisions.find((d) => d.trigger === 'winback_due')).toMatchObject({
      decision: 'cancelled', reason: 'a new order came (order 102)',
    })
  })
})

describe('replenishment', () => {
  const P = policy({ postPurchaseSteps: [], lapsedAfterMs: 400 * DAY })
  const coffee = [line({ category: 'Coffee' })]
  const twoOrders = () =>
    withOrders(optedIn(), order(1, T0, { lines: coffee }), order(2, isoPlus(T0, 30 * DAY), { lines: coffee }))
  const due = isoPlus(T0, 60 * DAY)

  it('comes due at the last purchase plus the median interval, once per due date', () => {
    const settled = evaluate(twoOrders(), plus(T0, 30 * DAY + MINUTE), { policy: P })
    expect(settled.nextWakeAt).toBe(due)
    expect(evaluate(settled.state, plus(due, -SECOND), { policy: P }).fired).toEqual([])
    const r = evaluate(settled.state, at(due), { policy: P })
    expect(r.fired).toEqual([{ trigger: 'replenishment_due', key: `replenishment_due:Coffee:${due}`, at: due }])
    expect(evaluate(r.state, plus(due, DAY), { policy: P }).fired).toEqual([])
  })

  it('a new order in the category moves the due date instead of firing', () => {
    const settled = evaluate(twoOrders(), plus(T0, 30 * DAY + MINUTE), { policy: P })
    const third = withOrders(settled.state, order(3, isoPlus(T0, 50 * DAY), { lines: coffee }))
    const r = evaluate(third, at(due), { policy: P })
    expect(keys(r.fired)).toEqual(['order_placed:3'])
    // intervals 30d and 20d → median 25d after day 50
    expect(r.nextWakeAt).toBe(isoPlus(T0, 75 * DAY))
  })
})

describe('browse abandoned', () => {
  const P = policy()
  const V = '2026-02-10T10:00:00.000Z'

  it('fires BROWSE_ABANDON_AFTER after the last view with no cart or order, naming the product', () => {
    const state = optedIn({ productViews: [view(1, isoPlus(V, -HOUR), 'Grinder'), view(2, V, 'Kettle')] })
    const before = evaluate(state, plus(V, 6 * HOUR - SECOND), { policy: P })
    expect(before.fired).toEqual([])
    expect(before.nextWakeAt).toBe(isoPlus(V, 6 * HOUR))
    const r = evaluate(state, plus(V, 6 * HOUR), { policy: P })
    expect(r.fired).toEqual([{
      trigger: 'browse_abandoned', key: `browse_abandoned:${V}`, at: isoPlus(V, 6 * HOUR), productName: 'Kettle',
    }])
    expect(evaluate(r.state, plus(V, 7 * HOUR), { policy: P }).fired).toEqual([])
  })

  it('does not fire when a cart or an order followed the views', () => {
    const viewed = optedIn({ productViews: [view(1, V)] })
    const carted = withCarts(viewed, cart('c1', isoPlus(V, MINUTE), { status: 'converted', convertedOrderId: 9 }))
    expect(keys(evaluate(carted, plus(V, 7 * HOUR), { policy: P }).fired)).toEqual([])
    const ordered = withOrders(viewed, order(9, isoPlus(V, MINUTE), { statusId: 1 }))
    expect(keys(evaluate(ordered, plus(V, 7 * HOUR), { policy: P }).fired)).toEqual([])
  })
})
