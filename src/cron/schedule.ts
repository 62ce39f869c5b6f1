import type { Env } from '../env'
import { attributionRollup } from './attribution-rollup-job'
import { retrySweep } from './retry-sweep-job'
import { backfillJob } from './backfill-job'
import { webhookHealthJob } from './webhook-health-job'
import { valueTiers } from './value-tiers-job'
import { reconciliationJob } from './reconciliation-job'
import { highValueCarts } from './high-value-carts-job'
import { retention } from './retention-job'
import { supportEscalationsJob } from './support-escalations-job'
import { audienceListsJob } from './audience-lists-job'
import { hubspotConsentJob } from './hubspot-consent-job'
import { contactWakes } from './contact-wakes-job'
import { storefrontSyncJob } from './storefronts-job'
import { identityAutoLink } from './identity-auto-link-job'
import { companyReconciliationJob } from './company-reconciliation-job'
import type { CronJob } from './cron-job'
import { apiPauseProbe } from './api-pause-probe-job'
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
