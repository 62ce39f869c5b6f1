import type { CronJob } from '.'
import { runBackfill } from '../backfill'

/**
 * Drives the running backfill: one bounded run per tick, well inside the minute so ticks do not pile up
 * (the job's lease keeps a slow run and the next tick apart). Nothing to do without a running job.
 */
export const backfillJob: CronJob = {
  name: 'backfill',
  crons: ['* * * * *'],
  async run(env) {
    await runBackfill(env, { budgetMs: 40_000 })
  },
}
