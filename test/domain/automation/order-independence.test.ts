import { describe, expect, it } from 'vitest'
import type { ContactState } from '../../../src/domain/contact-state'
import {
  DAY, HOUR, MINUTE, cart, evaluate, isoPlus, optedIn, order, plus, refund, shipment, withCarts, withOrders,
} from '../../support/factories'

const T0 = '2026-09-01T12:00:00.000Z'

/** The snapshots a contact goes through as webhooks arrive: each is the latest hydrated truth at that point. */
const pending = order(700, isoPlus(T0, 10 * MINUTE), { statusId: 1, cartId: 'c1' })
const paid = order(700, isoPlus(T0, 10 * MINUTE), { statusId: 11, cartId: 'c1', modifiedAt: isoPlus(T0, 12 * MINUTE) })
const shipped = { ...paid, statusId: 2, shipments: [shipment(1, isoPlus(T0, DAY))] }
const refunded = { ...shipped, statusId: 14, refunds: [refund(1, isoPlus(T0, 2 * DAY), '10')] }
const openCart = cart('c1', T0)
const convertedCart = cart('c1', T0, { status: 'converted', convertedOrderId: 700 })

const snapshot = (o: typeof paid | null, c: typeof openCart) => {
  const base: ContactState = withCarts(optedIn(), c)
  return o ? withOrders(base, o) : base
}

/** Plays snapshots at their delivery times and returns every fired key, in firing order. */
function play(deliveries: [ContactState, Date][]): string[] {
  let automation = deliveries[0][0].automation
  const fired: string[] = []
  for (const [state, now] of deliveries) {
    const r = evaluate({ ...state, automation }, now)
    automation = r.state.automation
    fired.push(...r.fired.map((f) => f.key))
  }
  return fired
}

describe('duplicated and out-of-order deliveries', () => {
  const inOrder: [ContactState, Date][] = [
    [snapshot(null, openCart), plus(T0, MINUTE)],
    [snapshot(pending, openCart), plus(T0, 11 * MINUTE)],
    [snapshot(paid, convertedCart), plus(T0, 13 * MINUTE)],
    [snapshot(shipped, convertedCart), plus(T0, DAY + MINUTE)],
    [snapshot(refunded, convertedCart), plus(T0, 2 * DAY + MINUTE)],
  ]

  it('fires each trigger exactly once, and the cart never, when events come in order', () => {
    expect(play(inOrder).sort()).toEqual([
      'order_placed:700', 'order_refunded:700:1', 'order_shipped:700:1', 'post_purchase_step:day_0',
    ])
  })

  it('fires the same set, once each, when deliveries are duplicated and late', () => {
    const shuffled: [ContactState, Date][] = [
      [snapshot(paid, convertedCart), plus(T0, 13 * MINUTE)],
      [snapshot(paid, convertedCart), plus(T0, 14 * MINUTE)], // duplicate
      // The cart's own event arrives late; the state it is applied to is hydrated, so the cart shows converted.
      [snapshot(paid, convertedCart), plus(T0, HOUR)],
      [snapshot(refunded, convertedCart), plus(T0, 2 * DAY + MINUTE)],
      [snapshot(shipped, convertedCart), plus(T0, 2 * DAY + 2 * MINUTE)], // stale shipment snapshot
      [snapshot(refunded, convertedCart), plus(T0, 2 * DAY + 3 * MINUTE)],
    ]
    const fired = play(shuffled)
    expect(fired.sort()).toEqual(play(inOrder).sort())
    expect(new Set(fired).size).toBe(fired.length)
  })
})
