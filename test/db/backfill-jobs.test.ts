import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it } from 'vitest'
import {
  acquireLease,
  awaitStep,
  emptyProgress,
  finishJob,
  insertRunningJob,
  latestJob,
  recordFailure,
  releaseLease,
  reviveJob,
  runningJob,
  saveProgress,
} from '../../src/db/backfill-jobs'
import { consumeStaged, dropStagedExcept, stagedRecords, stagePage, type JobUpdate } from '../../src/db/backfill-staging'

// The backfill's job and staging queries against D1 itself: leases, failures, revival and the staged records'
// all-or-nothing writes, which the end-to-end backfill tests reach only on their happy paths.

const T = 1_700_000_000_000

beforeEach(async () => {
  await env.DB.batch([env.DB.prepare('DELETE FROM backfill_staged'), env.DB.prepare('DELETE FROM backfill_jobs')])
})

const start = (id: string, now = T) => insertRunningJob(env.DB, { id, since: null, progress: emptyProgress(), now })

function update(overrides: Partial<JobUpdate> = {}): JobUpdate {
  return { phase: 'orders', cursor: '{"page":2}', progress: { ...emptyProgress(), orders: { done: 5, total: 9 } }, skipped: 1, now: T + 10, leaseUntil: T + 60_000, ...overrides }
}

describe('backfill jobs', () => {
  it('keeps one running job: a second start returns the first', async () => {
    const first = await start('a')
    const second = await start('b', T + 1)
    expect(second.id).toBe('a')
    expect(first).toMatchObject({ id: 'a', state: 'running', phase: 'customers', cursor: null, counted: false, skipped: 0, failures: 0, startedAt: T, updatedAt: T })
    expect(first.progress).toEqual(emptyProgress())
  })

  it('leases the job to one owner until the lease lapses, and releases it only for its owner', async () => {
    await start('a')
    expect(await acquireLease(env.DB, 'a', 'run-1', T, T + 1_000)).toBe(true)
    expect(await acquireLease(env.DB, 'a', 'run-2', T + 500, T + 1_500)).toBe(false)
    expect(await acquireLease(env.DB, 'a', 'run-1', T + 500, T + 2_000)).toBe(true)
    await releaseLease(env.DB, 'a', 'run-2')
    expect(await runningJob(env.DB)).toMatchObject({ leaseOwner: 'run-1', leaseUntil: T + 2_000 })
    expect(await acquireLease(env.DB, 'a', 'run-2', T + 2_001, T + 3_000)).toBe(true)
    await releaseLease(env.DB, 'a', 'run-2')
    expect(await runningJob(env.DB)).toMatchObject({ leaseOwner: null, leaseUntil: null })
  })

  it('saves progress and finishes only under the lease', async () => {
    await start('a')
    await acquireLease(env.DB, 'a', 'run-1', T, T + 1_000)
    expect(await saveProgress(env.DB, 'a', 'run-2', { ...update(), counted: true })).toBe(false)
    expect(await saveProgress(env.DB, 'a', 'run-1', { ...update(), counted: true })).toBe(true)
    expect(await runningJob(env.DB)).toMatchObject({ phase: 'orders', cursor: '{"page":2}', counted: true, skipped: 1, updatedAt: T + 10, leaseUntil: T + 60_000 })
    expect((await runningJob(env.DB))!.progress.orders).toEqual({ done: 5, total: 9 })
    await finishJob(env.DB, 'a', 'run-2', T + 20)
    expect(await runningJob(env.DB)).not.toBeNull()
    await finishJob(env.DB, 'a', 'run-1', T + 20)
    expect(await runningJob(env.DB)).toBeNull()
    expect(await latestJob(env.DB)).toMatchObject({ id: 'a', state: 'done', phase: 'done', cursor: null, finishedAt: T + 20, leaseOwner: null })
  })

  it('waits for one step token at a time, while the job runs', async () => {
    await start('a')
    expect(await awaitStep(env.DB, 'a', 'token-1', T + 5)).toBe(true)
    expect(await runningJob(env.DB)).toMatchObject({ stepToken: 'token-1', stepDueAt: T + 5 })
    expect(await awaitStep(env.DB, 'missing', 'token-2', T + 6)).toBe(false)
  })

  it('fails the job at the last allowed consecutive failure, then revives it unless another job runs', async () => {
    await start('a')
    await acquireLease(env.DB, 'a', 'run-1', T, T + 1_000)
    expect(await recordFailure(env.DB, 'a', 'run-2', 'not ours', T + 1, 2)).toBe('running')
    expect(await recordFailure(env.DB, 'a', 'run-1', 'first', T + 1, 2)).toBe('running')
    expect(await runningJob(env.DB)).toMatchObject({ failures: 1, lastError: 'first', leaseOwner: null, finishedAt: null })
    await acquireLease(env.DB, 'a', 'run-1', T + 2, T + 1_000)
    expect(await recordFailure(env.DB, 'a', 'run-1', 'x'.repeat(1_500), T + 3, 2)).toBe('failed')
    const failed = await latestJob(env.DB)
    expect(failed).toMatchObject({ id: 'a', state: 'failed', failures: 2, finishedAt: T + 3, updatedAt: T + 3 })
    expect(failed!.lastError).toHaveLength(1_000)

    await start('b', T + 4)
    expect(await latestJob(env.DB)).toMatchObject({ id: 'b' })
    expect(await reviveJob(env.DB, 'a', T + 5)).toBe(false)
    await acquireLease(env.DB, 'b', 'run-3', T + 5, T + 1_000)
    await finishJob(env.DB, 'b', 'run-3', T + 6)
    // Neither runs now: the latest is the one started last.
    expect(await latestJob(env.DB)).toMatchObject({ id: 'b', state: 'done' })
    expect(await reviveJob(env.DB, 'b', T + 7)).toBe(false)
    expect(await reviveJob(env.DB, 'a', T + 7)).toBe(true)
    expect(await latestJob(env.DB)).toMatchObject({ id: 'a', state: 'running', failures: 0, lastError: null, finishedAt: null, updatedAt: T + 7 })
  })
})

