import { awaitStep, runningJob, type BackfillJob } from '../db/backfill-jobs'
import type { Env } from '../env'
import { backfillStepMessage, type BackfillStepMessage } from '../queues/messages'
import { runBackfill, type RunOptions, type RunOutcome } from './run'

/**
 * The backfill as a chain of steps on its own queue (wrangler.toml: `bc-hubspot-backfill`): each step is one
 * consumer invocation with the invocation's own limits, works for up to `STEP_BUDGET_MS` from the job's
 * saved point, then sends the next step's message at once. So the import runs as fast as the store's quota
 * lets it (each step waits out the rate window itself), not one cron slice a minute. The queue retries a
 * step whose invocation died; the job remembers the one step it waits for (a token), so a duplicate or stale
 * message does nothing; the cron only starts, watches and resumes a chain that stopped.
 */

/**
 * Wall time a step may start work in. A queue consumer may run 15 minutes; a minute fits two windows of the
 * store's quota and keeps each step's outbound calls (800) and D1 queries within an invocation's limits.
 */
export const STEP_BUDGET_MS = 60_000
/** A chain whose awaited step is this late, with no run holding the job, has stopped (a message lost). */
export const STALLED_AFTER_MS = 3 * 60_000
/** Between a failed step and the next: 30 s, doubling, at most 10 minutes. */
const RETRY_BASE_MS = 30_000
const RETRY_MAX_MS = 10 * 60_000
/** When another run holds the job: look again once its lease may have lapsed. */
const LEASED_RETRY_MS = 30_000

/** Makes the next step the one the job waits for, and sends its message (after `delayMs`). */
export async function scheduleStep(env: Env, queue: Queue<BackfillStepMessage>, jobId: string, delayMs: number, now: number): Promise<void> {
  const token = crypto.randomUUID()
  if (!(await awaitStep(env.DB, jobId, token, now + delayMs))) return
  await queue.send({ jobId, token }, delayMs > 0 ? { delaySeconds: Math.ceil(delayMs / 1000) } : undefined)
}

export interface StepOptions extends RunOptions {
  /** The time the step starts (tests and the benchmark play a simulated clock). */
  now?: () => Date
}

/**
 * One step: runs the job if it still waits for this message, then chains the next step (at once; after a
 * backoff when the run failed; after the lease when another run holds the job). Returns the run's outcome,
 * null for a message the job does not wait for.
 */
export async function runStep(env: Env, queue: Queue<BackfillStepMessage>, message: BackfillStepMessage, options: StepOptions = {}): Promise<RunOutcome | null> {
  const clock = options.now ?? (() => new Date())
  const job = await runningJob(env.DB)
  if (!job || job.id !== message.jobId || job.stepToken !== message.token) return null
  const outcome = await runBackfill(env, { budgetMs: STEP_BUDGET_MS, ...options, now: clock })
  const next = nextStepDelay(job, outcome)
  if (next !== null) await scheduleStep(env, queue, job.id, next, clock().getTime())
  return outcome
}

/** How long after this run the next step goes; null when the job no longer runs. */
export function nextStepDelay(job: Pick<BackfillJob, 'failures'>, outcome: RunOutcome): number | null {
  if (!outcome.ran) return outcome.reason === 'leased' ? LEASED_RETRY_MS : null
  if (outcome.state !== 'running') return null
  if (outcome.error === undefined) return 0
  return Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** job.failures)
}

/** The backfill queue's consumer: one step per message; a message that is not a step is dropped. */
export async function consumeBackfillBatch(batch: MessageBatch<unknown>, env: Env, queue: Queue<BackfillStepMessage>): Promise<void> {
  for (const message of batch.messages) {
    const step = backfillStepMessage.safeParse(message.body)
    if (step.success) await runStep(env, queue, step.data)
    else console.warn(`backfill queue: dropped a message that is not a step (${step.error.issues[0]?.message ?? 'invalid'})`)
    message.ack()
  }
}

/**
 * The cron's part: a running job whose awaited step is long overdue and that no run holds gets a new step
 * (the token changes, so a late copy of the lost message does nothing).
 */
export async function resumeStalledBackfill(env: Env, queue: Queue<BackfillStepMessage>, now: number): Promise<boolean> {
  const job = await runningJob(env.DB)
  if (!job) return false
  const leased = job.leaseUntil !== null && job.leaseUntil > now
  const lastSign = Math.max(job.stepDueAt ?? 0, job.updatedAt)
  if (leased || (job.stepDueAt !== null && now - lastSign < STALLED_AFTER_MS)) return false
  await scheduleStep(env, queue, job.id, 0, now)
  return true
}
