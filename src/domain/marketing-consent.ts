import type { ContactState } from './contact-state'
import type { EmailConsent, Trigger } from './model'
import { byCreation, toMs } from './automation/time'

/** The decision reason of a marketing trigger held back by HubSpot's unsubscribe (contract section 4). */
export const UNSUBSCRIBED_IN_HUBSPOT = 'unsubscribed in HubSpot'

/** Which HubSpot opt-outs count: all email always, a subscription type when HUBSPOT_MARKETING_SUBSCRIPTION_TYPES names it. */
export interface ConsentPolicy {
  marketingSubscriptionTypes?: readonly string[]
}

type ConsentFacts = Pick<ContactState, 'subscriber' | 'orders' | 'hubspotOptOut'>

interface ConsentSignal {
  optedIn: boolean
  at: number
  what: 'hubspot' | 'subscriber' | 'checkout'
}

/** When HubSpot's unsubscribe happened (epoch ms), if it is one that counts; else null. */
export function hubspotOptOutAt(state: Pick<ContactState, 'hubspotOptOut'>, policy: ConsentPolicy = {}): number | null {
  const optOut = state.hubspotOptOut
  if (!optOut) return null
  const types = policy.marketingSubscriptionTypes ?? []
  return optOut.allEmail || optOut.types.some((t) => types.includes(t)) ? toMs(optOut.at) : null
}

/**
 * The consent signals we hold, each with its time: HubSpot's unsubscribe, the subscriber record (its
 * `marketing_newsletter` consent, as of its last change) and the opt-in box of the latest checkout. An unticked
 * box at checkout is no signal: it does not unsubscribe anyone. HubSpot's comes first, so at the same instant
 * it wins: a tie never counts as a new opt-in.
 */
function consentSignals(state: ConsentFacts, policy: ConsentPolicy): ConsentSignal[] {
  const signals: ConsentSignal[] = []
  const hubspot = hubspotOptOutAt(state, policy)
  if (hubspot !== null) signals.push({ optedIn: false, at: hubspot, what: 'hubspot' })
  const sub = state.subscriber
  if (sub) signals.push({ optedIn: sub.newsletter, at: toMs(sub.modifiedAt), what: 'subscriber' })
  const orders = byCreation(Object.values(state.orders))
  const latest = orders[orders.length - 1]
  if (latest?.emailOptIn) signals.push({ optedIn: true, at: toMs(latest.createdAt), what: 'checkout' })
  return signals
}

function latestSignal(state: ConsentFacts, policy: ConsentPolicy): ConsentSignal | null {
  const signals = consentSignals(state, policy)
  return signals.length ? signals.reduce((a, b) => (b.at > a.at ? b : a)) : null
}

/**
 * `bc_email_consent`: the latest signal wins, so an unsubscribe after a checkout opt-in is `opted_out` and a
 * checkout opt-in after an unsubscribe is `opted_in`; a store opt-in counts after HubSpot's unsubscribe only
 * when it is newer. At the same instant the subscriber record wins over the checkout box: it is BigCommerce's
 * record of consent, the box only feeds it.
 */
export function emailConsent(state: ConsentFacts, policy: ConsentPolicy = {}): EmailConsent {
  const latest = latestSignal(state, policy)
  if (!latest) return 'unknown'
  return latest.optedIn ? 'opted_in' : 'opted_out'
}

export type ConsentCheck = { allowed: true } | { allowed: false; reason: string }

/**
 * May this marketing trigger reach the contact? `opted_in` contacts, and for an abandoned cart also a
 * subscriber holding the `abandoned_cart` consent or a customer accepting abandoned-cart emails, unless HubSpot
 * says the contact unsubscribed: then only a newsletter opt-in newer than that unsubscribe lets marketing through.
 */
export function marketingConsent(
  state: ConsentFacts & Pick<ContactState, 'customer'>,
  trigger: Trigger,
  policy: ConsentPolicy = {},
): ConsentCheck {
  const latest = latestSignal(state, policy)
  if (latest?.optedIn) return { allowed: true }
  if (hubspotOptOutAt(state, policy) !== null) {
    if (latest?.what === 'hubspot') return { allowed: false, reason: UNSUBSCRIBED_IN_HUBSPOT }
  } else if (trigger === 'cart_abandoned') {
    if (state.subscriber?.abandonedCart) return { allowed: true }
    if (state.customer?.acceptsAbandonedCartEmails) return { allowed: true }
  }
  const why =
    latest && !latest.optedIn
      ? 'email consent is opted_out (the latest signal withdrew marketing_newsletter consent)'
      : 'email consent is unknown (no marketing_newsletter consent and no checkout opt-in)'
  const extra = trigger === 'cart_abandoned' ? ', and no abandoned_cart consent on the subscriber or customer' : ''
  return { allowed: false, reason: `${why}${extra}` }
}
