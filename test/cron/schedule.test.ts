import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import wranglerToml from '../../wrangler.toml?raw'
import { JOBS } from '../../src/cron/schedule'
import worker from '../../src/index'
import { freshWorld } from '../support/worker'

const listedCrons = JSON.parse(/^crons\s*=\s*(\[.*\])/m.exec(wranglerToml)![1]!) as string[]

async function fire(cron: string, scheduledTime: number) {
  const ctx = createExecutionContext()
  await worker.scheduled(createScheduledController({ cron, scheduledTime }), env, ctx)
  await waitOnExecutionContext(ctx)
}

describe('the scheduled handler', () => {
  beforeEach(async () => {
    await freshWorld()
  })
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it('runs every job only on crons that wrangler.toml lists, and every listed cron runs something', () => {
    for (const job of JOBS) for (const cron of job.crons) expect(listedCrons, job.name).toContain(cron)
    for (const cron of listedCrons) expect(JOBS.some((job) => job.crons.includes(cron)), cron).toBe(true)
  })

  it.each(listedCrons)('fires "%s" twice in a row without a failing job', async (cron) => {
    const failures = vi.spyOn(console, 'error')
    const now = Date.now()
    await fire(cron, now)
    await fire(cron, now + 1_000)
    expect(failures.mock.calls.filter(([message]) => String(message).startsWith('cron job'))).toEqual([])
  })
})

describe('inbox retention', () => {
  it('deletes processed deliveries older than 30 days and keeps pending, dead and recent ones', async () => {
    await freshWorld()
    const now = Date.now()
    const old = now - 31 * 86_400_000
    const insert = (id: string, status: string, receivedAt: number) =>
      env.DB.prepare(
        `INSERT INTO webhook_events (id, scope, resource_type, resource_id, payload, received_at, status, attempts, next_attempt_at)
         VALUES (?, 'store/order/updated', 'order', '1', '{}', ?, ?, 1, ?)`,
      )
        .bind(id, receivedAt, status, receivedAt)
        .run()
    await insert('old-done', 'done', old)
    await insert('old-ignored', 'ignored', old)
    await insert('old-pending', 'pending', old)
    await insert('old-dead', 'dead', old)
    await insert('recent-done', 'done', now - 86_400_000)
    await fire('7 * * * *', now)
    const { results } = await env.DB.prepare('SELECT id FROM webhook_events ORDER BY id').all<{ id: string }>()
    expect(results.map((r) => r.id)).toEqual(['old-dead', 'old-pending', 'recent-done'])
  })
})
