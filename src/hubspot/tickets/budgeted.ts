import type { HubSpotError, HubSpotResponse } from '../hubspot-client'
import type { RateBudget } from '../sync/rate-budget'

/**
 * Reads that share the HubSpot writer's rate budget (the ticket search of support escalations): each waits
 * for room in the same rolling window the writer's batches use and tells it what the response headers say, so
 * reads and writes together stay under the account's limit. Searches also keep to HubSpot's search rate (about
 * 4 a second per token; research/anchors.md) and are counted in the window too, to be safe.
 */
export type ReadKind = 'search' | 'read'
export type BudgetedRead = <T>(kind: ReadKind, call: () => Promise<HubSpotResponse<T>>) => Promise<HubSpotResponse<T>>

export interface ReadClock {
  now(): number
  sleep(ms: number): Promise<void>
}

export const SEARCH_SPACING_MS = 250
/** A read waits at most this long for the budget; past it, it gives up (the refresh is tried again later). */
export const MAX_READ_WAIT_MS = 15_000
/** Retries after a ten-secondly or secondly 429; never after a daily one. */
const RATE_LIMIT_RETRIES = 2

export function budgetedReads(budget: RateBudget, clock: ReadClock, maxWaitMs = MAX_READ_WAIT_MS): BudgetedRead {
  let lastSearchAt = Number.NEGATIVE_INFINITY
  return async <T>(kind: ReadKind, call: () => Promise<HubSpotResponse<T>>) => {
    for (let retry = 0; ; retry++) {
      const giveUpAt = clock.now() + maxWaitMs
      for (;;) {
        const now = clock.now()
        const wait = Math.max(budget.waitMs(now), kind === 'search' ? lastSearchAt + SEARCH_SPACING_MS - now : 0)
        if (wait <= 0) break
        if (now + wait > giveUpAt) return exhausted<T>(wait)
        await clock.sleep(wait)
      }
      const sentAt = clock.now()
      budget.take(sentAt)
      if (kind === 'search') lastSearchAt = sentAt
      const res = await call()
      const now = clock.now()
      budget.observe(res.rateLimit, now)
      if (res.ok) budget.accepted()
      if (res.ok || res.error.kind !== 'rate_limit' || res.error.policyName === 'DAILY' || retry >= RATE_LIMIT_RETRIES) return res
      budget.rejected(now, res.error)
    }
  }
}

function exhausted<T>(wait: number): HubSpotResponse<T> {
  const error: HubSpotError = {
    kind: 'rate_limit',
    status: 0,
    message: `not sent: the HubSpot rate budget frees up only in ${Math.ceil(wait / 1000)} s (the writer is busy)`,
    retryable: true,
    propertyErrors: [],
    inputRefs: [],
  }
  return { ok: false, status: 0, error, rateLimit: {} }
}
