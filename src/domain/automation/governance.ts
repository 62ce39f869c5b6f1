import { capCheck } from '../caps'
import { marketingConsent } from '../marketing-consent'
import { marketplaceRestriction } from '../marketplace'
import { supportEscalationReason, type SupportTicket } from '../support'
import { formatWindow } from './policy'
import { setbacks, type Candidate, type RuleContext } from './rules'
import { toIso } from './time'

/** What the rules say about a due trigger, before the family's mode decides what happens with it. */
export type Verdict =
  | { kind: 'fire' }
  | { kind: 'suppressed' | 'cancelled'; reason: string }
  /** Held back: by the cap (a slot frees later) or, with `waitingUntil`, by its own condition. */
  | { kind: 'deferred'; reason: string; waitingUntil?: number }

/**
 * The governance of one due trigger, in order: transactional triggers always fire; a marketing trigger whose
 * purpose is gone is cancelled; then consent, marketplace buyers, the refund window and open support
 * escalations suppress it; a review request waits for its shipment; the cap defers it. Pure: it changes nothing.
 */
export function assess(ctx: RuleContext, c: Candidate, supportTickets: readonly SupportTicket[] | null): Verdict {
  if (!c.marketing) return { kind: 'fire' }
  if (c.skipReason) return { kind: 'cancelled', reason: c.skipReason }
  const { policy, now, state } = ctx
  const consent = marketingConsent(state, c.trigger, policy)
  if (!consent.allowed) return { kind: 'suppressed', reason: consent.reason }
  const marketplace = marketplaceRestriction(state.email, ctx.paid, policy.excludedOrderChannels)
  if (marketplace) return { kind: 'suppressed', reason: marketplace }
  const setback = setbacks(ctx)
    .filter((s) => s.at <= now && now < s.at + policy.refundSuppressionMs)
    .pop()
  if (setback) {
    const until = toIso(setback.at + policy.refundSuppressionMs)
    return {
      kind: 'suppressed',
      reason: `within REFUND_SUPPRESSION (${formatWindow(policy.refundSuppressionMs)}) after ${setback.what}; no marketing until ${until}`,
    }
  }
  const escalation = supportEscalationReason(supportTickets)
  if (escalation) return { kind: 'suppressed', reason: escalation }
  if (c.waitFor) {
    if (now >= c.waitFor.until) return { kind: 'cancelled', reason: c.waitFor.expired }
    return { kind: 'deferred', reason: c.waitFor.reason, waitingUntil: c.waitFor.until }
  }
  if (policy.marketingCap === 0) return { kind: 'suppressed', reason: 'MARKETING_CAP is 0: no marketing trigger may go out' }
  const cap = capCheck(ctx.memory.capLedger, now, policy)
  if (!cap.open) {
    const freesAt = cap.freesAt === null ? 'never' : toIso(cap.freesAt)
    return {
      kind: 'deferred',
      reason: `${cap.used} marketing triggers within ${formatWindow(policy.marketingCapWindowMs)} reach MARKETING_CAP ` +
        `(${policy.marketingCap}); held until a slot frees at ${freesAt}`,
    }
  }
  return { kind: 'fire' }
}
