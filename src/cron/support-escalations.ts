import { refreshSupportEscalations } from '../upkeep/support-escalations'
import type { CronJob } from './job'

export const supportEscalationsJob: CronJob = {
  name: 'support-escalations',
  crons: ['* * * * *'],
  async run(env, now) {
    await refreshSupportEscalations(env, now)
  },
}
