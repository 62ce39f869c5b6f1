import { refreshSupportEscalations } from '../upkeep/support-escalation-refresh'
import type { CronJob } from './cron-job'

export const supportEscalationsJob: CronJob = {
  name: 'support-escalations',
  crons: ['* * * * *'],
  async run(env, now) {
    await refreshSupportEscalations(env, now)
  },
}
