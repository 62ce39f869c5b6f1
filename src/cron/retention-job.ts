import { requireConfig } from '../config'
import { DEFAULT_RETENTION_BUDGET, runRetention } from '../db/retention'
import type { CronJob } from './cron-job'

/**
 * Keeps D1 from growing without bound (README "Retention"): processed deliveries, replayed dead letters,
 * decisions past DECISIONS_RETENTION, touches, visitors and anonymous carts nothing needs any more. Bounded
 * per run; a run that stops at its budget is continued by the next.
 */
export const retention: CronJob = {
  name: 'retention',
  crons: ['7 * * * *'],
  async run(env, now, invocation) {
    const config = requireConfig(env)
    // Its own bound, within what the tick's other jobs left.
    const maxQueries = Math.min(DEFAULT_RETENTION_BUDGET.maxQueries, invocation?.budget.remaining().queries ?? Infinity)
    const run = await runRetention(
      env.DB,
      { now: now.getTime(), decisionsMs: config.DECISIONS_RETENTION.ms, lookbackMs: config.ATTRIBUTION_LOOKBACK.ms },
      { ...DEFAULT_RETENTION_BUDGET, maxQueries },
    )
    const deleted = Object.entries(run.deleted).filter(([, n]) => n > 0)
    if (deleted.length > 0 || !run.complete) {
      console.log(
        `retention: deleted ${deleted.map(([table, n]) => `${n} ${table}`).join(', ') || 'nothing'} in ${run.queries} queries` +
          (run.complete ? '' : ' (more next run)'),
      )
    }
  },
}
