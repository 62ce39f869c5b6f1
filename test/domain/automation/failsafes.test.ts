import { describe, expect, it } from 'vitest'
import type { ContactState } from '../../../src/domain/contact-state'
import { MARKETPLACE_RELAY_DOMAINS, marketplaceRestriction, relayMarketplace } from '../../../src/domain/marketplace'
import type { SupportTicket } from '../../../src/domain/support'
import {
  DAY, HOUR, MINUTE, SECOND, at, cart, evaluate, isoPlus, keys, line, optedIn, order, plus, policy, refund, shipment,
  withCarts, withOrders,
} from '../../support/factories'

const T0 = '2026-05-04T09:00:00.000Z'
const cartKey = (id: string, changed: string) => `cart_abandoned:${id}:${changed}`

const ticket = (ticketId: string, overrides: Partial<SupportTicket> = {}): SupportTicket => ({
  ticketId, priority: 'HIGH', subject: 'Parcel arrived damaged', stage: 'Waiting on us', ...overrides,
})

describe('support escalations', () => {
  const abandoned = () => withCarts(optedIn(), cart('c1', T0))

  it('suppresses a marketing trigger while an escalated ticket is open, naming the ticket', () => {
    const r = evaluate(abandoned(), plus(T0, HOUR), { supportTickets: [ticket('4711')] })
    expect(r.fired).toEqual([])
    expect(r.decisions).toEqual([expect.objectContaining({
      key: cartKey('c1', T0), decision: 'suppressed',
      reason: expect.stringContaining('open support ticket 4711 "Parcel arrived damaged" (priority HIGH, Waiting on us)'),
    })])
    expect(r.state.automation.handled[cartKey('c1', T0)]).toBe('suppressed')
  })

  it('names every open ticket when there are several', () => {
    const r = evaluate(abandoned(), plus(T0, HOUR), { supportTickets: [ticket('90'), ticket('12', { priority: 'URGENT' })] })
    expect(r.decisions[0]!.reason).toMatch(/open support ticket 12 .*priority URGENT.* and 1 more \(90\)/)
  })

  it('lets marketing through without tickets, and when tickets are not known (suppression off)', () => {
    expect(keys(evaluate(abandoned(), plus(T0, HOUR), { supportTickets: [] }).fired)).toEqual([cartKey('c1', T0)])
    expect(keys(evaluate(abandoned(), plus(T0, HOUR), { supportTickets: null }).fired)).toEqual([cartKey('c1', T0)])
  })

  it('never holds back a transactional trigger', () => {
    const r = evaluate(withOrders(optedIn(), order(10, T0)), plus(T0, MINUTE), { supportTickets: [ticket('1')] })
    expect(keys(r.fired).sort()).toEqual(['order_placed:10', 'post_purchase_step:day_0'])
  })
})

