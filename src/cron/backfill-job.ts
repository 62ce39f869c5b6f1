import type { CronJob } from './cron-job'
import { runBackfill } from '../backfill/history-import'
import { resumeStalledBackfill } from '../backfill/steps'

/**
 * Watches the running backfill. On the backfill queue its steps chain themselves; the cron only resumes a
 * chain that stopped (a lost message). Without that queue (an account without Queues), the cron drives the
 * job itself, one bounded run per tick; the job's lease keeps a slow run and the next tick apart.
 */
export const backfillJob: CronJob = {
  name: 'backfill',
  crons: ['* * * * *'],
  async run(env, now, invocation) {
    if (env.BACKFILL_QUEUE) await resumeStalledBackfill(env, env.BACKFILL_QUEUE, now.getTime())
    else await runBackfill(env, { budgetMs: BACKFILL_RUN_BUDGET_MS, invocation })
  },
}

/**
 * Wall time each tick's run may start chunks in, without the queue. A cron invocation may run 15 minutes
 * (research/cloudflare.md); 45 s lets a run sit out one reset of BigCommerce's 30-s rate window, so it uses
 * both windows of its minute, and still ends before the next tick. The job runs last in its tick
 * (cron/schedule.ts), so no other job waits for it.
 */
export const BACKFILL_RUN_BUDGET_MS = 45_000
