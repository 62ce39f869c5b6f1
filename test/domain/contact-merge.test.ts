import { describe, expect, it } from 'vitest'
import { evaluateAutomation } from '../../src/domain/automation/evaluate'
import { capCheck } from '../../src/domain/caps'
import { absorbContact, mergeAutomation } from '../../src/domain/contact-merge'
import { summarizeContact } from '../../src/domain/lifecycle'
import { aCartState, aContactState, aCustomer, anOrder, aSubscriber, DAY, policy } from '../support/factories'

const NOW = new Date('2026-06-01T12:00:00.000Z')

describe('absorbing a contact found to be the same person', () => {
  it('sums lifetime value and orders over both, keeps the survivor\'s account, and counts since the earliest', () => {
    const member = aContactState({
      email: 'member@example.com',
      customer: aCustomer({ customerId: 9, email: 'member@example.com', createdAt: '2026-04-01T00:00:00.000Z' }),
      orders: { 2: anOrder({ orderId: 2, email: 'member@example.com', customerId: 9, totalIncTax: '30', createdAt: '2026-05-01T10:00:00.000Z' }) },
    })
    const guest = aContactState({
      email: 'guest@example.com',
      orders: { 1: anOrder({ orderId: 1, email: 'guest@example.com', totalIncTax: '70', createdAt: '2026-02-01T10:00:00.000Z' }) },
      carts: { c1: aCartState({ cartId: 'c1', email: 'guest@example.com' }) },
    })
    const merged = absorbContact(member, guest)
    expect(merged.changed).toBe(true)
    expect(merged.orders.map((o) => o.orderId)).toEqual([1])
    expect(merged.carts).toEqual(['c1'])
    const summary = summarizeContact(member, NOW, policy())
    expect(summary).toMatchObject({
      email: 'member@example.com',
      customerId: 9,
      orderCount: 2,
      lifetimeValue: '100',
      customerStatus: 'repeat_customer',
      firstOrderAt: '2026-02-01T10:00:00.000Z',
      firstSeenAt: '2026-02-01T10:00:00.000Z',
    })
  })

  it('is idempotent: absorbing the same state twice changes nothing the second time', () => {
    const into = aContactState({ email: 'a@example.com', orders: { 5: anOrder({ orderId: 5, email: 'a@example.com' }) } })
    const from = aContactState({ email: 'b@example.com', orders: { 6: anOrder({ orderId: 6, email: 'b@example.com' }) } })
    absorbContact(into, from)
    const once = structuredClone(into)
    expect(absorbContact(into, structuredClone(from)).changed).toBe(false)
    expect(into).toEqual(once)
  })

  it('keeps the newer state of an order both knew, and the newer consent signal', () => {
    const older = anOrder({ orderId: 7, statusId: 11, modifiedAt: '2026-05-01T00:00:00.000Z' })
    const newer = anOrder({ orderId: 7, statusId: 2, modifiedAt: '2026-05-02T00:00:00.000Z' })
    const into = aContactState({ orders: { 7: newer }, subscriber: aSubscriber({ newsletter: false, modifiedAt: '2026-05-01T00:00:00.000Z' }) })
    const from = aContactState({ email: 'b@example.com', orders: { 7: older }, subscriber: aSubscriber({ subscriberId: 8, newsletter: true, modifiedAt: '2026-05-03T00:00:00.000Z' }) })
    absorbContact(into, from)
    expect(into.orders['7']!.statusId).toBe(2)
    expect(into.subscriber).toMatchObject({ subscriberId: 8, newsletter: true })
  })

  it('keeps HubSpot\'s unsubscribe of either email: the person stays unsubscribed, as of the later one', () => {
    const into = aContactState({ email: 'a@example.com', hubspotOptOut: { allEmail: false, types: ['1001'], at: '2026-03-01T00:00:00.000Z' } })
    const from = aContactState({ email: 'b@example.com', hubspotOptOut: { allEmail: true, types: [], at: '2026-04-01T00:00:00.000Z' } })
    expect(absorbContact(into, from).changed).toBe(true)
    expect(into.hubspotOptOut).toEqual({ allEmail: true, types: ['1001'], at: '2026-04-01T00:00:00.000Z' })
    // A survivor without one takes the absorbed contact's; one with none on either side stays without.
    const guest = aContactState({ email: 'c@example.com' })
    absorbContact(guest, aContactState({ email: 'd@example.com', hubspotOptOut: { allEmail: true, types: [], at: '2026-04-01T00:00:00.000Z' } }))
    expect(guest.hubspotOptOut).toMatchObject({ allEmail: true })
    const neither = aContactState({ email: 'e@example.com' })
    absorbContact(neither, aContactState({ email: 'f@example.com' }))
    expect(neither.hubspotOptOut ?? null).toBeNull()
  })

  it('takes the absorbed account when the survivor is a guest', () => {
    const into = aContactState({ email: 'guest@example.com' })
    absorbContact(into, aContactState({ email: 'member@example.com', customer: aCustomer({ customerId: 4, email: 'member@example.com' }) }))
    expect(into.customer?.customerId).toBe(4)
  })
})

