import type { CronJob } from './job'
import { runBackfill } from '../backfill'

/**
 * Drives the running backfill: one bounded run per tick; the job's lease keeps a slow run and the next tick
 * apart. Nothing to do without a running job.
 */
export const backfillJob: CronJob = {
  name: 'backfill',
  crons: ['* * * * *'],
  async run(env, _now, invocation) {
    await runBackfill(env, { budgetMs: BACKFILL_RUN_BUDGET_MS, invocation })
  },
}

/**
 * Wall time each tick's run may start chunks in (the backfill benchmark plays the cron with it). A cron
 * invocation may run 15 minutes (research/cloudflare.md); 45 s lets a run sit out one reset of BigCommerce's
 * 30-s rate window, so it uses both windows of its minute, and still ends before the next tick. The job runs
 * last in its tick (cron/index.ts), so no other job waits for it.
 */
export const BACKFILL_RUN_BUDGET_MS = 45_000
