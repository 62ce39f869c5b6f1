import { requireConfig } from '../config'
import { reconciliationClient, recentReconciliation } from '../upkeep/order-reconciliation'
import type { CronJob } from './cron-job'

/**
 * Every 15 minutes: refreshes the dashboard's 30-day reconciliation so a page load finds a recent run instead
 * of reading HubSpot. Safe to repeat: a run under 15 minutes old is kept.
 */
export const reconciliationJob: CronJob = {
  name: 'reconciliation',
  crons: ['*/15 * * * *'],
  async run(env, now) {
    await recentReconciliation(env.DB, reconciliationClient(requireConfig(env)), now)
  },
}
