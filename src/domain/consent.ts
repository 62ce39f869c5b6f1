import type { ContactState } from './contact-state'
import type { EmailConsent, Trigger } from './model'
import { byCreation, toMs } from './automation/time'

interface ConsentSignal {
  optedIn: boolean
  at: number
  what: string
}

/**
 * The consent signals we hold, each with its time: the subscriber record (its `marketing_newsletter`
 * consent, as of its last change) and the opt-in box of the latest checkout. An unticked box at checkout is
 * no signal: it does not unsubscribe anyone.
 */
function consentSignals(state: Pick<ContactState, 'subscriber' | 'orders'>): ConsentSignal[] {
  const signals: ConsentSignal[] = []
  const sub = state.subscriber
  if (sub) signals.push({ optedIn: sub.newsletter, at: toMs(sub.modifiedAt), what: 'subscriber record' })
  const orders = byCreation(Object.values(state.orders))
  const latest = orders[orders.length - 1]
  if (latest?.emailOptIn) signals.push({ optedIn: true, at: toMs(latest.createdAt), what: `checkout of order ${latest.orderId}` })
  return signals
}

/**
 * `bc_email_consent`: the latest signal wins, so an unsubscribe after a checkout opt-in is `opted_out` and a
 * checkout opt-in after an unsubscribe is `opted_in`. At the same instant the subscriber record wins: it is
 * BigCommerce's record of consent, the checkout box only feeds it.
 */
export function emailConsent(state: Pick<ContactState, 'subscriber' | 'orders'>): EmailConsent {
  const signals = consentSignals(state)
  if (signals.length === 0) return 'unknown'
  const latest = signals.reduce((a, b) => (b.at > a.at ? b : a))
  return latest.optedIn ? 'opted_in' : 'opted_out'
}

export type ConsentCheck = { allowed: true } | { allowed: false; reason: string }

/**
 * May this marketing trigger reach the contact? `opted_in` contacts, and for an abandoned cart also a
 * subscriber holding the `abandoned_cart` consent or a customer accepting abandoned-cart emails.
 */
export function marketingConsent(
  state: Pick<ContactState, 'subscriber' | 'orders' | 'customer'>,
  trigger: Trigger,
): ConsentCheck {
  const consent = emailConsent(state)
  if (consent === 'opted_in') return { allowed: true }
  if (trigger === 'cart_abandoned') {
    if (state.subscriber?.abandonedCart) return { allowed: true }
    if (state.customer?.acceptsAbandonedCartEmails) return { allowed: true }
  }
  const why =
    consent === 'opted_out'
      ? 'email consent is opted_out (the latest signal withdrew marketing_newsletter consent)'
      : 'email consent is unknown (no marketing_newsletter consent and no checkout opt-in)'
  const extra = trigger === 'cart_abandoned' ? ', and no abandoned_cart consent on the subscriber or customer' : ''
  return { allowed: false, reason: `${why}${extra}` }
}
