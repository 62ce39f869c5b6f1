import type { Env } from '../env'
import { attributionRollup } from './attribution'
import { retrySweep } from './retry-sweep'
import { backfillJob } from './backfill'
import { webhookHealthJob } from './webhook-health'
import { valueTiers } from './value-tiers'
import { reconciliationJob } from './reconciliation'
import { highValueCarts } from './high-value-carts'
import { retention } from './retention'
import { supportEscalationsJob } from './support-escalations'
import { audienceListsJob } from './audience-lists'
import { hubspotConsentJob } from './hubspot-consent'
import { contactWakes } from './contact-wakes'
import { storefrontSyncJob } from './storefronts'
import { identityAutoLink } from './identity-auto-link'
import { companyReconciliationJob } from './company-reconciliation'
import type { CronJob } from './job'
import { apiPauseProbe } from './api-pause-probe'
import { Invocation } from '../invocation/invocation'

/** One line per job; the order is the order they run in within one tick. */
export const JOBS: readonly CronJob[] = [
  // First: a resumed API's backlog is then swept in the same tick.
  apiPauseProbe,
  retrySweep,
  contactWakes,
  attributionRollup,
  webhookHealthJob,
  valueTiers,
  reconciliationJob,
  highValueCarts,
  retention,
  supportEscalationsJob,
  hubspotConsentJob,
  // Before the lists: a new storefront gets its audience list in the same tick.
  storefrontSyncJob,
  audienceListsJob,
  identityAutoLink,
  companyReconciliationJob,
  // Last: its run takes most of a minute when there is history to import.
  backfillJob,
]

/**
 * The scheduled handler's dispatcher. Each job runs on its own: one failing job does not stop the others. The
 * tick is one invocation: its jobs share one budget of subrequests and D1 queries and one BigCommerce client.
 */
export async function runScheduled(cron: string, scheduledTime: number, env: Env): Promise<void> {
  const now = new Date(scheduledTime)
  const invocation = new Invocation(env)
  for (const job of JOBS.filter((j) => j.crons.includes(cron))) {
    try {
      await job.run(invocation.env, now, invocation)
    } catch (err) {
      console.error(`cron job ${job.name} failed:`, err instanceof Error ? err.message : String(err))
    }
  }
}
