import { describe, expect, it } from 'vitest'
import {
  DAY, HOUR, at, contact, evaluate, isoPlus, keys, order, plus, refund, shipment, withOrders,
} from '../../support/factories'

const T0 = '2026-04-01T09:00:00.000Z'

describe('order placed', () => {
  it('fires once per order, carrying the order creation time, even without marketing consent', () => {
    const state = withOrders(contact(), order(250, T0))
    const first = evaluate(state, plus(T0, 5000))
    expect(first.fired.filter((f) => f.trigger === 'order_placed')).toEqual([
      { trigger: 'order_placed', key: 'order_placed:250', at: T0 },
    ])
    expect(first.decisions.find((d) => d.key === 'order_placed:250')).toMatchObject({
      decision: 'fired', reason: expect.stringContaining('order 250 counts as paid'), at: isoPlus(T0, 5000),
    })
    // Same state, same time: nothing new.
    const again = evaluate(first.state, plus(T0, 5000))
    expect(again.fired).toEqual([])
    expect(again.decisions).toEqual([])
  })

  it('fires a pending order only when it is paid, with its creation time', () => {
    const pending = evaluate(withOrders(contact(), order(251, T0, { statusId: 7 })), plus(T0, HOUR))
    expect(keys(pending.fired)).toEqual([])
    const paid = evaluate(withOrders(pending.state, order(251, T0, { statusId: 11, modifiedAt: isoPlus(T0, DAY) })),
      plus(T0, DAY))
    expect(paid.fired.find((f) => f.trigger === 'order_placed')).toEqual({
      trigger: 'order_placed', key: 'order_placed:251', at: T0,
    })
  })

  it('does not fire again when a duplicated or late update of the order arrives', () => {
    const first = evaluate(withOrders(contact(), order(252, T0, { statusId: 11 })), plus(T0, HOUR))
    // A late webhook hydrates an older status after the newer one: still the same order, nothing new.
    const late = evaluate(withOrders(first.state, order(252, T0, { statusId: 9 })), plus(T0, 2 * HOUR))
    expect(late.fired).toEqual([])
    const shipped = evaluate(withOrders(late.state, order(252, T0, { statusId: 2 })), plus(T0, 3 * HOUR))
    expect(keys(shipped.fired)).not.toContain('order_placed:252')
  })
})

describe('shipped and refunded', () => {
  it('fires once per shipment and once per refund, partial ones too, at their own times', () => {
    const s1 = isoPlus(T0, DAY)
    const s2 = isoPlus(T0, 2 * DAY)
    const r1 = isoPlus(T0, 3 * DAY)
    const base = evaluate(withOrders(contact(), order(260, T0)), plus(T0, HOUR)).state
    const oneShipment = evaluate(withOrders(base, order(260, T0, { statusId: 3, shipments: [shipment(1, s1)] })), at(s1))
    expect(oneShipment.fired).toEqual([{ trigger: 'order_shipped', key: 'order_shipped:260:1', at: s1 }])
    const twoShipments = evaluate(
      withOrders(oneShipment.state, order(260, T0, { statusId: 2, shipments: [shipment(1, s1), shipment(2, s2)] })),
      at(s2),
    )
    expect(twoShipments.fired).toEqual([{ trigger: 'order_shipped', key: 'order_shipped:260:2', at: s2 }])
    const refunded = evaluate(
      withOrders(twoShipments.state, order(260, T0, {
        statusId: 14, shipments: [shipment(1, s1), shipment(2, s2)], refunds: [refund(5, r1, '10')],
      })),
      plus(r1, 1000),
    )
    expect(refunded.fired).toEqual([{ trigger: 'order_refunded', key: 'order_refunded:260:5', at: r1 }])
  })
})

describe('cancelled', () => {
  it('fires once for an order cancelled after it counted as paid, at the cancellation', () => {
    const paid = evaluate(withOrders(contact(), order(270, T0)), plus(T0, HOUR)).state
    const cancelledAt = isoPlus(T0, 2 * HOUR)
    const cancelled = evaluate(withOrders(paid, order(270, T0, { statusId: 5, modifiedAt: cancelledAt })), plus(T0, 3 * HOUR))
    expect(cancelled.fired).toEqual([{ trigger: 'order_cancelled', key: 'order_cancelled:270', at: cancelledAt }])
    // A later modification of the cancelled order changes nothing.
    const touched = evaluate(
      withOrders(cancelled.state, order(270, T0, { statusId: 6, modifiedAt: isoPlus(T0, 5 * HOUR) })),
      plus(T0, 6 * HOUR),
    )
    expect(touched.fired).toEqual([])
  })

  it('does not fire for an order declined before it was ever paid', () => {
    const pending = evaluate(withOrders(contact(), order(271, T0, { statusId: 1 })), plus(T0, HOUR)).state
    const declined = evaluate(withOrders(pending, order(271, T0, { statusId: 6, modifiedAt: isoPlus(T0, HOUR) })),
      plus(T0, 2 * HOUR))
    expect(declined.fired).toEqual([])
    expect(declined.decisions).toEqual([])
  })
})
