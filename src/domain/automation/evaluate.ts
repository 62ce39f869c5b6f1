import type { ContactState } from '../contact-state'
import type { FiredTrigger, IsoDate, ShadowOutcome, TriggerDecision } from '../model'
import { capCheck, recordSend } from '../caps'
import { nextStatusChangeAt, paidOrdersOldestFirst } from '../lifecycle'
import type { SupportTicket } from '../support'
import { TRIGGER_DEFINITIONS } from './definitions'
import { FAMILY_OF } from './families'
import { assess, type Verdict } from './governance'
import type { AutomationPolicy } from './policy'
import { goneReason, rememberPaidOrders, RULES, type Candidate, type RuleContext } from './rules'
import { initialAutomationState, type AutomationState, type HandledOutcome } from './state'
import { toIso, toMs } from './time'

export interface AutomationInput {
  state: ContactState
  now: Date
  policy: AutomationPolicy
  /** `import`: historical backfill; everything due by `now` is history and settles silently. */
  mode: 'live' | 'import'
  /**
   * The contact's open HubSpot tickets of a SUPPORT_SUPPRESSION_PRIORITIES priority, read from the cache of
   * the last ticket search; null or absent when not known (suppression by tickets is off).
   */
  supportTickets?: readonly SupportTicket[] | null
}

export interface AutomationResult {
  automation: AutomationState
  fired: FiredTrigger[]
  decisions: TriggerDecision[]
  /** The earliest future instant anything could become due, or null. */
  nextWakeAt: IsoDate | null
}

/** Transactional first, then marketing by priority (abandoned cart first), then oldest due first. */
function processingOrder(a: Candidate, b: Candidate): number {
  const rank = (c: Candidate) => (c.marketing ? TRIGGER_DEFINITIONS[c.trigger].priority : 0)
  return rank(a) - rank(b) || a.dueAt - b.dueAt || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)
}

/**
 * The automation engine for one contact: given its latest hydrated state and the time, which triggers fire,
 * which are deferred, suppressed or cancelled, and when to look again. Pure: the caller stores the returned
 * `automation` in the state, writes `fired` to HubSpot and `decisions` to the decision log.
 * Idempotent (a settled key never fires again, a deferral is recorded once) and order-independent (every
 * candidate is derived again from the state; only settled keys and the cap ledger are remembered).
 */
