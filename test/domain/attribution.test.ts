import { describe, expect, it } from 'vitest'
import { creditContact, creditOrder, hitTime, planHit, type StoredTouch, type VisitorState } from '../../src/domain/attribution'
import { classifyTouch } from '../../src/domain/channels'

const SHOP = 'https://shop.example.com'
const MIN = 60_000
const DAY = 86_400_000
const TIMEOUT = 30 * MIN
const T0 = Date.parse('2026-05-01T12:00:00.000Z')

const direct = classifyTouch({ url: `${SHOP}/p` })
const paid = classifyTouch({ url: `${SHOP}/?gclid=abc` })
const visitor = (over: Partial<VisitorState> = {}): VisitorState => ({
  anonymousId: 'anon-1',
  lastSeenAt: T0,
  campaignFingerprint: paid.fingerprint,
  cartId: null,
  customerId: null,
  ...over,
})
const plan = (v: VisitorState | null, at: number, classification = direct, identity = {}) =>
  planHit(v, { anonymousId: 'anon-1', at, classification, identity }, TIMEOUT)

describe('planHit', () => {
  it('stores the first hit of a new visitor as a session touch', () => {
    const p = plan(null, T0, paid)
    expect(p.touch).toEqual({ reason: 'session' })
    expect(p.visitor).toMatchObject({ lastSeenAt: T0, campaignFingerprint: paid.fingerprint })
  })

  it('writes nothing for a page view in an ongoing session', () => {
    expect(plan(visitor(), T0 + MIN)).toEqual({ touch: null, identities: [], visitor: null })
  })

  it('refreshes last-seen at most every tenth of the timeout, without a touch', () => {
    const p = plan(visitor(), T0 + 3 * MIN)
    expect(p.touch).toBeNull()
    expect(p.visitor).toMatchObject({ lastSeenAt: T0 + 3 * MIN, campaignFingerprint: paid.fingerprint })
  })

  it('starts a session after the inactivity timeout, not at it', () => {
    expect(plan(visitor(), T0 + TIMEOUT).touch).toBeNull()
    const p = plan(visitor(), T0 + TIMEOUT + 1)
    expect(p.touch).toEqual({ reason: 'session' })
    // A direct session clears the campaign, so the same ad clicked again later is new information.
    expect(p.visitor?.campaignFingerprint).toBeNull()
  })

  it('stores new campaign information mid-session, not a repeat of it', () => {
    const email = classifyTouch({ url: `${SHOP}/?utm_source=klaviyo&utm_medium=email` })
    expect(plan(visitor(), T0 + MIN, email).touch).toEqual({ reason: 'campaign' })
    expect(plan(visitor(), T0 + MIN, paid).touch).toBeNull()
  })

  it('links only identities the visitor did not have', () => {
    const p = plan(visitor({ cartId: 'cart-1' }), T0 + MIN, direct, { cartId: 'cart-1', customerId: 7 })
    expect(p.touch).toBeNull()
    expect(p.identities).toEqual([{ kind: 'customer', value: '7' }])
    expect(p.visitor).toMatchObject({ cartId: 'cart-1', customerId: 7 })
  })

  it('never moves last-seen backwards for a late hit', () => {
    const p = plan(visitor({ lastSeenAt: T0 }), T0 - 10 * MIN, direct, { cartId: 'c' })
    expect(p.visitor?.lastSeenAt).toBe(T0)
  })
})

describe('hitTime', () => {
  it('trusts the claimed time within 24 hours, else uses the server clock', () => {
    expect(hitTime(undefined, T0)).toBe(T0)
    expect(hitTime(new Date(T0 - DAY).toISOString(), T0)).toBe(T0 - DAY)
    expect(hitTime(new Date(T0 - DAY - 1).toISOString(), T0)).toBe(T0)
    expect(hitTime(new Date(T0 + 2 * DAY).toISOString(), T0)).toBe(T0)
  })
})

const touch = (id: number, at: number, channel: StoredTouch['channel'], source: string | null = null): StoredTouch => ({
  id,
  at,
  channel,
  source,
  medium: null,
  campaign: null,
})

describe('creditOrder', () => {
  const LOOKBACK = 30 * DAY
  const order = { orderId: 1, createdAt: T0 }

  it('credits the last non-direct touch within the lookback, skipping later direct visits', () => {
    const touches = [touch(1, T0 - 10 * DAY, 'organic_search', 'google'), touch(2, T0 - 2 * DAY, 'email', 'klaviyo'), touch(3, T0 - MIN, 'direct')]
    const credit = creditOrder(touches, order, LOOKBACK)
    expect(credit.attributed).toMatchObject({ channel: 'email', source: 'klaviyo', touchId: 2 })
    expect(credit.first).toMatchObject({ channel: 'organic_search', touchId: 1 })
    expect(credit.last).toMatchObject({ channel: 'direct', touchId: 3 })
  })

  it('gives no credit to touches older than the lookback or after the order', () => {
    const touches = [touch(1, T0 - LOOKBACK - 1, 'paid_search', 'google'), touch(2, T0 - DAY, 'direct'), touch(3, T0 + 1, 'email')]
    const credit = creditOrder(touches, order, LOOKBACK)
    expect(credit.attributed).toMatchObject({ channel: 'direct', source: null })
    // Exactly at the lookback boundary still counts.
    expect(creditOrder([touch(1, T0 - LOOKBACK, 'referral', 'blog.example')], order, LOOKBACK).attributed.channel).toBe(
      'referral',
    )
  })

  it('is unassigned when the buyer was never seen before the order', () => {
    expect(creditOrder([touch(1, T0 + MIN, 'email')], order, LOOKBACK)).toMatchObject({
      attributed: { channel: 'unassigned', touchId: null },
      first: { channel: 'unassigned' },
      last: { channel: 'unassigned' },
    })
  })
})

describe('creditContact', () => {
  it('gives the first touch and the last touch before the latest order, whatever order the input is in', () => {
    const touches = [touch(3, T0 + DAY, 'email'), touch(1, T0 - DAY, 'organic_social', 'instagram'), touch(2, T0 - MIN, 'paid_search')]
    const orders = [{ orderId: 2, createdAt: T0 }, { orderId: 1, createdAt: T0 - 2 * DAY }]
    const { contact, orders: credits } = creditContact(touches, orders, 30 * DAY)
    expect(contact.first).toMatchObject({ channel: 'organic_social', source: 'instagram' })
    expect(contact.last).toMatchObject({ channel: 'paid_search', at: new Date(T0 - MIN).toISOString() })
    expect(credits.map((c) => [c.orderId, c.attributed.channel])).toEqual([
      [2, 'paid_search'],
      [1, 'unassigned'],
    ])
  })

  it('uses the latest touch while there is no order, and nothing when never seen', () => {
    const { contact } = creditContact([touch(1, T0, 'referral'), touch(2, T0 + MIN, 'email')], [], 30 * DAY)
    expect(contact.last?.channel).toBe('email')
    expect(creditContact([], [], 30 * DAY).contact).toEqual({ first: null, last: null, firstTouchId: null, lastTouchId: null })
  })

  it('breaks ties in time by touch id', () => {
    const { contact } = creditContact([touch(9, T0, 'email'), touch(4, T0, 'referral')], [], DAY)
    expect(contact.first?.channel).toBe('referral')
    expect(contact.last?.channel).toBe('email')
  })
})
