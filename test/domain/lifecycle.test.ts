import { describe, expect, it } from 'vitest'
import { median, nextStatusChangeAt, summarizeContact } from '../../src/domain/lifecycle'
import {
  DAY, SECOND, at, contact, customer, isoPlus, line, order, plus, policy, refund, withOrders,
} from '../support/factories'

const P = policy()
const T0 = '2026-01-01T10:00:00.000Z'

describe('median', () => {
  it('is the middle value of an odd count and the mean of the two middle values of an even count', () => {
    expect(median([5, 1, 3])).toBe(3)
    expect(median([4, 1, 3, 10])).toBe(3.5)
    expect(median([])).toBeNull()
  })
})

describe('summarizeContact: counts and money', () => {
  it('counts paid orders only, and a fully refunded order still counts with no revenue', () => {
    const state = withOrders(
      contact(),
      order(1, T0, { statusId: 10, totalIncTax: '100' }),
      order(2, isoPlus(T0, DAY), { statusId: 4, totalIncTax: '50', refunds: [refund(1, isoPlus(T0, 2 * DAY), '50')] }),
      order(3, isoPlus(T0, 3 * DAY), { statusId: 1, totalIncTax: '70' }), // pending
      order(4, isoPlus(T0, 4 * DAY), { statusId: 5, totalIncTax: '80' }), // cancelled
    )
    const s = summarizeContact(state, plus(T0, 5 * DAY), P)
    expect(s.orderCount).toBe(2)
    expect(s.lifetimeValue).toBe('100')
    expect(s.averageOrderValue).toBe('50')
    expect(s.refundedTotal).toBe('50')
    expect(s.lastRefundAt).toBe(isoPlus(T0, 2 * DAY))
    expect(s.firstOrderAt).toBe(T0)
    expect(s.lastOrderAt).toBe(isoPlus(T0, DAY))
  })

  it('converts each order to the base currency before adding, net of partial refunds', () => {
    const state = withOrders(
      contact(),
      order(1, T0, { currency: 'EUR', toBaseRate: '1.1', totalIncTax: '100', refunds: [refund(1, T0, '10')] }),
      order(2, isoPlus(T0, DAY), { currency: 'USD', toBaseRate: '1', totalIncTax: '20.05' }),
    )
    const s = summarizeContact(state, plus(T0, 2 * DAY), P)
    expect(s.lifetimeValue).toBe('119.05') // 90 × 1.1 + 20.05
    expect(s.refundedTotal).toBe('11')
    expect(s.averageOrderValue).toBe('59.525')
  })

  it('a prospect has no orders, no value and no dates', () => {
    const s = summarizeContact(contact(), at(T0), P)
    expect(s).toMatchObject({
      orderCount: 0, lifetimeValue: '0', averageOrderValue: '0', firstOrderAt: null, lastOrderAt: null,
      customerStatus: 'prospect', categoryAffinity: [], emailConsent: 'unknown', lastRefundAt: null,
      firstOrderChannel: null, lastOrderChannel: null, customerId: null,
    })
  })
})

