import type { CronJob } from './job'
import { runBackfill } from '../backfill'

/**
 * Drives the running backfill: one bounded run per tick, inside the 30 s a `waitUntil` gets (the scheduled
 * handler runs its jobs in one); the job's lease keeps a slow run and the next tick apart. Nothing to do
 * without a running job.
 */
export const backfillJob: CronJob = {
  name: 'backfill',
  crons: ['* * * * *'],
  async run(env) {
    await runBackfill(env, { budgetMs: BACKFILL_RUN_BUDGET_MS })
  },
}

/** Wall time each tick's run may start chunks in (the backfill benchmark plays the cron with it). */
export const BACKFILL_RUN_BUDGET_MS = 20_000
