import type { Context } from 'hono'
import { authenticateToken } from '../../admin/auth'
import { blockedFor, clientFingerprint, recordFailure, type ThrottleEnv } from '../../admin/auth-throttle'
import type { Config } from '../../config'
import type { Actor } from '../../db/audit'
import { clientKey, tooManyRequests } from '../../rate-limits'

export type TokenAttempt = { ok: true; actor: Actor } | { ok: false; refusal: Response | null }

/**
 * One presented admin token (a Bearer header or the sign-in form): refused with 429 while its client is
 * blocked (even when valid); a wrong one counts toward the block and gets 429 once it trips it. `refusal`
 * null: answer the usual 401. No token at all is not an attempt.
 */
export async function attemptToken(c: Context, env: ThrottleEnv, config: Config, token: string | null): Promise<TokenAttempt> {
  if (!token) return { ok: false, refusal: null }
  const now = Date.now()
  const client = await clientFingerprint(config, clientKey(c))
  const blocked = await blockedFor(env, client, now)
  if (blocked !== null) return { ok: false, refusal: refused(c, blocked) }
  const actor = await authenticateToken(config, token)
  if (actor) return { ok: true, actor }
  const block = await recordFailure(env, client, now)
  return { ok: false, refusal: block === null ? null : refused(c, block) }
}

function refused(c: Context, seconds: number): Response {
  return tooManyRequests(c, 'too many failed admin authentication attempts from this client; try again later', seconds)
}
