import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { backfillStatus, startBackfill } from '../../src/backfill/history-import'
import { LIVE_LAG_MS } from '../../src/backfill/give-way'
import { resumeStalledBackfill, runStep, STALLED_AFTER_MS } from '../../src/backfill/steps'
import type { BackfillStepMessage } from '../../src/queues/messages'
import { acquireLease, runningJob } from '../../src/db/backfill-jobs'
import type { Env } from '../../src/env'
import { deliver, seedStore } from '../../standins/bigcommerce'
import { CapturingQueue, consumeBatch } from '../support/queue'
import { fetchWorker, freshWorld, SECRETS, WEBHOOK_URL, type useStandins } from '../support/worker'
import { expectHubSpotMatchesStore, firedDecisions, flushAll } from './support'

/**
 * The backfill as a chain of steps on its queue: each step one invocation, the next sent as the last ends;
 * a page is staged with the cursor past it, so a step cut short never lists it again.
 */
type Standins = ReturnType<typeof useStandins>
let bigcommerce: Standins['bigcommerce']
let hubspot: Standins['hubspot']
let queue: CapturingQueue<BackfillStepMessage>
let stepEnv: Env

const NOW = Date.now()
vi.setConfig({ testTimeout: 600_000, hookTimeout: 180_000 })

beforeEach(async () => {
  ;({ bigcommerce, hubspot } = await freshWorld())
  bigcommerce.setRateLimit(1_000_000, 30_000)
  seedStore(bigcommerce.store, { customers: 12, orders: 300, seed: 5, now: NOW })
  queue = new CapturingQueue<BackfillStepMessage>()
  stepEnv = { ...env, BACKFILL_QUEUE: queue }
})

/** Delivers each step message the chain sends, as the queue would, until none is left. */
async function runChain(options: { maxChunks?: number; now?: () => Date } = {}, maxSteps = 100) {
  const outcomes = []
  for (let steps = 0; steps < maxSteps; steps++) {
    const [message, ...rest] = queue.take()
    expect(rest).toEqual([])
    if (!message) return outcomes
    outcomes.push(await runStep(stepEnv, queue, message, { sleep: async () => {}, ...options }))
  }
  throw new Error(`backfill chain still going after ${maxSteps} steps`)
}

/** The `min_id` of every `/v2/orders` page listed. */
const orderPagesListed = () =>
  bigcommerce.requests.filter((r) => /\/v2\/orders$/.test(r.path)).map((r) => Number(new URLSearchParams(r.query).get('min_id')))

const storeOrderIds = () =>
  [...bigcommerce.store.orders.values()].filter((o) => !o.is_deleted).map((o) => o.id).sort((a, b) => a - b)

