import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { backfillStatus, runBackfill, startBackfill } from '../../src/backfill'
import { LIVE_LAG_MS, liveWorkLags } from '../../src/backfill/give-way'
import { claimEvent, markEventDone, markEventFailed, recordWebhookEvent } from '../../src/db/events'
import { seedStore } from '../../standins/bigcommerce'
import { freshWorld, type useStandins } from '../support/worker'

let bigcommerce: ReturnType<typeof useStandins>['bigcommerce']
const NOW = Date.now()
vi.setConfig({ testTimeout: 60_000, hookTimeout: 30_000 })

beforeEach(async () => {
  ;({ bigcommerce } = await freshWorld())
  bigcommerce.setRateLimit(1_000_000, 30_000)
  seedStore(bigcommerce.store, { customers: 10, orders: 40, seed: 11, now: NOW })
})

/** A run's clock that only moves when the run sleeps, and the sleeps it took. */
function simulatedTime(onSleep: (sleeps: number) => Promise<void> = async () => {}) {
  let now = NOW
  const sleeps: number[] = []
  return {
    sleeps,
    now: () => new Date(now),
    sleep: async (ms: number) => {
      sleeps.push(ms)
      now += ms
      await onSleep(sleeps.length)
    },
    at: () => now,
  }
}

async function deliveryReceived(id: string, receivedAt: number) {
  await recordWebhookEvent(env.DB, {
    id,
    scope: 'store/order/created',
    resourceType: 'order',
    resourceId: '1',
    payload: '{}',
    eventCreatedAt: null,
    receivedAt,
    ignored: false,
  })
}

/** Records the backfill has walked so far. */
const walked = async () => (await backfillStatus(env)).done

describe('the backfill gives way to live work', () => {
  it('pauses while a live delivery has waited past the lag, and goes on once it is processed', async () => {
    await startBackfill(env)
    let walkedWhilePaused = -1
    const time = simulatedTime(async (sleeps) => {
      if (sleeps === 1) walkedWhilePaused = await walked()
      // The consumer catches up after three looks.
      if (sleeps === 3) await markEventDone(env.DB, 'live-1', time.at())
    })
    await deliveryReceived('live-1', NOW - LIVE_LAG_MS - 1_000)

    const outcome = await runBackfill(env, { now: time.now, sleep: time.sleep, maxChunks: 2 })
    expect(walkedWhilePaused).toBe(0)
    expect(time.sleeps).toHaveLength(3)
    expect(outcome).toMatchObject({ ran: true, state: 'running', chunks: 2 })
    expect(await walked()).toBeGreaterThan(0)
  })

  it('does not wait for a delivery still within the lag, nor for one that failed and waits for its retry', async () => {
    await startBackfill(env)
    const time = simulatedTime()
    await deliveryReceived('fresh', NOW - LIVE_LAG_MS + 500)
    await deliveryReceived('failed-once', NOW - 60_000)
    const attempt = await claimEvent(env.DB, 'failed-once', NOW - 59_000)
    expect(await markEventFailed(env.DB, attempt!, { error: 'BigCommerce 502' }, NOW - 58_000)).toMatchObject({ outcome: 'retry' })

    const outcome = await runBackfill(env, { now: time.now, sleep: time.sleep })
    expect(time.sleeps).toHaveLength(0)
    expect(outcome).toMatchObject({ ran: true, state: 'done' })
  })

  it('spends at most its run waiting: a run that gives its whole time to live work ends without a chunk, and the next resumes', async () => {
    await startBackfill(env)
    const time = simulatedTime()
    await deliveryReceived('stuck-behind', NOW - 10_000)
    const outcome = await runBackfill(env, { now: time.now, sleep: time.sleep, budgetMs: 20_000 })
    expect(outcome).toMatchObject({ ran: true, state: 'running', chunks: 0 })
    expect(time.sleeps.reduce((a, b) => a + b, 0)).toBe(20_000)
    expect(await walked()).toBe(0)

    await markEventDone(env.DB, 'stuck-behind', time.at())
    expect(await runBackfill(env, { now: time.now, sleep: time.sleep })).toMatchObject({ ran: true, state: 'done' })
  })
})

describe('liveWorkLags', () => {
  it('is true only once the oldest waiting delivery has waited the lag', () => {
    expect(liveWorkLags(null, NOW)).toBe(false)
    expect(liveWorkLags(NOW - LIVE_LAG_MS + 1, NOW)).toBe(false)
    expect(liveWorkLags(NOW - LIVE_LAG_MS, NOW)).toBe(true)
  })
})
