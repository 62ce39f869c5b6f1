import { loadConfig } from '../config'
import {
  readEscalationsState,
  replaceEscalations,
  writeEscalationsState,
  type EscalatedContact,
} from '../db/support-escalations'
import { hubspotWriter } from '../durable/stubs'
import type { Env } from '../env'
import type { PriorityMatch } from '../hubspot/tickets/ticket-reads'

/**
 * Support escalations (SUPPORT_SUPPRESSION_PRIORITIES): every few minutes, one search of HubSpot's open tickets
 * of those priorities, through the HubSpot writer (so it shares the writer's rate budget), cached in D1 by
 * contact email. Contacts read the cache when they evaluate; no trigger ever calls HubSpot. A portal whose token
 * lacks the tickets scope is reported here (and in the status), the cache is emptied, so suppression by tickets
 * is off, and it is asked again an hour later (or at the next setup).
 */
export const REFRESH_INTERVAL_MS = 5 * 60_000
export const UNAVAILABLE_RETRY_MS = 60 * 60_000
/** A cache older than this (the refresh keeps failing) is reported in the status. */
export const STALE_AFTER_MS = 60 * 60_000

export interface SupportEscalationsState {
  /** False with SUPPORT_SUPPRESSION_PRIORITIES=off. */
  enabled: boolean
  configured: string[]
  /** Null until HubSpot was asked; false when it refused the ticket read (no tickets scope). */
  available: boolean | null
  /** Why suppression by tickets is off, when it is. */
  reason: string | null
  priorities: PriorityMatch | null
  /** Open stages over every ticket pipeline (`metadata.ticketState` OPEN). */
  openStages: number | null
  tickets: number
  contacts: number
  /** The last refresh that replaced the cache. */
  refreshedAt: string | null
  /** The last attempt, successful or not. */
  checkedAt: string
  /** The last attempt's failure when HubSpot could not be read (the cache is kept). */
  lastError: string | null
  /** HubSpot calls the last attempt made. */
  calls: number
}

export async function lastSupportEscalations(env: Env): Promise<SupportEscalationsState | null> {
  return readEscalationsState<SupportEscalationsState>(env.DB)
}

/** Refreshes the cache when it is due (or `force`, as setup does); returns the new state, or null if not due. */
export async function refreshSupportEscalations(
  env: Env,
  now: Date,
  options: { force?: boolean } = {},
): Promise<SupportEscalationsState | null> {
  const loaded = loadConfig(env)
  if (!loaded.ok) return null
  const configured = loaded.config.SUPPORT_SUPPRESSION_PRIORITIES
  const last = await lastSupportEscalations(env)
  const base = { checkedAt: now.toISOString(), calls: 0 }
  if (!configured) {
    if (last && !last.enabled) return null
    const off: SupportEscalationsState = {
      ...base, enabled: false, configured: [], available: null, reason: 'SUPPORT_SUPPRESSION_PRIORITIES is off',
      priorities: null, openStages: null, tickets: 0, contacts: 0, refreshedAt: null, lastError: null,
    }
    await replaceEscalations(env.DB, [])
    await writeEscalationsState(env.DB, off, now)
    return off
  }
  if (!options.force && last && !isDue(last, configured, now)) return null

  const read = await hubspotWriter(env).readSupportEscalations(configured)
  let state: SupportEscalationsState
  if (read.ok) {
    const rows: EscalatedContact[] = read.tickets.flatMap(({ emails, ...ticket }) => emails.map((email) => ({ email, ...ticket })))
    await replaceEscalations(env.DB, rows)
    state = {
      ...base, enabled: true, configured, available: true, reason: null, priorities: read.priorities,
      openStages: read.openStages, tickets: read.tickets.length, contacts: new Set(rows.map((r) => r.email)).size,
      refreshedAt: now.toISOString(), lastError: null, calls: read.calls,
    }
  } else if (read.missingScope) {
    await replaceEscalations(env.DB, [])
    state = {
      ...base, enabled: true, configured, available: false,
      reason: `HubSpot refused the ticket read (${read.message}): grant the HubSpot token the tickets scope; until then ` +
        'suppression by support tickets is off',
      priorities: null, openStages: null, tickets: 0, contacts: 0, refreshedAt: now.toISOString(), lastError: null, calls: read.calls,
    }
  } else {
    // A transient failure keeps the last cache (holding marketing back a little longer is the safe side).
    state = {
      ...(last ?? { tickets: 0, contacts: 0, refreshedAt: null, priorities: null, openStages: null, available: null, reason: null }),
      ...base, enabled: true, configured, lastError: read.message, calls: read.calls,
    }
  }
  await writeEscalationsState(env.DB, state, now)
  return state
}

function isDue(last: SupportEscalationsState, configured: string[], now: Date): boolean {
  if (!last.enabled || last.configured.join(',') !== configured.join(',')) return true
  const checkedAt = Date.parse(last.checkedAt)
  if (checkedAt > now.getTime()) return true
  return now.getTime() - checkedAt >= (last.available === false ? UNAVAILABLE_RETRY_MS : REFRESH_INTERVAL_MS)
}

/** Problems for the status: suppression by tickets off for want of the scope, unknown priorities, a stale cache. */
export function supportEscalationProblems(state: SupportEscalationsState | null, now: Date): string[] {
  if (!state?.enabled) return []
  const problems: string[] = []
  if (state.available === false) problems.push(`suppression by support tickets is off: ${state.reason}`)
  if (state.priorities?.unknown.length) {
    problems.push(
      `SUPPORT_SUPPRESSION_PRIORITIES names ${state.priorities.unknown.join(', ')}, which hs_ticket_priority lacks ` +
        `(options: ${state.priorities.options.join(', ') || 'none'})`,
    )
  }
  const refreshed = state.refreshedAt ? Date.parse(state.refreshedAt) : null
  if (state.lastError && (refreshed === null || now.getTime() - refreshed > STALE_AFTER_MS)) {
    problems.push(
      `open support tickets could not be read since ${state.refreshedAt ?? 'the start'} (${state.lastError}); ` +
        'the last known escalations still hold marketing back',
    )
  }
  return problems
}
