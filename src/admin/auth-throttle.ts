import type { Config } from '../config'
import { blockClient, blockedUntil } from '../db/admin-auth-blocks'
import { overLimit, RATE_LIMIT_PERIOD_SECONDS } from '../rate-limits'
import { keyedFingerprint } from '../secrets'

/**
 * Failed admin authentication is rate limited per client: the platform's rate limiting binding counts the
 * failures (ADMIN_AUTH_LIMITER, 10 a minute), and a client past the limit is blocked in D1 for a period, during
 * which even a valid token from it is refused. Without the block, a client over the limit would still learn
 * from a success which guess was right, and the limit would not slow guessing at all.
 */
export const BLOCK_MS = RATE_LIMIT_PERIOD_SECONDS * 1000

export interface ThrottleEnv {
  DB: D1Database
  ADMIN_AUTH_LIMITER: RateLimit
}

/** The client as stored: a keyed fingerprint of its IP, never the IP. */
export function clientFingerprint(config: Pick<Config, 'BIGCOMMERCE_ACCESS_TOKEN'>, client: string): Promise<string> {
  return keyedFingerprint(config.BIGCOMMERCE_ACCESS_TOKEN, 'admin-auth-client', client)
}

/** Seconds the client is still blocked for, or null. */
export async function blockedFor(env: ThrottleEnv, client: string, now: number): Promise<number | null> {
  const until = await blockedUntil(env.DB, client, now)
  return until === null ? null : (until - now) / 1000
}

/** Counts a failed attempt; when it passes the limit, blocks the client and answers how long for (seconds). */
export async function recordFailure(env: ThrottleEnv, client: string, now: number): Promise<number | null> {
  if (!(await overLimit(env.ADMIN_AUTH_LIMITER, client))) return null
  await blockClient(env.DB, client, now + BLOCK_MS, now)
  return BLOCK_MS / 1000
}
