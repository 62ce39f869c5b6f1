import { hookScopes, reactivateHooks, readHooksReport, webhookDestination, type HooksReport, type HooksReportOptions } from '../bigcommerce/hooks'
import { loadConfig } from '../config'
import { hookExceptions, readState, writeState, type HookException } from '../db/sync-state'
import type { BigCommerceClient } from '../bigcommerce/bigcommerce-client'
import type { Env } from '../env'
import { bigCommerceClient } from '../clients'

/** Where the last check is kept; the status API can read it without calling BigCommerce. */
export const WEBHOOK_HEALTH_KEY = 'webhook_health'
/** Checks cost BigCommerce quota: at most one per this interval, however often the cron fires. */
export const WEBHOOK_HEALTH_INTERVAL_MS = 10 * 60 * 1000

export interface WebhookHealth extends HooksReport {
  /** Recent `store/hook/deliveryException` callbacks, newest first. */
  deliveryExceptions: HookException[]
}

/** The hooks as BigCommerce reports them, with the delivery exceptions it sent us (kept in D1). */
export async function webhookHealth(client: BigCommerceClient, db: D1Database, options: HooksReportOptions = {}): Promise<WebhookHealth> {
  const report = await readHooksReport(client, options)
  const { checkedAt, ...hooks } = report
  return { ...hooks, deliveryExceptions: await hookExceptions(db), checkedAt }
}

export interface StoredWebhookHealth extends WebhookHealth {
  /** Hooks this check re-enabled. */
  reenabled: number[]
}

/**
 * Re-enables our hooks that BigCommerce deactivated (research/bigcommerce.md pitfall 11: hooks stop
 * silently) and stores what it saw. Needs PUBLIC_URL: without it the worker has no hooks of its own.
 */
export async function checkWebhookHealth(
  env: Env,
  now: Date,
  options: { force?: boolean; client?: BigCommerceClient } = {},
): Promise<StoredWebhookHealth | null> {
  const loaded = loadConfig(env)
  if (!loaded.ok || !loaded.config.PUBLIC_URL) return null
  const config = loaded.config
  const last = await readState<StoredWebhookHealth>(env.DB, WEBHOOK_HEALTH_KEY)
  if (!options.force && last && now.getTime() - last.updatedAt < WEBHOOK_HEALTH_INTERVAL_MS && last.updatedAt <= now.getTime()) {
    return null
  }
  const client = options.client ?? bigCommerceClient(config)
  const destination = webhookDestination(config.PUBLIC_URL!)
  const health = await webhookHealth(client, env.DB, {
    destination,
    webhookSecret: config.BIGCOMMERCE_WEBHOOK_SECRET,
    scopes: hookScopes(config.BIGCOMMERCE_B2B),
    now,
  })
  const reenabled = await reactivateHooks(client, health)
  const stored: StoredWebhookHealth = {
    ...health,
    hooks: health.hooks.map((h) =>
      reenabled.includes(h.id) ? { ...h, active: true, status: 'active' as const } : h,
    ),
    deactivated: health.deactivated - reenabled.length,
    reenabled,
  }
  await writeState(env.DB, WEBHOOK_HEALTH_KEY, stored, now.getTime())
  if (reenabled.length > 0) console.warn(`webhook health: re-enabled deactivated hooks ${reenabled.join(', ')}`)
  return stored
}

/** The last stored check, or null before the first. */
export async function lastWebhookHealth(env: Env): Promise<StoredWebhookHealth | null> {
  return (await readState<StoredWebhookHealth>(env.DB, WEBHOOK_HEALTH_KEY))?.value ?? null
}