describe('backfill staging', () => {
  it('stages a page with the cursor past it, and consumes a chunk with its progress, all under the lease', async () => {
    await start('a')
    await acquireLease(env.DB, 'a', 'run-1', T, T + 1_000)
    // More records than one INSERT takes (40): the page goes in several statements of one batch.
    const records = Array.from({ length: 95 }, (_, i) => ({ id: i, name: `r${i}` }))
    expect(await stagePage(env.DB, 'a', 'run-1', records, update())).toBe(true)
    expect(await stagePage(env.DB, 'a', 'run-1', ['tail'], update({ cursor: '{"page":3}' }))).toBe(true)
    const staged = await stagedRecords(env.DB, 'a', 200)
    expect(staged.map((s) => s.seq)).toEqual(Array.from({ length: 96 }, (_, i) => i + 1))
    expect(staged.map((s) => s.record)).toEqual([...records, 'tail'])
    expect(await runningJob(env.DB)).toMatchObject({ cursor: '{"page":3}', skipped: 1, counted: false })

    expect(await stagedRecords(env.DB, 'a', 2)).toEqual([{ seq: 1, record: records[0] }, { seq: 2, record: records[1] }])
    expect(await consumeStaged(env.DB, 'a', 'run-1', 90, update({ skipped: 4 }))).toBe(true)
    expect((await stagedRecords(env.DB, 'a', 200)).map((s) => s.seq)).toEqual([91, 92, 93, 94, 95, 96])
    expect(await runningJob(env.DB)).toMatchObject({ skipped: 4 })
  })

  it('writes nothing for a run that lost the lease', async () => {
    await start('a')
    await acquireLease(env.DB, 'a', 'run-1', T, T + 1_000)
    await stagePage(env.DB, 'a', 'run-1', [1, 2, 3], update())
    expect(await stagePage(env.DB, 'a', 'run-2', [4, 5], update({ cursor: 'stolen' }))).toBe(false)
    expect(await consumeStaged(env.DB, 'a', 'run-2', 3, update({ cursor: 'stolen' }))).toBe(false)
    expect((await stagedRecords(env.DB, 'a', 10)).map((s) => s.record)).toEqual([1, 2, 3])
    expect(await runningJob(env.DB)).toMatchObject({ cursor: '{"page":2}' })
  })

  it("drops the staged records of every job but the one kept", async () => {
    await start('a')
    await acquireLease(env.DB, 'a', 'run-1', T, T + 1_000)
    await stagePage(env.DB, 'a', 'run-1', [1, 2], update())
    await env.DB.prepare("INSERT INTO backfill_staged (job_id, seq, record) VALUES ('old', 1, '1')").run()
    await dropStagedExcept(env.DB, 'a')
    expect(await stagedRecords(env.DB, 'old', 10)).toEqual([])
    expect(await stagedRecords(env.DB, 'a', 10)).toHaveLength(2)
  })
})
