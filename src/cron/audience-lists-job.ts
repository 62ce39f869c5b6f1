import { keepAudienceLists, lastAudienceLists } from '../upkeep/audience-lists'
import type { CronJob } from './cron-job'

export const audienceListsJob: CronJob = {
  name: 'audience-lists',
  crons: ['7 * * * *'],
  async run(env, now) {
    // Only after setup made them once: a fresh install does not create lists before the operator runs setup.
    if (!(await lastAudienceLists(env))) return
    await keepAudienceLists(env, now, { repair: false })
  },
}
