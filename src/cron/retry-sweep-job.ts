import type { CronJob } from './cron-job'
import { sweepDueEvents } from '../pipeline/sweep'

/** Retries webhook events whose earlier attempt failed (BigCommerce down, rate-limited, a bug fixed since). */
export const retrySweep: CronJob = {
  name: 'retry-sweep',
  crons: ['* * * * *'],
  async run(env, now, invocation) {
    await sweepDueEvents(env, now, { invocation })
  },
}
