import { describe, expect, it } from 'vitest'
import { applyContactChange, type ContactChange } from '../../src/domain/contact-change'
import { planContactChange, withHighValueCartTasks, type ContactPlanInputs } from '../../src/domain/contact-plan'
import type { ContactState } from '../../src/domain/contact-state'
import type { CartThresholds } from '../../src/domain/high-value-cart'
import { contactPlanWrites } from '../../src/hubspot/mapping/contact-plan-writes'
import { DAY, EMAIL, HOUR, MINUTE, at, cart, isoPlus, optedIn, order, plus, policy, refund, subscriber, withCarts } from '../support/factories'

const T0 = '2026-06-01T08:00:00.000Z'

/** One call on the contact as its Durable Object makes it: apply the change, then plan what follows. */
function change(state: ContactState, c: ContactChange, now: Date, inputs: Partial<Omit<ContactPlanInputs, 'touched'>> = {}) {
  const touched = applyContactChange(state, c, now)
  if (!touched) return null
  return planContactChange(state, now, policy(), { touched, mode: 'live', supportTickets: null, highValueCartPercentile: null, ...inputs })
}

describe('applyContactChange', () => {
  it('reports nothing to do when the change changes nothing and touches no record', () => {
    const state = optedIn()
    expect(applyContactChange(state, { kind: 'subscriber', subscriber: state.subscriber! }, at(T0))).toBeNull()
    expect(applyContactChange(state, { kind: 'subscriber', subscriber: subscriber(false, T0) }, at(T0))).toEqual({ orders: [], carts: [] })
  })

  it('always touches the order it was given, and the cart it converts', () => {
    const placed = order(10, T0, { cartId: 'c1' })
    const state = withCarts(optedIn(), cart('c1', isoPlus(T0, -HOUR)))
    expect(applyContactChange(state, { kind: 'order', order: placed }, at(T0))).toEqual({ orders: [placed], carts: ['c1'] })
    // A retry of the same order changes nothing but is written again.
    expect(applyContactChange(state, { kind: 'order', order: placed }, at(T0))).toEqual({ orders: [placed], carts: ['c1'] })
    expect(state.carts.c1!.status).toBe('converted')
  })

  it('a merge writes again what the other contact handed over; a merge of nothing and a wake-up still evaluate', () => {
    const other = withCarts(optedIn({ email: 'jane.work@example.com' }), cart('c2', T0))
    other.orders['11'] = order(11, T0)
    const state = optedIn()
    expect(applyContactChange(state, { kind: 'absorb', handed: other }, at(T0))).toEqual({ orders: [order(11, T0)], carts: ['c2'] })
    expect(Object.keys(state.orders)).toEqual(['11'])
    expect(applyContactChange(state, { kind: 'absorb', handed: null }, at(T0))).toEqual({ orders: [], carts: [] })
    expect(applyContactChange(state, { kind: 'wake' }, at(T0))).toEqual({ orders: [], carts: [] })
  })

  it('a cart moved to another contact changes this one but is written by the other only', () => {
    const state = withCarts(optedIn(), cart('c1', T0))
    expect(applyContactChange(state, { kind: 'cart_gone', cartId: 'c1', change: 'moved', orderId: null }, at(T0))).toEqual({ orders: [], carts: [] })
    const deleted = withCarts(optedIn(), cart('c1', T0))
    expect(applyContactChange(deleted, { kind: 'cart_gone', cartId: 'c1', change: 'deleted', orderId: null }, at(T0))).toEqual({ orders: [], carts: ['c1'] })
  })
})

