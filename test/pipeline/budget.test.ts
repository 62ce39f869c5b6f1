import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it } from 'vitest'
import { runBackfill, startBackfill } from '../../src/backfill/history-import'
import { retention } from '../../src/cron/retention-job'
import { valueTiers } from '../../src/cron/value-tiers-job'
import { readEvents } from '../../src/db/webhook-inbox'
import { Invocation } from '../../src/invocation/invocation'
import { processEvents } from '../../src/pipeline/process-event'
import { B2B_ENV, useB2B } from '../support/b2b'
import { consumeBatch } from '../support/queue'
import { flushHubSpot, deliverQueued, freshWorld, type useStandins } from '../support/worker'

/**
 * One budget per invocation: what a queue batch or a cron tick may spend in subrequests and D1 queries is
 * shared by everything it runs; a batch that would pass it processes what fits and leaves the rest for the
 * next delivery without spending an attempt.
 */
type Standins = ReturnType<typeof useStandins>
let bigcommerce: Standins['bigcommerce']
let hubspot: Standins['hubspot']

beforeEach(async () => {
  ;({ bigcommerce, hubspot } = await freshWorld())
})

async function rows() {
  const { results } = await env.DB.prepare('SELECT id, status, attempts FROM webhook_events ORDER BY received_at')
    .all<{ id: string; status: string; attempts: number }>()
  return results
}

/** Products of their own (each order names products no other order names, unless `shared`). */
function products(count: number, prefix: string) {
  return Array.from({ length: count }, (_, i) => bigcommerce.store.createProduct({ name: `${prefix} ${i}`, price: 10 + i, sku: `${prefix}-${i}` }).value.product.id)
}

function orders(count: number, productIds: (i: number) => number[]) {
  return Array.from({ length: count }, (_, i) =>
    bigcommerce.store.createOrder({ email: `budget-${i}@example.com`, statusId: 11, lines: productIds(i).map((productId) => ({ productId })) }),
  ).flatMap((created) => created.events.filter((e) => e.scope === 'store/order/created'))
}

describe('a batch past the invocation budget', () => {
  it('processes what fits and leaves the rest for the next delivery without spending an attempt', async () => {
    const { messages, workerEnv } = await deliverQueued(orders(6, () => [1]))
    expect(messages).toHaveLength(6)
    // A 120-query budget: one order's estimate (90) at a time under its admission ceiling (108), each next one
    // admitted once the one before ended, until what they really spent leaves no room for another estimate.
    const tight = await consumeBatch(messages, workerEnv, { invocation: { limits: { subrequests: 1_000, queries: 120 } } })
    const done = tight.explicitAcks.length
    expect(done).toBeGreaterThanOrEqual(2)
    expect(tight.retryMessages).toHaveLength(6 - done)
    expect(tight.delays.size).toBe(6 - done)
    const after = await rows()
    expect(after.filter((r) => r.status === 'done' && r.attempts === 1)).toHaveLength(done)
    expect(after.filter((r) => r.status === 'pending' && r.attempts === 0)).toHaveLength(6 - done)

    // The next delivery of the deferred messages, in a fresh invocation, finishes them: one attempt each.
    const deferred = messages.filter((m) => tight.retryMessages.some((r: { msgId: string }) => r.msgId === `message-${messages.indexOf(m)}`))
    expect(deferred).toHaveLength(6 - done)
    const next = await consumeBatch(deferred, workerEnv)
    expect(next.explicitAcks).toHaveLength(6 - done)
    expect((await rows()).map((r) => [r.status, r.attempts])).toEqual(Array.from({ length: 6 }, () => ['done', 1]))
    await flushHubSpot()
    expect(hubspot.portal.records('orders')).toHaveLength(6)
  })

  it('takes a whole batch of ordinary orders in one invocation: running orders give back what they did not spend', async () => {
    // 30 orders' estimates (2,700 queries) are three times the budget; what they spend is a fraction of it.
    const { messages, workerEnv } = await deliverQueued(orders(30, (i) => [1 + (i % 3)]))
    const batch = await consumeBatch(messages, workerEnv)
    expect(batch.retryMessages).toHaveLength(0)
    expect(batch.explicitAcks).toHaveLength(30)
    expect((await rows()).every((r) => r.status === 'done' && r.attempts === 1)).toBe(true)
  })

  it('never spends more than its limits on a burst of 20-line orders of new products, and reads each product once', async () => {
    const catalog = products(20, 'Line')
    const { messages } = await deliverQueued(orders(12, () => catalog))
    // Room for the first order's 20 new products and a few more orders, not for all twelve.
    const limits = { subrequests: 400, queries: 200 }
    const invocation = new Invocation(env, { limits })
    const outcomes = await processEvents(invocation, await readEvents(invocation.env.DB, messages.map((m) => m.id)))
    const done = [...outcomes.values()].filter((o) => o.outcome === 'done').length
    const deferred = [...outcomes.values()].filter((o) => o.outcome === 'deferred').length
    expect(done).toBeGreaterThan(0)
    expect(deferred).toBeGreaterThan(0)
    expect(done + deferred).toBe(12)
    expect(invocation.budget.spent.queries).toBeLessThanOrEqual(limits.queries)
    expect(invocation.budget.spent.subrequests).toBeLessThanOrEqual(limits.subrequests)
    // Catalog facts are read once per invocation, however many orders name a product at once.
    const productReads = bigcommerce.requests.filter((r) => /\/v3\/catalog\/products\/\d+$/.test(r.path))
    expect(new Set(productReads.map((r) => r.path)).size).toBe(productReads.length)
    expect(productReads).toHaveLength(20)
    expect((await rows()).filter((r) => r.status === 'pending').every((r) => r.attempts === 0)).toBe(true)
  })

  it('counts what it spends as the runtime does: each D1 statement, each Durable Object and BigCommerce call', async () => {
    useB2B(bigcommerce)
    const invocation = new Invocation(B2B_ENV)
    await invocation.env.DB.prepare('SELECT 1').first()
    await invocation.env.DB.batch([invocation.env.DB.prepare('SELECT 1'), invocation.env.DB.prepare('SELECT 2')])
    expect(invocation.budget.spent.queries).toBe(3)
    await invocation.bigcommerce.v3('/channels')
    expect(invocation.budget.spent.subrequests).toBe(1)
    const writer = invocation.env.HUBSPOT_WRITER.getByName('default')
    await writer.status()
    expect(invocation.budget.spent.subrequests).toBe(2)
    // B2B Edition's calls too, through one client for the whole invocation.
    expect(invocation.b2b).toBe(invocation.b2b)
    await invocation.b2b.count('/companies')
    expect(invocation.budget.spent.subrequests).toBe(3)
  })
})

