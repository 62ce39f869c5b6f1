import { runConsentSync } from '../upkeep/hubspot-consent'
import type { CronJob } from './cron-job'

export const hubspotConsentJob: CronJob = {
  name: 'hubspot-consent',
  crons: ['* * * * *'],
  async run(env, now) {
    await runConsentSync(env, now)
  },
}
