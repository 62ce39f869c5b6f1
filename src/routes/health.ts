import { Hono } from 'hono'
import { loadConfig } from '../config'
import type { Env } from '../env'
import { VERSION } from '../version'

/** `GET /health`: 200 when the configuration is valid, 503 with the problems otherwise. Never shows a value. */
export const health = new Hono<{ Bindings: Env }>().get('/', (c) => {
  const result = loadConfig(c.env)
  const configuration = result.ok
    ? { ok: true }
    : { ok: false, problems: result.errors.map((e) => ({ variable: e.variable, message: e.message })) }
  const webhookAuth = result.ok
    ? { ok: Boolean(result.config.BIGCOMMERCE_CLIENT_SECRET || result.config.BIGCOMMERCE_WEBHOOK_SECRET) }
    : { ok: false }
  const ok = configuration.ok && webhookAuth.ok
  return c.json(
    { status: ok ? 'ok' : 'error', version: VERSION, checks: { configuration, webhookAuth } },
    ok ? 200 : 503,
  )
})
