import {
  deadLetterById,
  markDeadLetterReplayed,
  webhookEventState,
  type DeadLetterRow,
} from '../db/operations'
import type { Actor } from '../db/audit'
import { requeueWebhookEvent } from '../db/events'
import type { Env } from '../env'
import { processEventNow } from '../pipeline/process-event'
import { audited } from './audit'
import { replayHubSpotDeadLetter } from './operations'

/** A dead letter as the admin API shows it (the payload stays in D1: it may hold personal data). */
export function deadLetterView(row: DeadLetterRow) {
  return {
    id: row.id,
    source: row.source,
    reference: row.reference,
    error: row.error,
    attempts: row.attempts,
    createdAt: new Date(row.createdAt).toISOString(),
    replayedAt: row.replayedAt === null ? null : new Date(row.replayedAt).toISOString(),
  }
}

export type ReplayOutcome =
  | { ok: true; id: number; source: 'webhook' | 'hubspot'; reference: string; result: string }
  | { ok: false; status: 404 | 409; error: string; message: string }

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
  const requeued = await requeueWebhookEvent(env.DB, row.reference, now.getTime())
  if (!requeued) {
    return {
      ok: false,
      status: 409,
      error: 'not_replayable',
      message: `webhook event ${row.reference} is no longer dead-lettered (already replayed or removed)`,
    }
  }
  await markDeadLetterReplayed(env.DB, id, now.getTime())
  await processEventNow(env, row.reference)
  const state = await webhookEventState(env.DB, row.reference)
  const result =
    state?.status === 'done' || state?.status === 'ignored'
      ? 'processed'
      : `failed again, retrying later: ${state?.lastError ?? 'unknown error'}`
  return { ok: true, id, source: 'webhook', reference: row.reference, result }
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
