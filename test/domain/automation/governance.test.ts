import { describe, expect, it } from 'vitest'
import type { ContactState } from '../../../src/domain/contact-state'
import {
  DAY, HOUR, MINUTE, SECOND, at, cart, contact, customer, evaluate, isoPlus, keys, optedIn, order, plus, policy,
  refund, subscriber, withCarts, withOrders,
} from '../../support/factories'

const T0 = '2026-06-01T08:00:00.000Z'
const cartKey = (id: string, changed: string) => `cart_abandoned:${id}:${changed}`

describe('consent', () => {
  it('suppresses a marketing trigger for a contact without consent, once, with the reason', () => {
    const state = withCarts(contact(), cart('c1', T0))
    const r = evaluate(state, plus(T0, HOUR))
    expect(r.fired).toEqual([])
    expect(r.decisions).toEqual([{
      trigger: 'cart_abandoned', key: cartKey('c1', T0), decision: 'suppressed', at: isoPlus(T0, HOUR),
      reason: expect.stringContaining('email consent is unknown'),
    }])
    // Settled: later evaluations record nothing more, even once the contact opts in.
    const later = evaluate({ ...r.state, subscriber: subscriber(true, isoPlus(T0, 2 * HOUR)) }, plus(T0, 3 * HOUR))
    expect(later.decisions).toEqual([])
  })

  it('suppresses an opted-out contact', () => {
    const state = withCarts(contact({ subscriber: subscriber(false, '2025-01-01T00:00:00.000Z') }), cart('c1', T0))
    const r = evaluate(state, plus(T0, HOUR))
    expect(r.decisions.map((d) => [d.decision, d.reason.includes('opted_out')])).toEqual([['suppressed', true]])
  })

  it('lets an abandoned cart through on abandoned-cart consent alone', () => {
    const state = withCarts(contact({ customer: customer({ acceptsAbandonedCartEmails: true }) }), cart('c1', T0))
    expect(keys(evaluate(state, plus(T0, HOUR)).fired)).toEqual([cartKey('c1', T0)])
  })
})

describe('refund suppression', () => {
  const REFUNDED = T0
  const withRefund = (s: ContactState) =>
    withOrders(s, order(400, isoPlus(T0, -5 * DAY), { statusId: 14, refunds: [refund(9, REFUNDED, '5')] }))
  // The order itself is history here: settle it first so only the cart is in question.
  const settled = () => evaluate(withRefund(optedIn()), at(REFUNDED)).state

  it('a refund followed by an abandoned cart: suppressed, with the reason', () => {
    const changed = isoPlus(REFUNDED, 2 * DAY)
    const r = evaluate(withCarts(settled(), cart('c1', changed)), plus(changed, HOUR))
    expect(r.fired).toEqual([])
    expect(r.decisions).toEqual([expect.objectContaining({
      trigger: 'cart_abandoned', decision: 'suppressed',
      reason: expect.stringMatching(/REFUND_SUPPRESSION \(30d\) after refund 9 on order 400/),
    })])
  })

  it('suppresses a second before the window ends and lets through exactly at its end and after', () => {
    const endsAt = isoPlus(REFUNDED, 30 * DAY)
    const cartAt = (due: string) => withCarts(settled(), cart('c1', isoPlus(due, -45 * MINUTE)))
    const before = evaluate(cartAt(isoPlus(endsAt, -SECOND)), plus(endsAt, -SECOND))
    const cartDecisions = before.decisions.filter((d) => d.trigger === 'cart_abandoned')
    expect(cartDecisions.map((d) => d.decision)).toEqual(['suppressed'])
    expect(keys(evaluate(cartAt(endsAt), at(endsAt)).fired)).toHaveLength(1)
    expect(keys(evaluate(cartAt(isoPlus(endsAt, SECOND)), plus(endsAt, SECOND)).fired)).toHaveLength(1)
  })

  it('counts a cancellation of a paid order too, but never holds back a transactional trigger', () => {
    const paid = evaluate(withOrders(optedIn(), order(401, T0)), plus(T0, MINUTE)).state
    const cancelledAt = isoPlus(T0, HOUR)
    const cancelled = withOrders(paid, order(401, T0, { statusId: 5, modifiedAt: cancelledAt }))
    const changed = isoPlus(T0, 2 * HOUR)
    const r = evaluate(withCarts(cancelled, cart('c1', changed)), plus(changed, HOUR))
    expect(keys(r.fired)).toEqual(['order_cancelled:401'])
    expect(r.decisions.find((d) => d.trigger === 'cart_abandoned')).toMatchObject({
      decision: 'suppressed', reason: expect.stringContaining('cancellation of order 401'),
    })
  })
})

