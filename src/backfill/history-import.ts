import { emptyProgress, insertRunningJob, latestJob, reviveJob, runningJob } from '../db/backfill-jobs'
import { dropStagedExcept } from '../db/backfill-staging'
import type { Env } from '../env'
import { runBackfill, type RunOptions } from './run'
import { statusOf, type BackfillStatus } from './backfill-status'
import { scheduleStep } from './steps'

export { runBackfill, type RunOptions, type RunOutcome } from './run'
export type { BackfillStatus } from './backfill-status'

export interface StartOptions {
  /**
   * Without the backfill queue: the request's `waitUntil`, so the first run starts right away instead of at
   * the next cron tick. With it, the first step's message goes at once.
   */
  waitUntil?: (promise: Promise<unknown>) => void
  /** Budget of that first run (default 15 s, inside the 30 s a `waitUntil` gets after the response). */
  kick?: RunOptions
  now?: Date
}

/**
 * Starts a historical backfill of customers, subscribers, products and orders modified since `since`
 * (ISO-8601; all history when absent). One at a time: while one runs, its id is returned. A failed job
 * started again with the same `since` resumes where it stopped. Steps on the backfill queue drive it
 * (src/backfill/steps.ts); without that queue, the cron does, in bounded runs.
 */
export async function startBackfill(env: Env, since?: string | null, options: StartOptions = {}): Promise<{ id: string }> {
  const now = (options.now ?? new Date()).getTime()
  const sinceIso = since ? isoDate(since) : null
  let job = await runningJob(env.DB)
  const started = !job
  if (!job) {
    const latest = await latestJob(env.DB)
    if (latest?.state === 'failed' && latest.since === sinceIso && (await reviveJob(env.DB, latest.id, now))) {
      job = { ...latest, state: 'running' }
    } else {
      job = await insertRunningJob(env.DB, { id: crypto.randomUUID(), since: sinceIso, progress: emptyProgress(), now })
      await dropStagedExcept(env.DB, job.id)
    }
  }
  if (env.BACKFILL_QUEUE) {
    // A job already running keeps the step it waits for; a new or revived one gets its first.
    if (started) await scheduleStep(env, env.BACKFILL_QUEUE, job.id, 0, now)
    return { id: job.id }
  }
  options.waitUntil?.(
    runBackfill(env, { budgetMs: 15_000, ...options.kick }).catch((err: unknown) => {
      console.error('backfill kick failed:', err instanceof Error ? err.message : String(err))
    }),
  )
  return { id: job.id }
}

/** The running job's progress, else the last job's outcome, else `idle`. */
export async function backfillStatus(env: Env, now: Date = new Date()): Promise<BackfillStatus> {
  return statusOf(await latestJob(env.DB), now.getTime())
}

/** Thrown for a `since` that is not a date (the admin route answers 400). */
export class InvalidSinceError extends Error {
  override readonly name = 'InvalidSinceError'
}

function isoDate(text: string): string {
  const ms = Date.parse(text)
  if (!Number.isFinite(ms)) throw new InvalidSinceError(`since: "${text}" is not an ISO-8601 date`)
  return new Date(ms).toISOString()
}
