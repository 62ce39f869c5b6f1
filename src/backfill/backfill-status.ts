import { BACKFILL_PHASES, type BackfillJob, type BackfillPhase, type PhaseProgress } from '../db/backfill-jobs'

export interface BackfillStatus {
  state: 'running' | 'done' | 'failed' | 'idle'
  id: string | null
  /** Records examined so far, all phases. */
  done: number
  /** Records to examine, all phases (BigCommerce's counts until a phase finishes, then what it found). */
  total: number
  /** Records per second since the job started. */
  rate: number
  /** Seconds left at that rate; null when unknown (nothing done yet, or not running). */
  etaSeconds: number | null
  phase: BackfillPhase | 'done' | null
  phases: Record<BackfillPhase, PhaseProgress>
  since: string | null
  skipped: number
  startedAt: string | null
  updatedAt: string | null
  finishedAt: string | null
  lastError: string | null
}

/** Progress figures of a job at `now` (pure: the status API and tests share it). */
export function statusOf(job: BackfillJob | null, now: number): BackfillStatus {
  if (!job) {
    return {
      state: 'idle',
      id: null,
      done: 0,
      total: 0,
      rate: 0,
      etaSeconds: null,
      phase: null,
      phases: Object.fromEntries(BACKFILL_PHASES.map((p) => [p, { done: 0, total: 0 }])) as Record<BackfillPhase, PhaseProgress>,
      since: null,
      skipped: 0,
      startedAt: null,
      updatedAt: null,
      finishedAt: null,
      lastError: null,
    }
  }
  const done = BACKFILL_PHASES.reduce((sum, p) => sum + job.progress[p].done, 0)
  const total = Math.max(done, BACKFILL_PHASES.reduce((sum, p) => sum + job.progress[p].total, 0))
  const end = job.finishedAt ?? now
  const seconds = Math.max(0.001, (end - job.startedAt) / 1000)
  const rate = done / seconds
  const etaSeconds = job.state === 'running' && rate > 0 ? Math.ceil((total - done) / rate) : job.state === 'done' ? 0 : null
  return {
    state: job.state,
    id: job.id,
    done,
    total,
    rate: Math.round(rate * 100) / 100,
    etaSeconds,
    phase: job.phase,
    phases: job.progress,
    since: job.since,
    skipped: job.skipped,
    startedAt: new Date(job.startedAt).toISOString(),
    updatedAt: new Date(job.updatedAt).toISOString(),
    finishedAt: job.finishedAt === null ? null : new Date(job.finishedAt).toISOString(),
    lastError: job.lastError,
  }
}
