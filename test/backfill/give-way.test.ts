import { env } from 'cloudflare:workers'
import { cronEnv } from './support'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { backfillStatus, runBackfill, startBackfill } from '../../src/backfill/history-import'
import { backfillPauseMs, LIVE_LAG_MS, LIVE_RECENT_MS } from '../../src/backfill/give-way'
import { claimEvents, markEventFailed, markEventsDone, recordWebhookEvent } from '../../src/db/webhook-inbox'
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

/**
 * A run's clock that moves when the run sleeps and, with `msPerCall`, by that much per BigCommerce call it
 * made (its work); and the sleeps it took.
 */
function simulatedTime(onSleep: (sleeps: number) => Promise<void> = async () => {}, msPerCall = 0) {
  let slept = 0
  const sleeps: number[] = []
  const at = () => NOW + slept + bigcommerce.requests.length * msPerCall
  return {
    sleeps,
    now: () => new Date(at()),
    sleep: async (ms: number) => {
      sleeps.push(ms)
      slept += ms
      await onSleep(sleeps.length)
    },
    at,
  }
}

async function deliveryProcessed(id: string, at: number) {
  await deliveryReceived(id, at)
  await markEventsDone(env.DB, [id], at)
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
    await startBackfill(cronEnv)
    let walkedWhilePaused = -1
    const time = simulatedTime(async (sleeps) => {
      if (sleeps === 1) walkedWhilePaused = await walked()
      // The consumer catches up after three looks.
      if (sleeps === 3) await markEventsDone(env.DB, ['live-1'], time.at())
    })
    await deliveryReceived('live-1', NOW - LIVE_LAG_MS - 1_000)

    const outcome = await runBackfill(env, { now: time.now, sleep: time.sleep, maxChunks: 2 })
    expect(walkedWhilePaused).toBe(0)
    expect(time.sleeps).toHaveLength(3)
    expect(outcome).toMatchObject({ ran: true, state: 'running', chunks: 2 })
    expect(await walked()).toBeGreaterThan(0)
  })

  it('does not wait once deliveries stopped arriving, nor for one that failed and waits for its retry', async () => {
    await startBackfill(cronEnv)
    const time = simulatedTime()
    await deliveryReceived('failed-once', NOW - 60_000)
    const [attempt] = await claimEvents(env.DB, ['failed-once'], NOW - 59_000)
    expect(await markEventFailed(env.DB, attempt!, { error: 'BigCommerce 502' }, NOW - 58_000)).toMatchObject({ outcome: 'retry' })

    const outcome = await runBackfill(env, { now: time.now, sleep: time.sleep })
    expect(time.sleeps).toHaveLength(0)
    expect(outcome).toMatchObject({ ran: true, state: 'done' })
  })

  it('takes a third of the time while deliveries keep arriving: after each chunk it rests twice what the chunk worked', async () => {
    await startBackfill(cronEnv)
    const MS_PER_CALL = 200
    // Each rest, with the BigCommerce calls made before it.
    const rests: { callsBefore: number; ms: number }[] = []
    const time = simulatedTime(async () => {
      // A delivery arrives and is processed at once: live traffic that does not lag.
      await deliveryProcessed(`live-${rests.length}-${time.sleeps.length}`, time.at())
    }, MS_PER_CALL)
    const sleep = async (ms: number) => {
      const calls = bigcommerce.requests.length
      const last = rests.at(-1)
      if (last?.callsBefore === calls) last.ms += ms
      else rests.push({ callsBefore: calls, ms })
      await time.sleep(ms)
    }
    await deliveryProcessed('live-first', NOW)

    // Pages listed and chunks applied: the chunks of customers and products call nothing of BigCommerce's.
    const outcome = await runBackfill(env, { now: time.now, sleep, maxChunks: 9 })
    expect(outcome).toMatchObject({ ran: true, chunks: 9 })
    expect(rests.length).toBeGreaterThanOrEqual(4)
    let callsBefore = 0
    for (const rest of rests) {
      const worked = (rest.callsBefore - callsBefore) * MS_PER_CALL
      expect(rest.ms).toBe(Math.min(2 * worked, 10_000))
      callsBefore = rest.callsBefore
    }
  })

  it('spends at most its run waiting: a run that gives its whole time to live work ends without a chunk, and the next resumes', async () => {
    await startBackfill(cronEnv)
    const time = simulatedTime()
    await deliveryReceived('stuck-behind', NOW - 10_000)
    const outcome = await runBackfill(env, { now: time.now, sleep: time.sleep, budgetMs: 20_000 })
    expect(outcome).toMatchObject({ ran: true, state: 'running', chunks: 0 })
    expect(time.sleeps.reduce((a, b) => a + b, 0)).toBe(20_000)
    expect(await walked()).toBe(0)

    await markEventsDone(env.DB, ['stuck-behind'], time.at())
    expect(await runBackfill(env, { now: time.now, sleep: time.sleep })).toMatchObject({ ran: true, state: 'done' })
  })
})

describe('backfillPauseMs', () => {
  const quiet = { oldestWaitingAt: null, latestReceivedAt: null }

  it('pauses while the oldest waiting delivery has waited the lag, and not before', () => {
    expect(backfillPauseMs({ oldestWaitingAt: NOW - LIVE_LAG_MS, latestReceivedAt: NOW }, NOW, 0, 0)).toBeGreaterThan(0)
    expect(backfillPauseMs({ oldestWaitingAt: NOW - LIVE_LAG_MS + 1, latestReceivedAt: NOW }, NOW, 0, 0)).toBe(0)
  })

  it('rests twice the work, at most 10 s, while deliveries arrived within the last 10 s', () => {
    const recent = { oldestWaitingAt: null, latestReceivedAt: NOW - LIVE_RECENT_MS + 1 }
    expect(backfillPauseMs(recent, NOW, 1_500, 0)).toBe(3_000)
    expect(backfillPauseMs(recent, NOW, 1_500, 1_000)).toBe(2_000)
    expect(backfillPauseMs(recent, NOW, 1_500, 3_000)).toBe(0)
    expect(backfillPauseMs(recent, NOW, 60_000, 0)).toBe(10_000)
  })

  it('goes on at full speed once deliveries stopped arriving', () => {
    expect(backfillPauseMs(quiet, NOW, 1_500, 0)).toBe(0)
    expect(backfillPauseMs({ oldestWaitingAt: null, latestReceivedAt: NOW - LIVE_RECENT_MS }, NOW, 1_500, 0)).toBe(0)
  })
})
