import { requireConfig } from '../config'
import type { WebhookSubject } from '../bigcommerce/webhook'
import { claimDueEvents, claimNewEvent, isSuperseded, markEventDone, markEventFailed, type WebhookEventRow } from '../db/events'
import type { Env } from '../env'
import { applySubject } from './apply'
import { pipelineDeps, type ClientTuning } from './deps'

/** What the webhook route stores for each delivery (never the raw body). */
export interface StoredEvent {
  scope: string
  hash: string
  createdAt?: number
  subject: WebhookSubject
}

/** Runs right after the route recorded a delivery (in `waitUntil`), as its first attempt. */
export async function processNewEvent(env: Env, id: string): Promise<void> {
  const row = await claimNewEvent(env.DB, id, Date.now())
  if (row) await runEvent(env, row)
}

/** The cron sweep: retries every pending event whose time has come, a bounded number per tick. */
export async function sweepDueEvents(
  env: Env,
  now: Date,
  options: { limit?: number; tuning?: ClientTuning } = {},
): Promise<number> {
  const rows = await claimDueEvents(env.DB, now.getTime(), options.limit ?? 50)
  for (const row of rows) await runEvent(env, row, options.tuning)
  return rows.length
}

async function runEvent(env: Env, row: WebhookEventRow, tuning?: ClientTuning): Promise<void> {
  const stored = JSON.parse(row.payload) as StoredEvent
  try {
    if (await isSuperseded(env.DB, row)) return await markEventDone(env.DB, row.id, Date.now())
    await applySubject(pipelineDeps(env, requireConfig(env), tuning), stored.subject, {
      eventCreatedAt: stored.createdAt ?? null,
    })
    await markEventDone(env.DB, row.id, Date.now())
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    const { retryAfterMs, retryable } = err as { retryAfterMs?: unknown; retryable?: unknown }
    const failure = {
      error: message,
      retryAfterMs: typeof retryAfterMs === 'number' ? retryAfterMs : undefined,
      final: retryable === false,
    }
    const outcome = await markEventFailed(env.DB, row, failure, Date.now())
    console.warn(`webhook event ${row.scope} ${row.resourceId ?? ''} failed (attempt ${row.attempts}, ${outcome}): ${message}`)
  }
}
