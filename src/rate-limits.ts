import type { Context } from 'hono'
import { jsonError } from './http'

/**
 * Rate limits on the platform: Cloudflare's rate limiting binding counts per key across every isolate of a
 * location (wrangler.toml `[[ratelimits]]`, the same under `wrangler dev` and the tests). Each namespace is
 * declared with a 60 second period; the binding does not say when its window turns, so Retry-After is that
 * period, the longest a client waits.
 */
export const RATE_LIMIT_PERIOD_SECONDS = 60

/** Counts one event for `key`; true when the key is over its limit. */
export async function overLimit(limiter: RateLimit, key: string): Promise<boolean> {
  const { success } = await limiter.limit({ key })
  return !success
}

/** The client a request comes from: Cloudflare's connecting IP (set on every request it forwards). */
export function clientKey(c: Context): string {
  return c.req.header('cf-connecting-ip') ?? 'unknown'
}

/** 429 with Retry-After and a JSON body naming what was limited. */
export function tooManyRequests(c: Context, message: string, retryAfterSeconds = RATE_LIMIT_PERIOD_SECONDS) {
  c.header('Retry-After', String(Math.max(1, Math.ceil(retryAfterSeconds))))
  return jsonError(c, 429, 'rate_limited', message, { retryAfter: Math.max(1, Math.ceil(retryAfterSeconds)) })
}