describe('planContactChange', () => {
  it('an order placed: the contact and order records, the fired triggers and their decisions, the figures', () => {
    const state = optedIn()
    const plan = change(state, { kind: 'order', order: order(10, T0) }, plus(T0, MINUTE))!
    expect(plan.state).toBe(state)
    expect(plan.orders.map((o) => o.orderId)).toEqual([10])
    expect(plan.summary).toMatchObject({ email: EMAIL, orderCount: 1, lifetimeValue: '100', firstOrderAt: T0, lastOrderAt: T0 })
    expect(plan.fired.map((f) => f.key)).toEqual(['order_placed:10', 'post_purchase_step:day_0'])
    expect(plan.decisions.map((d) => [d.key, d.decision])).toEqual([['order_placed:10', 'fired'], ['post_purchase_step:day_0', 'fired']])
    // The fired keys are remembered in the new state: the same plan again fires nothing.
    expect(change(state, { kind: 'wake' }, plus(T0, 2 * MINUTE))!.fired).toEqual([])

    const { records, events } = contactPlanWrites(plan)
    expect(records.map((r) => [r.objectType, r.key])).toEqual([['contacts', EMAIL], ['orders', '10'], ['line_items', '1']])
    expect(records[0]!.triggers!.map((t) => t.property)).toEqual(['bc_order_placed_at', 'bc_post_purchase_step_at'])
    expect(events.map((e) => e.properties.bc_trigger_key)).toEqual(['order_placed:10', 'post_purchase_step:day_0'])
  })

  it('wakes at the next post-purchase step, and at the end of a cart quiet period when that comes first', () => {
    const state = optedIn()
    const placed = change(state, { kind: 'order', order: order(10, T0) }, at(T0))!
    expect(placed.wakeAt).toBe(Date.parse(isoPlus(T0, 3 * DAY)))

    const changed = isoPlus(T0, HOUR)
    const carted = change(state, { kind: 'cart', cart: cart('c1', changed), abandonedSignalAt: null }, at(changed))!
    expect(carted.wakeAt).toBe(Date.parse(isoPlus(changed, 45 * MINUTE)))
    expect(carted.carts.map((c) => c.cartId)).toEqual(['c1'])
    expect(carted.cartValues).toEqual([{ cartId: 'c1', currency: 'USD', amount: '59.5' }])
  })

  it('a refund after an abandoned cart was due to fire suppresses it, and the cart is written as abandoned', () => {
    const state = optedIn()
    change(state, { kind: 'order', order: order(400, isoPlus(T0, -5 * DAY)) }, at(T0))
    const changed = isoPlus(T0, HOUR)
    change(state, { kind: 'cart', cart: cart('c1', changed), abandonedSignalAt: null }, at(changed))
    const refunded = order(400, isoPlus(T0, -5 * DAY), { statusId: 14, modifiedAt: isoPlus(changed, 10 * MINUTE), refunds: [refund(9, isoPlus(changed, 10 * MINUTE), '5')] })
    change(state, { kind: 'order', order: refunded }, plus(changed, 10 * MINUTE))

    const woken = change(state, { kind: 'wake' }, plus(changed, HOUR))!
    expect(woken.fired.map((f) => f.trigger)).not.toContain('cart_abandoned')
    expect(woken.decisions).toEqual([expect.objectContaining({
      trigger: 'cart_abandoned', decision: 'suppressed', reason: expect.stringMatching(/REFUND_SUPPRESSION \(30d\) after refund 9 on order 400/),
    })])
    expect(woken.carts.map((c) => [c.cartId, c.status])).toEqual([['c1', 'abandoned']])
    const contact = contactPlanWrites(woken).records.find((r) => r.objectType === 'contacts')!
    expect(contact.triggers ?? []).toEqual([])
  })

  it('prices a fired abandoned cart only with the feature on: a task above the threshold, none at or below it', () => {
    const thresholds = (threshold: string): CartThresholds => ({ percentile: 75, computedAt: T0, currencies: { USD: { carts: 40, threshold } } })
    const abandoned = (percentile: number | null) => {
      const state = withCarts(optedIn(), cart('c1', T0))
      return change(state, { kind: 'wake' }, plus(T0, HOUR), { highValueCartPercentile: percentile })!
    }
    expect(abandoned(null).fired.map((f) => f.trigger)).toEqual(['cart_abandoned'])
    expect(abandoned(null).cartsToPrice).toBeNull()
    expect(abandoned(75).tasks).toEqual([])
    const tasks = withHighValueCartTasks(abandoned(75), thresholds('50')).tasks
    expect(tasks.map((t) => [t.cartId, t.value, t.threshold])).toEqual([['c1', '59.5', '50']])
    expect(contactPlanWrites(withHighValueCartTasks(abandoned(75), thresholds('50'))).records.map((r) => r.objectType)).toEqual(['contacts', 'carts', 'tasks'])
    expect(withHighValueCartTasks(abandoned(75), thresholds('59.5')).tasks).toEqual([])
    expect(withHighValueCartTasks(abandoned(75), null).tasks).toEqual([])
  })

  it('an import settles what is due without firing it', () => {
    const state = optedIn()
    const plan = change(state, { kind: 'order', order: order(10, T0) }, plus(T0, MINUTE), { mode: 'import' })!
    expect(plan.fired).toEqual([])
    expect(plan.orders.map((o) => o.orderId)).toEqual([10])
  })
})
