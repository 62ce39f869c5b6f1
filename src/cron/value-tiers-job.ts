import { recomputeValueTiers } from '../upkeep/value-tiers'
import type { CronJob } from './cron-job'

export const valueTiers: CronJob = {
  name: 'value-tiers',
  crons: ['7 * * * *'],
  async run(env, now, invocation) {
    await recomputeValueTiers(env, now, { budget: invocation?.budget })
  },
}