describe('the backfill on its queue', () => {
  it('starts with one step message and chains its steps at once until the job is done', async () => {
    const { id } = await startBackfill(stepEnv)
    expect(queue.delays).toEqual([undefined])
    // A job already running keeps the step it waits for.
    expect(await startBackfill(stepEnv)).toEqual({ id })
    expect(queue.delays).toHaveLength(1)

    const outcomes = await runChain({ maxChunks: 4 })
    expect(outcomes.length).toBeGreaterThan(3)
    expect(outcomes.at(-1)).toMatchObject({ ran: true, state: 'done', jobId: id })
    expect(queue.delays.every((d) => d === undefined)).toBe(true)
    await flushAll()
    expectHubSpotMatchesStore(bigcommerce, hubspot)
    expect(await firedDecisions()).toBe(0)
    // Two pages of orders (250, then the rest), each listed once.
    const ids = storeOrderIds()
    expect(orderPagesListed()).toEqual([1, ids[249]! + 1])
    expect(await backfillStatus(env)).toMatchObject({ state: 'done', id })
  })

  it('drops a duplicate or stale step message: only the step the job waits for runs', async () => {
    await startBackfill(stepEnv)
    const [first] = queue.take()
    expect(await runStep(stepEnv, queue, { ...first!, token: 'not-the-awaited-one' })).toBeNull()
    expect(await runStep(stepEnv, queue, { jobId: 'another-job', token: first!.token })).toBeNull()
    expect(bigcommerce.requests).toEqual([])

    await runStep(stepEnv, queue, first!, { maxChunks: 1 })
    const [second] = queue.take()
    expect(second!.token).not.toBe(first!.token)
    const calls = bigcommerce.requests.length
    // The queue delivers the first message again: the job waits for the second now.
    expect(await runStep(stepEnv, queue, first!)).toBeNull()
    expect(bigcommerce.requests).toHaveLength(calls)
  })

  it('resumes a page cut short by a failing step without listing it again, losing or duplicating an order', async () => {
    await startBackfill(stepEnv)
    // Up to the orders' first page: staged with the cursor past it.
    while ((await backfillStatus(env)).phases.orders.done === 0 && !orderPagesListed().length) {
      await runStep(stepEnv, queue, queue.take()[0]!, { maxChunks: 1 })
    }
    expect(orderPagesListed()).toEqual([1])
    // The second chunk of the page fails: an order of it needs its coupons, and BigCommerce answers 500.
    const ids = storeOrderIds()
    const victim = ids.slice(25, 50).map((id) => bigcommerce.store.orders.get(id)!).find((o) => o.status_id !== 0 && Number(o.coupon_discount) !== 0)!
    expect(victim).toBeDefined()
    bigcommerce.faults.fail({ method: 'GET', path: `/v2/orders/${victim.id}/coupons` }, { status: 500 }, 1000)
    const failed = await runStep(stepEnv, queue, queue.take()[0]!)
    expect(failed).toMatchObject({ ran: true, state: 'running', error: expect.stringMatching(/500/) })
    // The next step waits: 30 s after a first failure.
    expect(queue.delays.at(-1)).toBe(30)
    expect((await backfillStatus(env)).phases.orders.done).toBe(25)

    bigcommerce.faults.clear()
    expect((await runChain()).at(-1)).toMatchObject({ state: 'done' })
    expect(orderPagesListed()).toEqual([1, ids[249]! + 1])
    await flushAll()
    expectHubSpotMatchesStore(bigcommerce, hubspot)
    expect((await backfillStatus(env)).phases.orders.done).toBe(ids.length)
  })

  it('resumes a chain whose step died with the worker: the cron sends a new step once the lease lapses', async () => {
    await startBackfill(stepEnv)
    while (!orderPagesListed().length) await runStep(stepEnv, queue, queue.take()[0]!, { maxChunks: 1 })
    // The next step's message is lost, and a run dies holding the job in the middle of the page.
    const lost = queue.take()[0]!
    const job = (await runningJob(env.DB))!
    const diedAt = Date.now()
    expect(await acquireLease(env.DB, job.id, 'a-run-that-died', diedAt, diedAt + 60_000)).toBe(true)

    // Within the lease or shortly after the step was due: nothing to resume.
    expect(await resumeStalledBackfill(stepEnv, queue, diedAt + 30_000)).toBe(false)
    expect(await resumeStalledBackfill(stepEnv, queue, diedAt + 61_000)).toBe(false)
    expect(queue.take()).toEqual([])
    // Long after: a new step, and the lost message, arriving late, does nothing.
    expect(await resumeStalledBackfill(stepEnv, queue, diedAt + STALLED_AFTER_MS + 1_000)).toBe(true)
    expect(await runStep(stepEnv, queue, lost)).toBeNull()

    // The steps run after the dead run's lease lapsed.
    const later = () => new Date(diedAt + STALLED_AFTER_MS + 2_000)
    expect((await runChain({ now: later })).at(-1)).toMatchObject({ state: 'done' })
    const ids = storeOrderIds()
    expect(orderPagesListed()).toEqual([1, ids[249]! + 1])
    await flushAll()
    expectHubSpotMatchesStore(bigcommerce, hubspot)
  })

  it('lets a live order go first: a step pauses while the delivery lags, and goes on once it is processed', async () => {
    await startBackfill(stepEnv)
    while (!orderPagesListed().length) await runStep(stepEnv, queue, queue.take()[0]!, { maxChunks: 1 })
    const walkedBefore = (await backfillStatus(env)).phases.orders.done
    // A shopper orders now; the delivery is recorded and queued, and waits for the webhook consumer.
    const buyer = [...bigcommerce.store.customers.values()][0]!
    const live = bigcommerce.store.createOrder({ customerId: buyer.id, statusId: 11 })
    const webhooks = new CapturingQueue()
    const liveEnv = { ...env, WEBHOOK_QUEUE: webhooks }
    for (const event of live.events.filter((e) => e.scope === 'store/order/created')) {
      const response = await deliver(
        (request) => fetchWorker(request, liveEnv),
        WEBHOOK_URL,
        event,
        { storeHash: 'teststore', ...SECRETS },
      )
      expect(response.status).toBe(200)
    }

    // The step looks at the inbox with the delivery lagging: it waits, and the consumer runs meanwhile.
    let clock = Date.now() + LIVE_LAG_MS + 1_000
    let walkedWhenLiveRan = -1
    const outcome = await runStep(stepEnv, queue, queue.take()[0]!, {
      maxChunks: 2,
      now: () => new Date(clock),
      sleep: async (ms) => {
        clock += ms
        if (walkedWhenLiveRan < 0) {
          walkedWhenLiveRan = (await backfillStatus(env)).phases.orders.done
          await consumeBatch(webhooks.take(), liveEnv)
        }
      },
    })
    expect(walkedWhenLiveRan).toBe(walkedBefore)
    expect(outcome).toMatchObject({ ran: true, state: 'running', chunks: 2 })
    expect((await backfillStatus(env)).phases.orders.done).toBeGreaterThan(walkedBefore)
    await flushAll()
    expect(hubspot.portal.findByProperty('orders', 'bc_order_id', String(live.value.id))).toBeDefined()
  })
})
