import { Hono } from 'hono'
import { webhookSignaturesWarning } from '../admin/getting-started'
import { loadConfig } from '../config'
import type { Env } from '../env'
import { VERSION } from '../version'

/**
 * `GET /health`: 200 when the configuration is valid, 503 with the problems otherwise; warns when webhook
 * signatures are off. Never shows a value.
 */
export const health = new Hono<{ Bindings: Env }>().get('/', (c) => {
  const result = loadConfig(c.env)
  const configuration = result.ok
    ? { ok: true }
    : { ok: false, problems: result.errors.map((e) => ({ variable: e.variable, message: e.message })) }
  const webhookAuth = result.ok
    ? { ok: Boolean(result.config.BIGCOMMERCE_CLIENT_SECRET || result.config.BIGCOMMERCE_WEBHOOK_SECRET) }
    : { ok: false }
  const ok = configuration.ok && webhookAuth.ok
  // Signatures off is a warning, not a failure: deliveries are still authenticated, only less well.
  const warning = result.ok ? webhookSignaturesWarning(result.config) : null
  const webhookSignatures = result.ok ? { on: warning === null, ...(warning && { warning }) } : undefined
  return c.json(
    { status: ok ? 'ok' : 'error', version: VERSION, checks: { configuration, webhookAuth, ...(webhookSignatures && { webhookSignatures }) } },
    ok ? 200 : 503,
  )
})
