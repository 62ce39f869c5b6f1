import { backfillStatus, startBackfill } from '../backfill/history-import'
import { hookScopes, registerWebhooks, webhookDestination } from '../bigcommerce/hooks'
import { keepAudienceLists, lastAudienceLists } from '../upkeep/audience-lists'
import { checkConsentWriteBack } from '../upkeep/hubspot-consent'
import { refreshSupportEscalations } from '../upkeep/support-escalation-refresh'
import { syncStorefronts } from '../upkeep/storefront-sync'
import { lastWebhookHealth, webhookHealth } from '../upkeep/webhook-health'
import type { Config } from '../config'
import { attributionReport, type AttributionModel } from '../db/attribution-report'
import { hubspotWriter } from '../durable/stubs'
import type { Env } from '../env'
import { bigCommerceClient } from '../clients'

/**
 * The admin API's calls into other parts of the worker, in one place: the HubSpot writer (setup, status,
 * dead-letter replay), the backfill engine, BigCommerce webhook registration and health, and the
 * attribution report.
 */
export type { AttributionModel }

export async function runHubSpotSetup(env: Env, config: Config) {
  return hubspotWriter(env).runSetup({ companies: config.BIGCOMMERCE_B2B })
}

export async function hubspotWriterStatus(env: Env) {
  return hubspotWriter(env).status()
}

export async function replayHubSpotDeadLetter(env: Env, id: number) {
  return hubspotWriter(env).replayDeadLetter(id)
}

/** Setup's check of the tickets scope: refreshes the support escalations now (null: suppression is off). */
export async function checkSupportTickets(env: Env) {
  return refreshSupportEscalations(env, new Date(), { force: true })
}

/** Setup's check of CONSENT_WRITE_BACK's scope (Customers modify); `{enabled: false}` when it is off. */
export async function checkConsentWriteBackScope(env: Env, config: Config) {
  return checkConsentWriteBack(env, config, new Date())
}

/** Setup's channels: every channel with its site and currencies, read now (the daily sync's work). */
export async function syncStoreChannels(env: Env) {
  return syncStorefronts(env, new Date())
}

/** Setup's audiences: creates the missing HubSpot lists; puts edited ones back only when `repair` is asked. */
export async function setUpAudienceLists(env: Env, repair: boolean) {
  return keepAudienceLists(env, new Date(), { repair })
}

export async function audienceListsStatus(env: Env) {
  return lastAudienceLists(env)
}

/** Registers the BigCommerce webhooks at PUBLIC_URL/webhooks/bigcommerce (only when PUBLIC_URL is set). */
export async function registerStoreWebhooks(config: Config) {
  if (!config.PUBLIC_URL) return { skipped: 'PUBLIC_URL is not set: webhooks were not registered' }
  return registerWebhooks(bigCommerceClient(config), {
    destination: webhookDestination(config.PUBLIC_URL),
    webhookSecret: config.BIGCOMMERCE_WEBHOOK_SECRET,
    scopes: hookScopes(config.BIGCOMMERCE_B2B),
  })
}

/** Starts (or resumes) the history import; its first run goes in `waitUntil`, the cron drives the rest. */
export async function startHistoryBackfill(env: Env, since: string | undefined, waitUntil?: (p: Promise<unknown>) => void) {
  return startBackfill(env, since ?? null, { waitUntil })
}

export async function historyBackfillStatus(env: Env) {
  return backfillStatus(env)
}

/** The webhook-health cron's last check (no BigCommerce call per page load); a live check before the first. */
export async function storeWebhookHealth(env: Env, config: Config) {
  const stored = await lastWebhookHealth(env)
  if (stored) return stored
  return webhookHealth(bigCommerceClient(config), env.DB, {
    destination: config.PUBLIC_URL ? webhookDestination(config.PUBLIC_URL) : null,
    webhookSecret: config.BIGCOMMERCE_WEBHOOK_SECRET,
    scopes: hookScopes(config.BIGCOMMERCE_B2B),
  })
}

export async function attributionReportFor(env: Env, range: { from: Date; to: Date }, model: AttributionModel, storefront?: number) {
  return attributionReport(env.DB, { from: range.from.toISOString(), to: range.to.toISOString(), model, storefront })
}
