import type { CapEntry } from './automation/state'
import type { AutomationPolicy } from './automation/policy'
import { toIso, toMs } from './automation/time'

type CapPolicy = Pick<AutomationPolicy, 'marketingCap' | 'marketingCapWindowMs'>

/**
 * The rolling marketing cap: a send at `t` occupies a slot until `t + MARKETING_CAP_WINDOW` (exclusive), so
 * at exactly one window after a send its slot is free again.
 */
export function activeSends(ledger: CapEntry[], now: number, policy: CapPolicy): CapEntry[] {
  return ledger.filter((e) => toMs(e.firedAt) + policy.marketingCapWindowMs > now)
}

export type CapCheck = { open: true } | { open: false; used: number; freesAt: number | null }

/** Whether one more marketing trigger may go out at `now`, and if not, when the next slot frees. */
export function capCheck(ledger: CapEntry[], now: number, policy: CapPolicy): CapCheck {
  const active = activeSends(ledger, now, policy)
  if (active.length < policy.marketingCap) return { open: true }
  // The oldest sends leave the window first; with a cap of 0 no slot ever frees.
  const ends = active.map((e) => toMs(e.firedAt) + policy.marketingCapWindowMs).sort((a, b) => a - b)
  const freesAt = policy.marketingCap === 0 ? null : ends[active.length - policy.marketingCap]
  return { open: false, used: active.length, freesAt }
}

/** The ledger after a send at `now`, without entries that can no longer count. */
export function recordSend(ledger: CapEntry[], key: string, now: number, policy: CapPolicy): CapEntry[] {
  return [...activeSends(ledger, now, policy), { key, firedAt: toIso(now) }]
}
