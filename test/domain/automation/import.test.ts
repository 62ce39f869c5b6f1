import { describe, expect, it } from 'vitest'
import {
  DAY, HOUR, MINUTE, at, cart, evaluate, isoPlus, keys, optedIn, order, plus, refund, shipment, withCarts, withOrders,
} from '../../support/factories'

const IMPORTED_AT = '2026-07-01T00:00:00.000Z'

describe('import mode (historical backfill)', () => {
  const history = () =>
    withCarts(
      withOrders(
        optedIn(),
        order(1, isoPlus(IMPORTED_AT, -300 * DAY), { shipments: [shipment(1, isoPlus(IMPORTED_AT, -299 * DAY))] }),
        order(2, isoPlus(IMPORTED_AT, -5 * DAY), { statusId: 14, refunds: [refund(1, isoPlus(IMPORTED_AT, -4 * DAY), '3')] }),
      ),
      cart('old', isoPlus(IMPORTED_AT, -2 * DAY)),
    )

  it('fires nothing and records nothing, not even triggers that fell due before the import', () => {
    const r = evaluate(history(), at(IMPORTED_AT), { mode: 'import' })
    expect(r.fired).toEqual([])
    expect(r.decisions).toEqual([])
    expect(r.state.automation.handled).toMatchObject({
      'order_placed:1': 'imported', 'order_shipped:1:1': 'imported', 'order_refunded:2:1': 'imported',
      'post_purchase_step:day_21': 'imported', [`cart_abandoned:old:${isoPlus(IMPORTED_AT, -2 * DAY)}`]: 'imported',
    })
  })

  it('leaves what falls due after the import to fire normally later', () => {
    const imported = evaluate(history(), at(IMPORTED_AT), { mode: 'import' })
    // The latest paid order lapses 120 days after it was placed.
    const lapse = isoPlus(IMPORTED_AT, 115 * DAY)
    expect(imported.nextWakeAt).toBe(lapse)
    const live = evaluate(imported.state, at(lapse))
    expect(keys(live.fired)).toEqual(['winback_due:2'])
  })

  it('keeps history silent when the first live evaluation comes after the import', () => {
    const imported = evaluate(history(), at(IMPORTED_AT), { mode: 'import' })
    const live = evaluate(imported.state, plus(IMPORTED_AT, MINUTE))
    expect(live.fired).toEqual([])
    expect(live.decisions).toEqual([])
  })

  it('fires what happens after the import: a new order, a new cart', () => {
    const imported = evaluate(history(), at(IMPORTED_AT), { mode: 'import' })
    const newOrder = isoPlus(IMPORTED_AT, HOUR)
    const r1 = evaluate(withOrders(imported.state, order(3, newOrder)), plus(IMPORTED_AT, 2 * HOUR))
    expect(keys(r1.fired)).toEqual(['order_placed:3'])
    const changed = isoPlus(IMPORTED_AT, 40 * DAY)
    const r2 = evaluate(withCarts(r1.state, cart('new', changed)), plus(changed, HOUR))
    expect(keys(r2.fired)).toEqual([`cart_abandoned:new:${changed}`])
  })

  it('remembers orders paid in history, so a later cancellation still fires', () => {
    const imported = evaluate(history(), at(IMPORTED_AT), { mode: 'import' })
    const cancelledAt = isoPlus(IMPORTED_AT, DAY)
    const cancelled = withOrders(imported.state, order(2, isoPlus(IMPORTED_AT, -5 * DAY), { statusId: 5, modifiedAt: cancelledAt }))
    expect(evaluate(cancelled, plus(IMPORTED_AT, 2 * DAY)).fired).toEqual([
      { trigger: 'order_cancelled', key: 'order_cancelled:2', at: cancelledAt },
    ])
  })
})
