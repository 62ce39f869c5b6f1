import type { Config } from '../config'
import { hubspotWriter } from '../durable/stubs'
import type { Env } from '../env'

/**
 * The admin API's calls into other parts of the worker, in one place: the HubSpot writer (setup, status,
 * dead-letter replay), the backfill engine, BigCommerce webhook registration and health, and the
 * attribution report. Each returns plain JSON-able data.
 */
export class NotAvailableError extends Error {}

export async function runHubSpotSetup(env: Env) {
  return hubspotWriter(env).runSetup()
}

export async function hubspotWriterStatus(env: Env) {
  return hubspotWriter(env).status()
}

export async function replayHubSpotDeadLetter(env: Env, id: number) {
  return hubspotWriter(env).replayDeadLetter(id)
}

/** Registers the BigCommerce webhooks at PUBLIC_URL/webhooks/bigcommerce (only when PUBLIC_URL is set). */
export async function registerStoreWebhooks(_env: Env, config: Config): Promise<unknown> {
  if (!config.PUBLIC_URL) return { skipped: 'PUBLIC_URL is not set: webhooks were not registered' }
  // INTEGRATION POINT: registerWebhooks(...) from src/bigcommerce/hooks.ts (helper E2).
  throw new NotAvailableError('webhook registration (src/bigcommerce/hooks.ts registerWebhooks) is not integrated yet')
}

/** Starts (or resumes) the history import; returns its id. */
export async function startHistoryBackfill(_env: Env, _since: string | undefined): Promise<{ id: string }> {
  // INTEGRATION POINT: startBackfill(env, since) from src/backfill/index.ts (helper E2).
  throw new NotAvailableError('the backfill engine (src/backfill/index.ts startBackfill) is not integrated yet')
}

export async function historyBackfillStatus(_env: Env): Promise<unknown> {
  // INTEGRATION POINT: backfillStatus(env) from src/backfill/index.ts (helper E2).
  throw new NotAvailableError('the backfill engine (src/backfill/index.ts backfillStatus) is not integrated yet')
}

export async function storeWebhookHealth(_env: Env, _config: Config): Promise<unknown> {
  // INTEGRATION POINT: webhook health (incl. deactivated hooks) from src/bigcommerce/hooks.ts (helper E2).
  throw new NotAvailableError('webhook health (src/bigcommerce/hooks.ts) is not integrated yet')
}

export type AttributionModel = 'first' | 'last' | 'order'

export async function attributionReportFor(
  _env: Env,
  _range: { from: Date; to: Date },
  _model: AttributionModel,
): Promise<unknown> {
  // INTEGRATION POINT: attributionReport(...) from src/db/attribution-report.ts (helper D).
  throw new NotAvailableError('the attribution report (src/db/attribution-report.ts) is not integrated yet')
}