describe('marketplace buyers', () => {
  const marketplaceOrder = (id: number, createdAt: string) => order(id, createdAt, { channel: 'marketplace', channelId: 2 })

  it('a marketplace-only buyer gets order placed and day_0, then day_3 is suppressed with the reason', () => {
    const first = evaluate(withOrders(optedIn(), marketplaceOrder(10, T0)), plus(T0, MINUTE))
    expect(keys(first.fired).sort()).toEqual(['order_placed:10', 'post_purchase_step:day_0'])
    const day3 = evaluate(first.state, plus(T0, 3 * DAY))
    expect(day3.fired).toEqual([])
    expect(day3.decisions).toEqual([expect.objectContaining({
      key: 'post_purchase_step:day_3', decision: 'suppressed',
      reason: expect.stringContaining('the only paid order came from marketplace (MARKETING_EXCLUDED_ORDER_CHANNELS)'),
    })])
  })

  it('one storefront order makes the same buyer marketable again', () => {
    const first = evaluate(withOrders(optedIn(), marketplaceOrder(10, T0)), plus(T0, MINUTE))
    const tea = line({ lineItemId: 2, sku: 'TEA-1', name: 'Tea', category: 'Tea' })
    const storefront = evaluate(withOrders(first.state, order(11, isoPlus(T0, DAY), { lines: [tea] })), plus(T0, DAY + MINUTE))
    expect(keys(storefront.fired)).toEqual(['order_placed:11'])
    expect(keys(evaluate(storefront.state, plus(T0, 3 * DAY)).fired)).toEqual(['post_purchase_step:day_3'])
  })

  it('a storefront order that is cancelled does not count', () => {
    const first = evaluate(withOrders(optedIn(), marketplaceOrder(10, T0)), plus(T0, MINUTE))
    const cancelled = withOrders(first.state, order(11, isoPlus(T0, DAY), { statusId: 5 }))
    expect(evaluate(cancelled, plus(T0, 3 * DAY)).decisions.map((d) => d.decision)).toEqual(['suppressed'])
  })

  it('holds back every channel listed, and nothing with none', () => {
    const pos = withOrders(optedIn(), order(10, T0, { channel: 'pos' }))
    const settled = (p: ReturnType<typeof policy>) => evaluate(evaluate(pos, plus(T0, MINUTE), { policy: p }).state, plus(T0, 3 * DAY), { policy: p })
    expect(settled(policy({ excludedOrderChannels: ['marketplace', 'pos'] })).decisions[0]!.decision).toBe('suppressed')
    expect(keys(settled(policy({ excludedOrderChannels: [] })).fired)).toEqual(['post_purchase_step:day_3'])
  })

  it('holds back a relay address even with a storefront order, and a prospect with one', () => {
    const relay = 'a1b2c3d4e5@marketplace.amazon.de'
    const withStorefront = withOrders({ ...optedIn(), email: relay }, order(10, T0, { email: relay }))
    const r = evaluate(evaluate(withStorefront, plus(T0, MINUTE)).state, plus(T0, 3 * DAY))
    expect(r.decisions[0]).toMatchObject({ decision: 'suppressed', reason: expect.stringContaining('Amazon relay address (marketplace.amazon.de)') })
    const prospect = withCarts({ ...optedIn(), email: 'x9@relay.walmart.com' }, cart('c1', T0, { email: 'x9@relay.walmart.com' }))
    expect(evaluate(prospect, plus(T0, HOUR)).decisions[0]!.reason).toContain('Walmart relay address')
    expect(keys(evaluate(prospect, plus(T0, HOUR), { policy: policy({ excludedOrderChannels: [] }) }).fired)).toHaveLength(1)
  })

  it('knows relay domains and their subdomains, and nothing that merely looks like them', () => {
    expect(relayMarketplace('abc@marketplace.amazon.com')).toEqual({ marketplace: 'Amazon', domain: 'marketplace.amazon.com' })
    expect(relayMarketplace('abc@members.ebay.com')?.marketplace).toBe('eBay')
    expect(relayMarketplace('abc@eul.shipping.temuemail.com')?.marketplace).toBe('Temu')
    expect(relayMarketplace('abc@scs.tiktokw.us')?.marketplace).toBe('TikTok Shop')
    expect(relayMarketplace('abc@marketplace.newegg.com')?.marketplace).toBe('Newegg')
    expect(relayMarketplace('someone@amazon.com')).toBeNull()
    expect(relayMarketplace('someone@notmarketplace.amazon.com')).toBeNull()
    expect(MARKETPLACE_RELAY_DOMAINS.flatMap((m) => m.domains)).toContain('marketplace.amazon.co.uk')
    expect(marketplaceRestriction('jane@example.com', [], ['marketplace'])).toBeNull()
  })
})