describe('merging automation states', () => {
  it('counts both contacts\' marketing sends against one cap', () => {
    const p = policy({ marketingCap: 3, marketingCapWindowMs: 7 * DAY })
    const send = (key: string, daysAgo: number) => ({ key, firedAt: new Date(NOW.getTime() - daysAgo * DAY).toISOString() })
    const a = { ...aContactState().automation, capLedger: [send('cart_abandoned:x', 1), send('browse_abandoned:y', 2)] }
    const b = { ...aContactState().automation, capLedger: [send('winback_due:1', 3), send('cart_abandoned:x', 1)] }
    expect(capCheck(a.capLedger, NOW.getTime(), p).open).toBe(true)
    const merged = mergeAutomation(a, b)
    expect(merged.capLedger.map((e) => e.key)).toEqual(['winback_due:1', 'browse_abandoned:y', 'cart_abandoned:x'])
    expect(capCheck(merged.capLedger, NOW.getTime(), p)).toMatchObject({ open: false, used: 3 })
  })

  it('keeps every settled key and the earlier cancellation, drops a deferral the other settled, takes the later import', () => {
    const base = aContactState().automation
    const merged = mergeAutomation(
      {
        ...base,
        handled: { 'order_placed:1': 'fired' },
        paidOrders: { 1: { createdAt: '2026-01-01T00:00:00.000Z', cancelledAt: null } },
        deferred: { 'winback_due:1': { trigger: 'winback_due', key: 'winback_due:1', subject: '1', at: '2026-05-01T00:00:00.000Z', deferredAt: '2026-05-01T00:00:00.000Z' } },
        importedThrough: '2026-03-01T00:00:00.000Z',
      },
      {
        ...base,
        handled: { 'winback_due:1': 'suppressed', 'post_purchase_step:day_3': 'imported' },
        paidOrders: { 1: { createdAt: '2026-01-01T00:00:00.000Z', cancelledAt: '2026-02-01T00:00:00.000Z' } },
        importedThrough: '2026-04-01T00:00:00.000Z',
      },
    )
    expect(merged.handled).toEqual({ 'order_placed:1': 'fired', 'winback_due:1': 'suppressed', 'post_purchase_step:day_3': 'imported' })
    expect(merged.paidOrders['1']!.cancelledAt).toBe('2026-02-01T00:00:00.000Z')
    expect(merged.deferred).toEqual({})
    expect(merged.importedThrough).toBe('2026-04-01T00:00:00.000Z')
  })

  it('fires nothing again that either contact fired: a merged person re-evaluated fires no order or step twice', () => {
    const p = policy()
    const evaluate = (state: ReturnType<typeof aContactState>, now: Date) => {
      const outcome = evaluateAutomation({ state, now, policy: p, mode: 'live' })
      state.automation = outcome.automation
      return outcome.fired.map((f) => f.key)
    }
    const guest = aContactState({ email: 'guest@example.com', orders: { 1: anOrder({ orderId: 1, createdAt: '2026-05-20T10:00:00.000Z', modifiedAt: '2026-05-20T10:00:00.000Z' }) } })
    const member = aContactState({ email: 'member@example.com', orders: { 2: anOrder({ orderId: 2, createdAt: '2026-05-30T10:00:00.000Z', modifiedAt: '2026-05-30T10:00:00.000Z' }) } })
    expect(evaluate(guest, NOW)).toEqual(expect.arrayContaining(['order_placed:1', 'post_purchase_step:day_0']))
    expect(evaluate(member, NOW)).toEqual(expect.arrayContaining(['order_placed:2', 'post_purchase_step:day_0']))
    absorbContact(member, guest)
    const again = evaluate(member, NOW)
    expect(again.filter((k) => k.startsWith('order_placed') || k === 'post_purchase_step:day_0')).toEqual([])
  })
})