describe('summarizeContact: status', () => {
  it('one paid order is a customer; two are a repeat customer', () => {
    const one = withOrders(contact(), order(1, T0))
    expect(summarizeContact(one, plus(T0, DAY), P).customerStatus).toBe('customer')
    const two = withOrders(one, order(2, isoPlus(T0, 10 * DAY)))
    expect(summarizeContact(two, plus(T0, 11 * DAY), P).customerStatus).toBe('repeat_customer')
  })

  it('lapses exactly LAPSED_AFTER after the last paid order, not a second before', () => {
    const state = withOrders(contact(), order(1, T0))
    expect(summarizeContact(state, plus(T0, 120 * DAY - SECOND), P).customerStatus).toBe('customer')
    expect(summarizeContact(state, plus(T0, 120 * DAY), P).customerStatus).toBe('lapsed')
    expect(summarizeContact(state, plus(T0, 120 * DAY + SECOND), P).customerStatus).toBe('lapsed')
  })

  it('lapsed wins over at_risk', () => {
    const state = withOrders(contact(), order(1, T0), order(2, isoPlus(T0, 10 * DAY)))
    expect(summarizeContact(state, plus(T0, 200 * DAY), P).customerStatus).toBe('lapsed')
  })

  it('a prospect never lapses', () => {
    const state = withOrders(contact(), order(1, T0, { statusId: 5 }))
    expect(summarizeContact(state, plus(T0, 400 * DAY), P).customerStatus).toBe('prospect')
  })

  it('is at_risk only after more than 1.5× the median gap since the last order', () => {
    // gaps 10d, 20d, 30d → median 20d → at risk after 30d since the last order
    const state = withOrders(
      contact(),
      order(1, T0),
      order(2, isoPlus(T0, 10 * DAY)),
      order(3, isoPlus(T0, 30 * DAY)),
      order(4, isoPlus(T0, 60 * DAY)),
    )
    const last = isoPlus(T0, 60 * DAY)
    expect(summarizeContact(state, plus(last, 30 * DAY - SECOND), P).customerStatus).toBe('repeat_customer')
    expect(summarizeContact(state, plus(last, 30 * DAY), P).customerStatus).toBe('repeat_customer')
    expect(summarizeContact(state, plus(last, 30 * DAY + SECOND), P).customerStatus).toBe('at_risk')
  })

  it('takes the mean of the two middle gaps for an even count', () => {
    // gaps 10d, 20d, 40d, 50d → median 30d → at risk after 45d since the last order
    const state = withOrders(
      contact(),
      order(1, T0),
      order(2, isoPlus(T0, 10 * DAY)),
      order(3, isoPlus(T0, 30 * DAY)),
      order(4, isoPlus(T0, 70 * DAY)),
      order(5, isoPlus(T0, 120 * DAY)),
    )
    const last = isoPlus(T0, 120 * DAY)
    expect(summarizeContact(state, plus(last, 45 * DAY), P).customerStatus).toBe('repeat_customer')
    expect(summarizeContact(state, plus(last, 45 * DAY + SECOND), P).customerStatus).toBe('at_risk')
  })

  it('reports the next status change for the alarm: at risk, then lapse', () => {
    const state = withOrders(contact(), order(1, T0), order(2, isoPlus(T0, 10 * DAY)))
    const last = isoPlus(T0, 10 * DAY)
    expect(nextStatusChangeAt(state, at(last), P)).toBe(Date.parse(last) + 15 * DAY + 1)
    expect(nextStatusChangeAt(state, plus(last, 20 * DAY), P)).toBe(Date.parse(last) + 120 * DAY)
    expect(nextStatusChangeAt(state, plus(last, 121 * DAY), P)).toBeNull()
  })
})

describe('summarizeContact: affinity, channels, identity', () => {
  it('takes up to 3 distinct categories, newest paid order first, line order within an order', () => {
    const state = withOrders(
      contact(),
      order(1, T0, { lines: [line({ category: 'Mugs' }), line({ category: 'Filters' })] }),
      order(2, isoPlus(T0, DAY), {
        lines: [line({ category: 'Tea' }), line({ category: 'Coffee' }), line({ category: 'Tea' })],
      }),
      order(3, isoPlus(T0, 2 * DAY), { statusId: 5, lines: [line({ category: 'Grinders' })] }),
    )
    expect(summarizeContact(state, plus(T0, 3 * DAY), P).categoryAffinity).toEqual(['Tea', 'Coffee', 'Mugs'])
  })

  it('leaves out items refunded in full and lines without a category', () => {
    const state = withOrders(
      contact(),
      order(1, T0, { lines: [line({ category: 'Mugs' })] }),
      order(2, isoPlus(T0, DAY), {
        lines: [
          line({ category: 'Tea', quantity: 2, quantityRefunded: 2 }),
          line({ category: null }),
          line({ category: 'Coffee', quantity: 2, quantityRefunded: 1 }),
        ],
      }),
    )
    expect(summarizeContact(state, plus(T0, 3 * DAY), P).categoryAffinity).toEqual(['Coffee', 'Mugs'])
  })

  it('reports the first and last paid order channels', () => {
    const state = withOrders(
      contact(),
      order(1, T0, { channel: 'pos' }),
      order(2, isoPlus(T0, DAY), { channel: 'marketplace' }),
      order(3, isoPlus(T0, 2 * DAY), { channel: 'manual', statusId: 1 }),
    )
    const s = summarizeContact(state, plus(T0, 3 * DAY), P)
    expect([s.firstOrderChannel, s.lastOrderChannel]).toEqual(['pos', 'marketplace'])
  })

  it('takes name, phone and customer id from the customer record, else from the newest order', () => {
    const orders = [
      order(1, T0, { firstName: 'Old', customerId: 0 }),
      order(2, isoPlus(T0, DAY), { firstName: 'New', lastName: 'Name', phone: '+4420', customerId: 9, statusId: 1 }),
    ]
    const guest = summarizeContact(withOrders(contact(), ...orders), plus(T0, 2 * DAY), P)
    expect([guest.firstName, guest.lastName, guest.phone, guest.customerId]).toEqual(['New', 'Name', '+4420', 9])
    const known = summarizeContact(withOrders(contact({ customer: customer() }), ...orders), plus(T0, 2 * DAY), P)
    expect([known.firstName, known.lastName, known.phone, known.customerId])
      .toEqual(['Janet', 'Doe-Smith', '+15125550147', 42])
  })
})
