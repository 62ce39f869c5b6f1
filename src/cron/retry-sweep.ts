import type { CronJob } from './job'
import { sweepDueEvents } from '../pipeline/process-event'

/** Retries webhook events whose earlier attempt failed (BigCommerce down, rate-limited, a bug fixed since). */
export const retrySweep: CronJob = {
  name: 'retry-sweep',
  crons: ['* * * * *'],
  async run(env, now) {
    await sweepDueEvents(env, now)
  },
}
