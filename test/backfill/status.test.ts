import { describe, expect, it } from 'vitest'
import { statusOf } from '../../src/backfill/backfill-status'
import { emptyProgress, type BackfillJob } from '../../src/db/backfill-jobs'

const START = Date.UTC(2026, 10, 26, 10, 0, 0)

function job(overrides: Partial<BackfillJob> = {}): BackfillJob {
  const progress = emptyProgress()
  progress.customers = { done: 40, total: 40 }
  progress.orders = { done: 10, total: 210 }
  return {
    id: 'job-1', state: 'running', since: null, phase: 'orders', cursor: '{"lastId":110}', progress, counted: true,
    skipped: 2, failures: 0, lastError: null, leaseOwner: null, leaseUntil: null, startedAt: START, updatedAt: START + 90_000,
    finishedAt: null, stepToken: null, stepDueAt: null, ...overrides,
  }
}

describe('backfill progress figures', () => {
  it('gives the rate since the start and the time left at that rate', () => {
    const status = statusOf(job(), START + 100_000)
    expect(status).toMatchObject({ state: 'running', done: 50, total: 250, rate: 0.5, etaSeconds: 400, phase: 'orders', skipped: 2 })
    expect(status.startedAt).toBe('2026-11-26T10:00:00.000Z')
  })

  it('never reports more done than total, even when records were created during the walk', () => {
    const progress = emptyProgress()
    progress.orders = { done: 30, total: 20 }
    expect(statusOf(job({ progress }), START + 10_000)).toMatchObject({ done: 30, total: 30, etaSeconds: 0 })
  })

  it('measures a finished job up to its end, with nothing left', () => {
    const status = statusOf(job({ state: 'done', phase: 'done', finishedAt: START + 50_000 }), START + 999_000)
    expect(status).toMatchObject({ state: 'done', rate: 1, etaSeconds: 0, finishedAt: '2026-11-26T10:00:50.000Z' })
  })

  it('has no ETA for a failed job or before anything is done', () => {
    expect(statusOf(job({ state: 'failed', finishedAt: START + 5_000, lastError: 'boom' }), START + 9_000))
      .toMatchObject({ state: 'failed', etaSeconds: null, lastError: 'boom' })
    expect(statusOf(job({ progress: emptyProgress() }), START + 1_000)).toMatchObject({ done: 0, etaSeconds: null })
  })

  it('is idle without any job', () => {
    expect(statusOf(null, START)).toMatchObject({ state: 'idle', id: null, done: 0, total: 0, rate: 0, etaSeconds: null })
  })
})