describe('a cron tick shares one budget among its jobs', () => {
  it('the backfill starts no chunk when the jobs before it in the tick used the budget', async () => {
    await startBackfill(env)
    const spentTick = new Invocation(env)
    spentTick.budget.spendSubrequests(spentTick.budget.remaining().subrequests)
    const starved = await runBackfill(spentTick.env, { invocation: spentTick, budgetMs: 5_000 })
    expect(starved).toMatchObject({ ran: true, state: 'running', chunks: 0 })

    const freshTick = new Invocation(env)
    const fed = await runBackfill(freshTick.env, { invocation: freshTick, budgetMs: 5_000, maxChunks: 2 })
    expect(fed).toMatchObject({ ran: true, chunks: 2 })
    // Its BigCommerce calls went through the tick's one client and count in the tick's budget.
    expect(freshTick.budget.spent.subrequests).toBeGreaterThan(0)
  })

  it('the hourly value tiers and retention take only what the jobs before them in the tick left', async () => {
    const now = new Date()
    const ninetyDaysAgo = now.getTime() - 90 * 86_400_000
    await env.DB.batch([
      ...[100, 200, 300].map((value, i) =>
        env.DB.prepare(
          'INSERT INTO contacts (email, paid_order_count, lifetime_value, lifetime_value_sort, value_tier, updated_at) VALUES (?1, 1, ?2, ?3, NULL, 0)',
        ).bind(`tier-${i}@example.com`, String(value), value),
      ),
      // A touch of a visitor never identified, past the attribution lookback and its margin: retention's to delete.
      env.DB.prepare("INSERT INTO touches (anonymous_id, occurred_at, channel, reason, received_at) VALUES ('anon-old', ?1, 'referral', 'session', ?1)").bind(ninetyDaysAgo),
    ])
    const tiers = async () => (await env.DB.prepare("SELECT value_tier FROM contacts WHERE email LIKE 'tier-%' ORDER BY email").all<{ value_tier: string | null }>()).results.map((r) => r.value_tier)
    const touches = async () => (await env.DB.prepare("SELECT count(*) AS n FROM touches WHERE anonymous_id = 'anon-old'").first<{ n: number }>())!.n

    const spentTick = new Invocation(env)
    const left = spentTick.budget.remaining()
    spentTick.budget.spendQueries(left.queries)
    spentTick.budget.spendSubrequests(left.subrequests)
    await valueTiers.run(spentTick.env, now, spentTick)
    await retention.run(spentTick.env, now, spentTick)
    expect(await tiers()).toEqual([null, null, null])
    expect(await touches()).toBe(1)

    const freshTick = new Invocation(env)
    await valueTiers.run(freshTick.env, now, freshTick)
    await retention.run(freshTick.env, now, freshTick)
    // Three customers: the top ceil(10%) is vip, ceil(30%) is that same one, so the rest are standard.
    expect(await tiers()).toEqual(['standard', 'standard', 'vip'])
    expect(await touches()).toBe(0)
    expect(freshTick.budget.spent.queries).toBeGreaterThan(0)
  })
})
