import { oldestWaitingDelivery } from '../db/events'
import type { Env } from '../env'
import type { Budget } from './context'

/**
 * Live work goes ahead of history: once a webhook delivery has waited this long for its first attempt to
 * finish, the backfill pauses between chunks until the live work has caught up. Below it, a delivery is only
 * in its queue batch (up to 1 s) or being hydrated, and the backfill takes nothing from it.
 */
export const LIVE_LAG_MS = 3_000
/** Deliveries older than this are a stuck queue, not live work the backfill could make room for. */
const LIVE_WINDOW_MS = 5 * 60_000
/** How often a paused backfill looks again. */
const POLL_MS = 1_000

export interface GiveWay {
  env: Env
  budget: Budget
  now(): number
  sleep(ms: number): Promise<void>
}

/** Whether live work waits long enough for the backfill to make room: a plain rule over the oldest waiting delivery. */
export function liveWorkLags(oldestWaitingAt: number | null, now: number): boolean {
  return oldestWaitingAt !== null && now - oldestWaitingAt >= LIVE_LAG_MS
}

/**
 * Between two chunks: waits while live deliveries lag, within the run's time (a run that spends it all waiting
 * ends at its checkpoint, and the next tick looks again). Returns the milliseconds it waited.
 */
export async function giveWayToLiveWork({ env, budget, now, sleep }: GiveWay): Promise<number> {
  const startedAt = now()
  while (budget.remainingMs > 0) {
    const at = now()
    if (!liveWorkLags(await oldestWaitingDelivery(env.DB, at - LIVE_WINDOW_MS), at)) break
    await sleep(Math.min(POLL_MS, budget.remainingMs))
  }
  return now() - startedAt
}
