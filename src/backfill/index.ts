import { emptyProgress, insertRunningJob, latestJob, reviveJob, runningJob } from '../db/backfill'
import type { Env } from '../env'
import { runBackfill, type RunOptions } from './run'
import { statusOf, type BackfillStatus } from './status'

export { runBackfill, type RunOptions, type RunOutcome } from './run'
export { statusOf, type BackfillStatus } from './status'

export interface StartOptions {
  /** The request's `waitUntil`: the first run starts right away instead of at the next cron tick. */
  waitUntil?: (promise: Promise<unknown>) => void
  /** Budget of that first run (default 15 s, inside the 30 s a `waitUntil` gets after the response). */
  kick?: RunOptions
  now?: Date
}

/**
 * Starts a historical backfill of customers, subscribers, products and orders modified since `since`
 * (ISO-8601; all history when absent). One at a time: while one runs, its id is returned. A failed job
 * started again with the same `since` resumes where it stopped. The cron drives it in bounded runs.
 */
export async function startBackfill(env: Env, since?: string | null, options: StartOptions = {}): Promise<{ id: string }> {
  const now = (options.now ?? new Date()).getTime()
  const sinceIso = since ? isoDate(since) : null
  let job = await runningJob(env.DB)
  if (!job) {
    const latest = await latestJob(env.DB)
    if (latest?.state === 'failed' && latest.since === sinceIso && (await reviveJob(env.DB, latest.id, now))) {
      job = { ...latest, state: 'running' }
    } else {
      job = await insertRunningJob(env.DB, { id: crypto.randomUUID(), since: sinceIso, progress: emptyProgress(), now })
    }
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
