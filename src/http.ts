import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { Config } from './config'
import type { Env } from './env'

/** The Hono environment every route shares: bindings, and the configuration parsed by the app's middleware. */
export type AppEnv = { Bindings: Env; Variables: { config: Config } }

/** Every `error` code an answer of this worker can carry: a closed set, so a client can switch on it. */
export const ERROR_CODES = [
  'already_replayed',
  'forbidden',
  'hubspot_unavailable',
  'internal_error',
  'invalid_cart_id',
  'invalid_configuration',
  'invalid_envelope',
  'invalid_hit',
  'invalid_json',
  'invalid_request',
  'invalid_signature',
  'missing_signature',
  'not_found',
  'not_replayable',
  'origin_not_allowed',
  'payload_too_large',
  'prefetch_not_served',
  'rate_limited',
  'setup_failed',
  'unauthorized',
  'unsupported_media_type',
  'webhook_auth_not_configured',
  'wrong_store',
] as const
export type ErrorCode = (typeof ERROR_CODES)[number]

/** A refusal a handler or middleware raises; `errorAnswer` (the app's onError) turns it into the JSON answer. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

/** Errors are JSON naming the problem: `{"error": code, "message": ...}` plus any details. */
export function jsonError(
  c: Context,
  status: ContentfulStatusCode,
  error: ErrorCode,
  message: string,
  details: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) {
  return c.json({ error, message, ...details }, status, headers)
}

/** The one mapping of a raised error to an answer: an ApiError as its JSON; anything else is a logged 500. */
export function errorAnswer(err: unknown, c: Context): Response {
  if (err instanceof ApiError) return jsonError(c, err.status, err.code, err.message, err.details, err.headers)
  console.error('unhandled error', err instanceof Error ? err.message : String(err))
  return jsonError(c, 500, 'internal_error', 'the worker failed to handle this request')
}