describe('marketing cap', () => {
  // Five carts abandoned a day apart, all within one 7-day window.
  const changedAt = (i: number) => isoPlus(T0, i * DAY)
  const dueAt = (i: number) => plus(changedAt(i), 45 * MINUTE)

  function fiveCarts() {
    let state: ContactState = optedIn()
    const log: { fired: string[]; decisions: string[]; wake: string | null }[] = []
    for (let i = 0; i < 5; i++) {
      state = withCarts(state, cart(`c${i}`, changedAt(i)))
      const r = evaluate(state, dueAt(i))
      state = r.state
      log.push({ fired: keys(r.fired), decisions: r.decisions.map((d) => d.decision), wake: r.nextWakeAt })
    }
    return { state, log }
  }

  it('five abandoned carts in one window with a cap of 3: three fire, two are deferred', () => {
    const { state, log } = fiveCarts()
    expect(log.map((l) => l.decisions)).toEqual([['fired'], ['fired'], ['fired'], ['deferred'], ['deferred']])
    // A slot frees one window after the first send.
    expect(log[3].wake).toBe(new Date(dueAt(0).getTime() + 7 * DAY).toISOString())
    expect(Object.keys(state.automation.deferred)).toEqual([cartKey('c3', changedAt(3)), cartKey('c4', changedAt(4))])
  })

  it('records a deferral once, not on every evaluation', () => {
    const { state } = fiveCarts()
    const r = evaluate(state, plus(changedAt(4), 2 * HOUR))
    expect(r.decisions).toEqual([])
    expect(r.fired).toEqual([])
  })

  it('fires the deferred carts as the window moves, each at its own abandonment time', () => {
    const { state } = fiveCarts()
    const firstFree = new Date(dueAt(0).getTime() + 7 * DAY)
    const early = evaluate(state, new Date(firstFree.getTime() - SECOND))
    expect(early.fired).toEqual([])
    const one = evaluate(state, firstFree)
    expect(one.fired.map((f) => [f.key, f.at])).toEqual([[cartKey('c3', changedAt(3)), dueAt(3).toISOString()]])
    expect(one.decisions[0]).toMatchObject({ decision: 'fired', reason: expect.stringContaining('deferred since') })
    expect(one.nextWakeAt).toBe(new Date(dueAt(1).getTime() + 7 * DAY).toISOString())
    const two = evaluate(one.state, new Date(dueAt(1).getTime() + 7 * DAY))
    expect(keys(two.fired)).toEqual([cartKey('c4', changedAt(4))])
    expect(Object.keys(two.state.automation.deferred)).toEqual([])
  })

  it('cancels a deferred cart whose cause is gone: the cart converted', () => {
    const { state } = fiveCarts()
    const converted = withCarts(state, cart('c3', changedAt(3), { status: 'converted', convertedOrderId: 77 }))
    const r = evaluate(converted, plus(changedAt(4), 3 * HOUR))
    expect(r.decisions).toEqual([expect.objectContaining({
      key: cartKey('c3', changedAt(3)), decision: 'cancelled', reason: 'cart c3 converted to order 77',
    })])
    expect(Object.keys(r.state.automation.deferred)).toEqual([cartKey('c4', changedAt(4))])
  })

  it('cancels a deferred cart when an order came since its last change', () => {
    const { state } = fiveCarts()
    const ordered = withOrders(state, order(500, isoPlus(changedAt(4), 2 * HOUR)))
    const r = evaluate(ordered, plus(changedAt(4), 3 * HOUR))
    const cancelled = r.decisions.filter((d) => d.decision === 'cancelled')
    expect(cancelled.map((d) => d.key)).toEqual([cartKey('c3', changedAt(3)), cartKey('c4', changedAt(4))])
    expect(cancelled[0].reason).toBe('order 500 was placed after cart c3 last changed')
  })

  it('gives a free slot to an abandoned cart before a winback that fell due earlier', () => {
    const lastOrder = isoPlus(T0, -120 * DAY - HOUR)
    const state = withCarts(withOrders(optedIn(), order(600, lastOrder)), cart('c1', isoPlus(T0, -45 * MINUTE)))
    const r = evaluate(state, at(T0), { policy: policy({ marketingCap: 1, postPurchaseSteps: [] }) })
    expect(r.decisions.map((d) => [d.trigger, d.decision])).toEqual([
      ['order_placed', 'fired'],
      ['cart_abandoned', 'fired'],
      ['winback_due', 'deferred'],
    ])
    expect(r.nextWakeAt).toBe(isoPlus(T0, 7 * DAY))
  })

  it('suppresses every marketing trigger with a cap of 0', () => {
    const r = evaluate(withCarts(optedIn(), cart('c1', T0)), plus(T0, HOUR), { policy: policy({ marketingCap: 0 }) })
    expect(r.decisions).toEqual([expect.objectContaining({ decision: 'suppressed', reason: expect.stringContaining('MARKETING_CAP is 0') })])
  })
})