export function evaluateAutomation(input: AutomationInput): AutomationResult {
  const { state, policy, mode } = input
  const now = input.now.getTime()
  const nowIso = toIso(now)
  const automation: AutomationState = structuredClone(state.automation ?? initialAutomationState())
  rememberPaidOrders(automation, state)
  if (mode === 'import' && (!automation.importedThrough || toMs(automation.importedThrough) < now)) {
    automation.importedThrough = nowIso
  }
  const ctx: RuleContext = { state, now, policy, memory: automation, paid: paidOrdersOldestFirst(state) }
  const candidates = RULES.flatMap((rule) => rule(ctx))
  const fired: FiredTrigger[] = []
  const decisions: TriggerDecision[] = []

  const decide = (c: { trigger: Candidate['trigger']; key: string }, decision: TriggerDecision['decision'], reason: string) =>
    decisions.push({ trigger: c.trigger, key: c.key, decision, reason, at: nowIso })
  const settle = (key: string, outcome: HandledOutcome) => {
    automation.handled[key] = outcome
    delete automation.deferred[key]
  }

  const importedThrough = automation.importedThrough ? toMs(automation.importedThrough) : null
  const due = candidates
    .filter((c) => !automation.handled[c.key] && c.dueAt <= now)
    .sort(processingOrder)

  // History: whatever fell due by the import moment settles silently, in any mode.
  const live = due.filter((c) => {
    if (importedThrough === null || c.dueAt > importedThrough) return true
    settle(c.key, 'imported')
    return false
  })

  if (mode === 'live') {
    // A deferred trigger no rule proposes any more has lost its cause (the cart converted, an order came).
    const proposed = new Set(candidates.map((c) => c.key))
    for (const d of Object.values(automation.deferred)) {
      if (proposed.has(d.key) || automation.handled[d.key]) continue
      decide(d, 'cancelled', goneReason(ctx, d))
      settle(d.key, 'cancelled')
    }

    for (const c of live) {
      const family = FAMILY_OF[c.trigger]
      const familyMode = policy.familyModes[family]
      if (familyMode === 'off') {
        // Nothing is evaluated; what fell due is passed over, so turning the family on later fires no history.
        if (automation.deferred[c.key]) decide(c, 'cancelled', `TRIGGER_FAMILIES: ${family} is off`)
        settle(c.key, 'off')
        continue
      }
      const verdict = assess(ctx, c, input.supportTickets ?? null)
      if (familyMode === 'shadow') shadow(c, verdict, family)
      else apply(c, verdict)
    }
  }

  /** A live family: the verdict takes effect. */
  function apply(c: Candidate, verdict: Verdict) {
    if (verdict.kind === 'fire') {
      if (c.marketing) automation.capLedger = recordSend(automation.capLedger, c.key, now, policy)
      fire(c)
    } else if (verdict.kind === 'deferred') {
      const existing = automation.deferred[c.key]
      const waiting = verdict.waitingUntil !== undefined
      // Recorded once per kind of wait: held by the cap, or waiting for its condition.
      if (existing && Boolean(existing.waitingUntil) === waiting) return
      decide(c, 'deferred', verdict.reason)
      automation.deferred[c.key] = {
        trigger: c.trigger,
        key: c.key,
        subject: c.subject,
        at: c.fired.at,
        deferredAt: existing?.deferredAt ?? nowIso,
        ...(waiting ? { waitingUntil: toIso(verdict.waitingUntil!) } : {}),
      }
    } else {
      decide(c, verdict.kind, verdict.reason)
      settle(c.key, verdict.kind)
    }
  }

  /**
   * A family in shadow mode: the same evaluation, recorded as `shadowed` with what a live family would have
   * done (and the trigger it would have written), then settled: nothing is written, no cap slot is taken, and
   * turning the family live later never fires it.
   */
  function shadow(c: Candidate, verdict: Verdict, family: string) {
    const outcome: ShadowOutcome = verdict.kind === 'fire' ? 'fired' : verdict.kind
    const why = verdict.kind === 'fire' ? c.reason : verdict.reason
    decisions.push({
      trigger: c.trigger,
      key: c.key,
      decision: 'shadowed',
      reason: `shadow mode (TRIGGER_FAMILIES ${family}): would have ${outcome === 'fired' ? 'fired' : `been ${outcome}`}: ${why}`,
      at: nowIso,
      shadow: outcome === 'fired' ? { outcome, wouldFire: c.fired } : { outcome },
    })
    settle(c.key, 'shadowed')
  }

  function fire(c: Candidate) {
    const wasDeferred = automation.deferred[c.key]
    fired.push(c.fired)
    decide(c, 'fired', wasDeferred ? `${c.reason} (deferred since ${wasDeferred.deferredAt})` : c.reason)
    settle(c.key, 'fired')
  }

  return { automation, fired, decisions, nextWakeAt: nextWake(ctx, candidates, automation) }
}

/** The earliest future instant a trigger comes due, a cap slot frees for a deferred one, or the status moves. */
function nextWake(ctx: RuleContext, candidates: Candidate[], automation: AutomationState): IsoDate | null {
  const moments = candidates.filter((c) => !automation.handled[c.key] && c.dueAt > ctx.now).map((c) => c.dueAt)
  const statusChange = nextStatusChangeAt(ctx.state, new Date(ctx.now), ctx.policy)
  if (statusChange !== null) moments.push(statusChange)
  const deferred = Object.values(automation.deferred)
  // A trigger waiting for its condition is looked at again when that changes (an event), or at its limit.
  for (const d of deferred) if (d.waitingUntil) moments.push(toMs(d.waitingUntil))
  if (deferred.some((d) => !d.waitingUntil)) {
    const cap = capCheck(automation.capLedger, ctx.now, ctx.policy)
    // A deferral waits for a slot; with the cap open it is retried at once (e.g. after an import run).
    moments.push(cap.open ? ctx.now + 1 : (cap.freesAt ?? Number.POSITIVE_INFINITY))
  }
  const next = Math.min(...moments.filter((m) => m > ctx.now))
  return Number.isFinite(next) ? toIso(next) : null
}
