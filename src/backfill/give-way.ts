import { liveTraffic, type LiveTraffic } from '../db/webhook-inbox'
import { hubspotWriter } from '../durable/stubs'
import type { Env } from '../env'
import type { Budget } from './phase-context'

/**
 * Live work goes ahead of history. Between two chunks the backfill looks at the webhook inbox:
 * - a delivery that has waited this long for its first attempt means live work lags: the backfill pauses
 *   until it has caught up (below it, a delivery is only in its queue batch, up to 1 s, or being hydrated);
 * - while deliveries keep arriving (the latest within `LIVE_RECENT_MS`), history takes a third of the time:
 *   after a chunk that worked for t, it rests 2t (at most `MAX_REST_MS`), which leaves the store's API quota,
 *   the HubSpot writer and the runtime mostly to today's orders. A backfill is bounded by its runs' outbound
 *   calls far more than by this (README, *Backfill*).
 */
export const LIVE_LAG_MS = 3_000
export const LIVE_RECENT_MS = 10_000
const REST_PER_WORK = 2
const MAX_REST_MS = 10_000
/** Deliveries older than this are a stuck queue, not live work the backfill could make room for. */
const LIVE_WINDOW_MS = 5 * 60_000
/** How often a backfill paused for lagging live work looks again. */
const POLL_MS = 1_000

/**
 * How long the backfill should wait now, after a chunk that worked `workedMs` and `restedMs` into its wait;
 * 0 to go on.
 */
export function backfillPauseMs(traffic: LiveTraffic, now: number, workedMs: number, restedMs: number): number {
  if (traffic.oldestWaitingAt !== null && now - traffic.oldestWaitingAt >= LIVE_LAG_MS) return POLL_MS
  if (traffic.latestReceivedAt !== null && now - traffic.latestReceivedAt < LIVE_RECENT_MS) {
    return Math.max(0, Math.min(workedMs * REST_PER_WORK, MAX_REST_MS) - restedMs)
  }
  return 0
}

export interface GiveWay {
  env: Env
  budget: Budget
  now(): number
  sleep(ms: number): Promise<void>
}

/**
 * Between two chunks (the last one worked `workedMs`): waits as `backfillPauseMs` says, within the run's time
 * (a run that spends it all waiting ends at its checkpoint, and the next tick looks again). Returns the
 * milliseconds it waited.
 */
export async function giveWayToLiveWork({ env, budget, now, sleep }: GiveWay, workedMs: number): Promise<number> {
  const startedAt = now()
  while (budget.remainingMs > 0) {
    const at = now()
    const pause = backfillPauseMs(await liveTraffic(env.DB, at - LIVE_WINDOW_MS), at, workedMs, at - startedAt)
    if (pause <= 0) break
    await sleep(Math.min(pause, budget.remainingMs))
  }
  return now() - startedAt
}

/**
 * Records waiting in the HubSpot writer's bulk lane past which history stops reading more: about 20 s of
 * HubSpot's 100 calls per 10 s at 100 records a call. Reading further would only grow the writer's queue
 * (its storage, and the delay of everything behind it) while HubSpot cannot take it any faster.
 */
export const WRITER_BACKLOG_LIMIT = 20_000
/** How often a backfill waiting for the writer looks again. */
const WRITER_POLL_MS = 2_000

/**
 * Before reading a page: waits, within the run's time, while the writer's bulk backlog is past the limit.
 * False when the run's time ran out waiting (the next run looks again).
 */
export async function waitForWriter({ env, budget, sleep }: Omit<GiveWay, 'now'>): Promise<boolean> {
  for (;;) {
    budget.spend()
    const { lanes } = await hubspotWriter(env).status()
    if (lanes.bulk <= WRITER_BACKLOG_LIMIT) return true
    if (budget.remainingMs <= 0) return false
    await sleep(Math.min(WRITER_POLL_MS, budget.remainingMs))
  }
}