describe('review request (REVIEW_REQUEST_STEP day_21)', () => {
  const due = isoPlus(T0, 21 * DAY)
  const P = policy({ postPurchaseSteps: [policy().postPurchaseSteps[0]!, policy().postPurchaseSteps[3]!] })
  const paid = () => evaluate(withOrders(optedIn(), order(10, T0)), plus(T0, MINUTE), { policy: P }).state
  const shipped = (s: ContactState, shippedAt: string) =>
    withOrders(s, order(10, T0, { statusId: 2, fulfillment: 'shipped', shipments: [shipment(1, shippedAt)] }))
  /** The order shipped at `shippedAt` and its order_shipped already fired. */
  const shippedEarlier = (shippedAt: string) => evaluate(shipped(paid(), shippedAt), at(shippedAt), { policy: P }).state
  const steps = (fired: { key: string }[]) => keys(fired).filter((k) => k.startsWith('post_purchase_step'))

  it('fires when due if the order is fully shipped', () => {
    const r = evaluate(shippedEarlier(isoPlus(T0, 2 * DAY)), at(due), { policy: P })
    expect(r.fired).toEqual([{ trigger: 'post_purchase_step', key: 'post_purchase_step:day_21', at: due, step: 'day_21' }])
    expect(r.decisions[0]!.reason).toContain('order 10 is fully shipped and nothing was refunded or cancelled')
  })

  it('counts a completed order as fulfilled', () => {
    const completed = withOrders(paid(), order(10, T0, { statusId: 10 }))
    expect(keys(evaluate(completed, at(due), { policy: P }).fired)).toEqual(['post_purchase_step:day_21'])
  })

  it('waits for the shipment when the order is not shipped, then fires once it is', () => {
    const waiting = evaluate(paid(), at(due), { policy: P })
    expect(waiting.fired).toEqual([])
    expect(waiting.decisions).toEqual([expect.objectContaining({
      key: 'post_purchase_step:day_21', decision: 'deferred', reason: expect.stringMatching(/waits for the shipment: order 10 is not fully shipped \(unshipped/),
    })])
    // Waiting for an event, not a cap slot: the contact wakes at the limit, not at once.
    expect(waiting.nextWakeAt).toBe(isoPlus(due, 30 * DAY))
    expect(evaluate(waiting.state, plus(due, DAY), { policy: P }).decisions).toEqual([])
    const partly = withOrders(waiting.state, order(10, T0, { statusId: 3, fulfillment: 'partially_shipped' }))
    expect(evaluate(partly, plus(due, 2 * DAY), { policy: P }).decisions).toEqual([])
    const r = evaluate(shipped(waiting.state, isoPlus(due, 5 * DAY)), plus(due, 5 * DAY), { policy: P })
    expect(r.fired).toEqual([
      { trigger: 'order_shipped', key: 'order_shipped:10:1', at: isoPlus(due, 5 * DAY) },
      { trigger: 'post_purchase_step', key: 'post_purchase_step:day_21', at: due, step: 'day_21' },
    ])
    expect(r.decisions.find((d) => d.key === 'post_purchase_step:day_21')!.reason).toContain(`(deferred since ${due})`)
  })

  it('fires when shipped a second before its limit, and is cancelled at the limit', () => {
    const waiting = evaluate(paid(), at(due), { policy: P }).state
    const limit = isoPlus(due, 30 * DAY)
    expect(steps(evaluate(shipped(waiting, isoPlus(limit, -SECOND)), plus(limit, -SECOND), { policy: P }).fired)).toEqual(['post_purchase_step:day_21'])
    const expired = evaluate(waiting, at(limit), { policy: P })
    expect(expired.decisions).toEqual([expect.objectContaining({
      decision: 'cancelled', reason: expect.stringContaining('cancelled: order 10 is not fully shipped (unshipped, status awaiting_fulfillment) 30d after the step fell due'),
    })])
    expect(steps(evaluate(shipped(expired.state, isoPlus(limit, DAY)), plus(limit, DAY), { policy: P }).fired)).toEqual([])
  })

  it('is cancelled after a refund, even when shipped', () => {
    const waiting = evaluate(paid(), at(due), { policy: P }).state
    const refunded = withOrders(waiting, order(10, T0, {
      statusId: 14, fulfillment: 'shipped', shipments: [shipment(1, isoPlus(due, DAY))], refunds: [refund(3, isoPlus(due, 2 * DAY), '10')],
    }))
    const r = evaluate(refunded, plus(due, 2 * DAY + MINUTE), { policy: P })
    expect(r.decisions.find((d) => d.key === 'post_purchase_step:day_21')).toMatchObject({
      decision: 'cancelled', reason: expect.stringContaining('refund 3 on order 10'),
    })
    expect(keys(r.fired)).toEqual(['order_shipped:10:1', 'order_refunded:10:3'])
  })

  it('with REVIEW_REQUEST_STEP off, the step is an ordinary one', () => {
    const p = { ...P, reviewRequestStep: null }
    expect(keys(evaluate(paid(), at(due), { policy: p }).fired)).toEqual(['post_purchase_step:day_21'])
  })

  it('once shipped but over the cap, it waits for a slot instead', () => {
    const capped = { ...P, marketingCap: 1 }
    const state = withCarts(shippedEarlier(isoPlus(T0, DAY)), cart('c1', isoPlus(due, -HOUR)))
    const r = evaluate(state, at(due), { policy: capped })
    expect(keys(r.fired)).toEqual([cartKey('c1', isoPlus(due, -HOUR))])
    expect(r.decisions.find((d) => d.key === 'post_purchase_step:day_21')).toMatchObject({ decision: 'deferred', reason: expect.stringMatching(/MARKETING_CAP/) })
  })
})
