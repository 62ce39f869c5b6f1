import { deadLetterById, markDeadLetterReplayed, type DeadLetterRow } from '../db/dead-letters'
import type { Actor } from '../db/audit'
import { requeueDeadEvents, webhookEventState } from '../db/webhook-inbox'
import type { Env } from '../env'
import type { ErrorCode } from '../http'
import { processEventNow, type EventOutcome } from '../pipeline/process-event'
import { audited } from './audited-change'
import { replayHubSpotDeadLetter } from './operator-actions'

/**
 * What kind of failure a dead letter records, for replaying a whole class at once (an afternoon's token
 * mix-up is `auth`, an outage `outage`). Read from the error our code wrote: BigCommerce's are
 * `BigCommerce GET /v2/orders/5: 401 (Unauthorized)`, a payload's `... does not match its schema`, HubSpot's
 * are HubSpot's own message about the record it refused.
 */
export const ERROR_CLASSES = ['auth', 'rate_limit', 'outage', 'invalid_payload', 'unusable', 'rejected', 'queue_gave_up', 'other'] as const
export type ErrorClass = (typeof ERROR_CLASSES)[number]

export function errorClassOf(source: DeadLetterRow['source'], error: string): ErrorClass {
  if (/does not match its schema/.test(error)) return 'invalid_payload'
  if (/has no (usable|billing) email/.test(error)) return 'unusable'
  if (source === 'webhook' && /: 40[13]\b/.test(error)) return 'auth'
  if (/\b429\b|rate limit|reserve kept for other apps/i.test(error)) return 'rate_limit'
  if (/: 5\d\d\b|timed out|network error|not JSON/.test(error)) return 'outage'
  if (/the webhook queue gave up/.test(error)) return 'queue_gave_up'
  return source === 'hubspot' ? 'rejected' : 'other'
}

/** A dead letter as the admin API shows it (the payload stays in D1: it may hold personal data). */
export function deadLetterView(row: DeadLetterRow) {
  return {
    id: row.id,
    source: row.source,
    reference: row.reference,
    error: row.error,
    errorClass: errorClassOf(row.source, row.error),
    attempts: row.attempts,
    createdAt: new Date(row.createdAt).toISOString(),
    replayedAt: row.replayedAt === null ? null : new Date(row.replayedAt).toISOString(),
  }
}

export type ReplayOutcome =
  | { ok: true; id: number; source: 'webhook' | 'hubspot'; reference: string; result: string }
  | { ok: false; status: 404 | 409; error: ErrorCode; message: string }

/**
 * Replays one dead letter. A webhook event goes back into the inbox with a fresh attempt count and is
 * processed right away (if it fails again it follows the usual retries); a HubSpot record is re-enqueued
 * by the writer. Replaying the same dead letter twice is refused: the second is a no-op with 409.
 */
export async function replayDeadLetter(env: Env, id: number, now: Date): Promise<ReplayOutcome> {
  const row = await deadLetterById(env.DB, id)
  if (!row) return { ok: false, status: 404, error: 'not_found', message: `no dead letter ${id}` }
  if (row.replayedAt !== null) {
    return {
      ok: false,
      status: 409,
      error: 'already_replayed',
      message: `dead letter ${id} was replayed at ${new Date(row.replayedAt).toISOString()}`,
    }
  }
  if (row.source === 'hubspot') {
    const replay = await replayHubSpotDeadLetter(env, id)
    if (!replay.replayed) return { ok: false, status: 409, error: 'not_replayable', message: replay.reason ?? 'not replayed' }
    return { ok: true, id, source: 'hubspot', reference: row.reference, result: 'queued for the HubSpot writer' }
  }
  const [requeued] = await requeueDeadEvents(env.DB, [row.reference], now.getTime())
  if (!requeued) {
    return {
      ok: false,
      status: 409,
      error: 'not_replayable',
      message: `webhook event ${row.reference} is no longer dead-lettered (already replayed or removed)`,
    }
  }
  await markDeadLetterReplayed(env.DB, id, now.getTime())
  const outcome = await processEventNow(env, row.reference)
  const state = await webhookEventState(env.DB, row.reference)
  return { ok: true, id, source: 'webhook', reference: row.reference, result: replayResult(outcome, state) }
}

/** What became of a replayed webhook event, in the operator's words. */
function replayResult(outcome: EventOutcome | null, state: { status: string; lastError: string | null } | null): string {
  if (state?.status === 'done' || state?.status === 'ignored') return 'processed'
  switch (outcome?.outcome) {
    case 'paused':
      return 'waiting: BigCommerce processing is paused; it runs on the resume'
    // Not attempted here, no attempt spent: the sweep takes it once the other attempt ends or the budget frees.
    case 'held':
      return 'waiting: another attempt is processing the same resource; it runs as soon as that attempt ends'
    case 'deferred':
      return 'waiting: this invocation had no room left for it; the next sweep runs it'
    default:
      return `failed again, retrying later: ${state?.lastError ?? 'unknown error'}`
  }
}

/** The replay as an operator's change: recorded in the audit log with its outcome. */
export async function replayDeadLetterAudited(env: Env, actor: Actor, id: number, now: Date): Promise<ReplayOutcome> {
  return audited(
    env.DB,
    { actor, action: 'dead_letter.replay', target: String(id), before: { replayedAt: null } },
    () => replayDeadLetter(env, id, now),
    (o) => (o.ok ? { replayedAt: now.toISOString(), result: o.result } : { refused: o.error, message: o.message }),
  )
}
