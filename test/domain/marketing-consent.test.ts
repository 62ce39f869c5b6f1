import { describe, expect, it } from 'vitest'
import { emailConsent, marketingConsent } from '../../src/domain/marketing-consent'
import { contact, customer, order, subscriber, withOrders } from '../support/factories'

const T0 = '2026-01-01T10:00:00.000Z'
const T1 = '2026-02-01T10:00:00.000Z'

describe('emailConsent', () => {
  it('is unknown with no subscriber record and no checkout opt-in', () => {
    expect(emailConsent(contact())).toBe('unknown')
    expect(emailConsent(withOrders(contact(), order(1, T0, { emailOptIn: false })))).toBe('unknown')
  })

  it('is opted_in with the marketing_newsletter consent, opted_out with a record without it', () => {
    expect(emailConsent(contact({ subscriber: subscriber(true, T0) }))).toBe('opted_in')
    expect(emailConsent(contact({ subscriber: subscriber(false, T0, true) }))).toBe('opted_out')
  })

  it('is opted_in by the opt-in box of the latest checkout', () => {
    expect(emailConsent(withOrders(contact(), order(1, T0, { emailOptIn: true })))).toBe('opted_in')
    // An earlier opt-in is not the latest checkout's.
    const later = withOrders(contact(), order(1, T0, { emailOptIn: true }), order(2, T1, { emailOptIn: false }))
    expect(emailConsent(later)).toBe('unknown')
  })

  it('lets the latest signal win: an unsubscribe after the opt-in, an opt-in after the unsubscribe', () => {
    const unsubscribedAfter = withOrders(contact({ subscriber: subscriber(false, T1) }), order(1, T0, { emailOptIn: true }))
    expect(emailConsent(unsubscribedAfter)).toBe('opted_out')
    const optedInAfter = withOrders(contact({ subscriber: subscriber(false, T0) }), order(1, T1, { emailOptIn: true }))
    expect(emailConsent(optedInAfter)).toBe('opted_in')
    const sameInstant = withOrders(contact({ subscriber: subscriber(false, T0) }), order(1, T0, { emailOptIn: true }))
    expect(emailConsent(sameInstant)).toBe('opted_out')
  })
})

describe('marketingConsent', () => {
  it('allows opted_in contacts every marketing trigger', () => {
    expect(marketingConsent(contact({ subscriber: subscriber(true, T0) }), 'winback_due')).toEqual({ allowed: true })
  })

  it('allows an abandoned cart on the abandoned_cart consent or the customer flag, nothing else', () => {
    const cartConsent = contact({ subscriber: subscriber(false, T0, true) })
    expect(marketingConsent(cartConsent, 'cart_abandoned').allowed).toBe(true)
    expect(marketingConsent(cartConsent, 'browse_abandoned').allowed).toBe(false)
    const accepts = contact({ customer: customer({ acceptsAbandonedCartEmails: true }) })
    expect(marketingConsent(accepts, 'cart_abandoned').allowed).toBe(true)
    expect(marketingConsent(accepts, 'replenishment_due').allowed).toBe(false)
  })

  it('says why it refuses', () => {
    const refused = marketingConsent(contact(), 'cart_abandoned')
    expect(refused).toEqual({ allowed: false, reason: expect.stringContaining('email consent is unknown') })
    const out = marketingConsent(contact({ subscriber: subscriber(false, T0) }), 'winback_due')
    expect(out).toEqual({ allowed: false, reason: expect.stringContaining('opted_out') })
  })
})

describe('consent from HubSpot', () => {
  const T2 = '2026-03-01T10:00:00.000Z'
  const optOut = (at: string, allEmail = true, types: string[] = []) => ({ hubspotOptOut: { allEmail, types, at } })

  it('an unsubscribe from all email in HubSpot suppresses every marketing trigger with its own reason', () => {
    const state = contact({ subscriber: subscriber(true, T0, true), ...optOut(T1) })
    for (const trigger of ['cart_abandoned', 'winback_due', 'browse_abandoned'] as const) {
      expect(marketingConsent(state, trigger)).toEqual({ allowed: false, reason: 'unsubscribed in HubSpot' })
    }
    expect(emailConsent(state)).toBe('opted_out')
  })

  it('the abandoned-cart consent and the customer flag do not override it', () => {
    const state = contact({
      subscriber: subscriber(false, T0, true),
      customer: customer({ acceptsAbandonedCartEmails: true, modifiedAt: T2 }),
      ...optOut(T1),
    })
    expect(marketingConsent(state, 'cart_abandoned')).toEqual({ allowed: false, reason: 'unsubscribed in HubSpot' })
  })

  it('a store opt-in older than the unsubscribe is ignored, a newer one counts; at the same instant HubSpot wins', () => {
    expect(marketingConsent(contact({ subscriber: subscriber(true, T0), ...optOut(T1) }), 'winback_due').allowed).toBe(false)
    expect(marketingConsent(contact({ subscriber: subscriber(true, T2), ...optOut(T1) }), 'winback_due')).toEqual({ allowed: true })
    expect(emailConsent(contact({ subscriber: subscriber(true, T2), ...optOut(T1) }))).toBe('opted_in')
    expect(marketingConsent(withOrders(contact(optOut(T1)), order(1, T2, { emailOptIn: true })), 'winback_due').allowed).toBe(true)
    expect(marketingConsent(contact({ subscriber: subscriber(true, T1), ...optOut(T1) }), 'winback_due').allowed).toBe(false)
  })

  it('a subscription type counts only when HUBSPOT_MARKETING_SUBSCRIPTION_TYPES names it', () => {
    const state = contact({ subscriber: subscriber(true, T0), ...optOut(T1, false, ['1001']) })
    expect(marketingConsent(state, 'winback_due')).toEqual({ allowed: true })
    expect(emailConsent(state)).toBe('opted_in')
    const policy = { marketingSubscriptionTypes: ['1001'] }
    expect(marketingConsent(state, 'winback_due', policy)).toEqual({ allowed: false, reason: 'unsubscribed in HubSpot' })
    expect(emailConsent(state, policy)).toBe('opted_out')
    expect(marketingConsent(state, 'winback_due', { marketingSubscriptionTypes: ['1002'] }).allowed).toBe(true)
  })

  it('a later unsubscribe in the store still gives the store reason', () => {
    const state = contact({ subscriber: subscriber(false, T2), ...optOut(T1) })
    expect(marketingConsent(state, 'winback_due')).toEqual({ allowed: false, reason: expect.stringContaining('opted_out') })
  })
})
