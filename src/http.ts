import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { Config } from './config'
import type { Env } from './env'

/** The Hono environment every route shares: bindings, and the configuration parsed by the app's middleware. */
export type AppEnv = { Bindings: Env; Variables: { config: Config } }

/** Errors are JSON naming the problem: `{"error": code, "message": ...}` plus any details. */
export function jsonError(
  c: Context,
  status: ContentfulStatusCode,
  error: string,
  message: string,
  details: Record<string, unknown> = {},
) {
  return c.json({ error, message, ...details }, status)
}
