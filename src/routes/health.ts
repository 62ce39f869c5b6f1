import { Hono } from 'hono'
import { webhookSignaturesWarning } from '../admin/getting-started'
import { apiPauses } from '../admin/pauses'
import { loadConfig } from '../config'
import type { Env } from '../env'
import { VERSION } from '../version'

/**
 * `GET /health`: 200 when the configuration is valid, 503 with the problems otherwise; warns when webhook
 * signatures are off. Never shows a value. Processing paused for an API (its token refused, or an outage) is
 * reported in `checks.bigcommerce` and `checks.hubspot` with `status: "degraded"` and still 200: the worker
 * runs and records every webhook.
 */
export const health = new Hono<{ Bindings: Env }>().get('/', async (c) => {
  const result = loadConfig(c.env)
  const configuration = result.ok
    ? { ok: true }
    : { ok: false, problems: result.errors.map((e) => ({ variable: e.variable, message: e.message })) }
  const webhookAuth = result.ok
    ? { ok: Boolean(result.config.BIGCOMMERCE_CLIENT_SECRET || result.config.BIGCOMMERCE_WEBHOOK_SECRET) }
    : { ok: false }
  const apis = await apiChecks(c.env)
  const ok = configuration.ok && webhookAuth.ok
  const degraded = !apis.bigcommerce.ok || !apis.hubspot.ok
  // Signatures off is a warning, not a failure: deliveries are still authenticated, only less well.
  const warning = result.ok ? webhookSignaturesWarning(result.config) : null
  const webhookSignatures = result.ok ? { on: warning === null, ...(warning && { warning }) } : undefined
  return c.json(
    {
      status: !ok ? 'error' : degraded ? 'degraded' : 'ok',
      version: VERSION,
      checks: { configuration, webhookAuth, ...(webhookSignatures && { webhookSignatures }), ...apis },
    },
    ok ? 200 : 503,
  )
})

type ApiCheck = { ok: boolean; message?: string }

async function apiChecks(env: Env): Promise<{ bigcommerce: ApiCheck; hubspot: ApiCheck }> {
  try {
    const pauses = await apiPauses(env)
    const check = (message: string | null): ApiCheck => (message ? { ok: false, message } : { ok: true })
    return { bigcommerce: check(pauses.bigcommerce.message), hubspot: check(pauses.hubspot.message) }
  } catch (err) {
    const unknown = { ok: false, message: `unknown: ${err instanceof Error ? err.message : String(err)}` }
    return { bigcommerce: unknown, hubspot: unknown }
  }
}
