import type { CronJob } from './cron-job'
import { reconcileCompanies } from '../companies/reconcile'
import { loadConfig } from '../config'
import { b2bClient } from '../clients'

/**
 * B2B Edition's daily reconciliation (src/companies/reconcile.ts): due once a day and after a history import;
 * a run in progress goes on each minute within a short budget, before the backfill takes the rest of the tick.
 * Time is the tick's, so a test (or a late tick) decides what is due.
 */
export const RECONCILIATION_RUN_BUDGET_MS = 20_000

export const companyReconciliationJob: CronJob = {
  name: 'company-reconciliation',
  crons: ['* * * * *'],
  async run(env, now, invocation) {
    const loaded = loadConfig(env)
    if (!loaded.ok || !loaded.config.BIGCOMMERCE_B2B) return
    const offset = now.getTime() - Date.now()
    // The tick's client: its calls count in the tick's budget.
    const b2b = invocation?.b2b ?? b2bClient(loaded.config)
    await reconcileCompanies(env, b2b, { now: () => Date.now() + offset, budgetMs: RECONCILIATION_RUN_BUDGET_MS })
  },
}
