import { storefrontSyncDue, syncStorefronts } from '../upkeep/storefronts'
import type { CronJob } from './job'

export const storefrontSyncJob: CronJob = {
  name: 'storefronts',
  crons: ['7 * * * *'],
  async run(env, now) {
    if (!(await storefrontSyncDue(env, now))) return
    await syncStorefronts(env, now)
  },
}
