import { storefrontSyncDue, syncStorefronts } from '../upkeep/storefront-sync'
import type { CronJob } from './cron-job'

export const storefrontSyncJob: CronJob = {
  name: 'storefronts',
  crons: ['7 * * * *'],
  async run(env, now) {
    if (!(await storefrontSyncDue(env, now))) return
    await syncStorefronts(env, now)
  },
}
