/** The history import's jobs (table `backfill_jobs`, migrations/0005_backfill.sql and 0070_backfill_steps.sql). */

export const BACKFILL_PHASES = ['customers', 'subscribers', 'products', 'orders'] as const
export type BackfillPhase = (typeof BACKFILL_PHASES)[number]
export type BackfillJobState = 'running' | 'done' | 'failed'

export interface PhaseProgress {
  done: number
  total: number
}
export type BackfillProgress = Record<BackfillPhase, PhaseProgress>

export interface BackfillJob {
  id: string
  state: BackfillJobState
  since: string | null
  phase: BackfillPhase | 'done'
  /** The phase's resume point, as the phase wrote it. */
  cursor: string | null
  progress: BackfillProgress
  /** The totals were read from BigCommerce. */
  counted: boolean
  skipped: number
  failures: number
  lastError: string | null
  leaseOwner: string | null
  leaseUntil: number | null
  startedAt: number
  updatedAt: number
  finishedAt: number | null
  /** The queue step the job waits for (src/backfill/steps.ts), and when it is due. */
  stepToken: string | null
  stepDueAt: number | null
}

interface JobRow {
  id: string
  state: BackfillJobState
  since: string | null
  phase: string
  cursor: string | null
  progress: string
  counted: number
  skipped: number
  failures: number
  last_error: string | null
  lease_owner: string | null
  lease_until: number | null
  started_at: number
  updated_at: number
  finished_at: number | null
  step_token: string | null
  step_due_at: number | null
}

export function emptyProgress(): BackfillProgress {
  return {
    customers: { done: 0, total: 0 },
    subscribers: { done: 0, total: 0 },
    products: { done: 0, total: 0 },
    orders: { done: 0, total: 0 },
  }
}

function toJob(row: JobRow): BackfillJob {
  return {
    id: row.id,
    state: row.state,
    since: row.since,
    phase: row.phase as BackfillJob['phase'],
    cursor: row.cursor,
    progress: { ...emptyProgress(), ...(JSON.parse(row.progress) as Partial<BackfillProgress>) },
    counted: row.counted === 1,
    skipped: row.skipped,
    failures: row.failures,
    lastError: row.last_error,
    leaseOwner: row.lease_owner,
    leaseUntil: row.lease_until,
    startedAt: row.started_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
    stepToken: row.step_token,
    stepDueAt: row.step_due_at,
  }
}

/** Inserts a running job unless one is running already (unique index); returns the running job either way. */
export async function insertRunningJob(
  db: D1Database,
  job: { id: string; since: string | null; progress: BackfillProgress; now: number },
): Promise<BackfillJob> {
  await db
    .prepare(
      `INSERT INTO backfill_jobs (id, state, since, phase, cursor, progress, started_at, updated_at)
       VALUES (?, 'running', ?, ?, NULL, ?, ?, ?)
       ON CONFLICT DO NOTHING`,
    )
    .bind(job.id, job.since, BACKFILL_PHASES[0], JSON.stringify(job.progress), job.now, job.now)
    .run()
  const running = await runningJob(db)
  if (!running) throw new Error('backfill job was neither inserted nor found running')
  return running
}

export async function runningJob(db: D1Database): Promise<BackfillJob | null> {
  const row = await db.prepare(`SELECT * FROM backfill_jobs WHERE state = 'running'`).first<JobRow>()
  return row ? toJob(row) : null
}

/** The running job, else the most recently started one. */
export async function latestJob(db: D1Database): Promise<BackfillJob | null> {
  const row = await db
    .prepare(`SELECT * FROM backfill_jobs ORDER BY state = 'running' DESC, started_at DESC, rowid DESC LIMIT 1`)
    .first<JobRow>()
  return row ? toJob(row) : null
}

/** Puts a failed job back to running, from where it stopped; false when another job runs meanwhile. */
export async function reviveJob(db: D1Database, id: string, now: number): Promise<boolean> {
  const result = await db
    .prepare(
      `UPDATE OR IGNORE backfill_jobs SET state = 'running', failures = 0, last_error = NULL, finished_at = NULL,
         lease_owner = NULL, lease_until = NULL, updated_at = ?
       WHERE id = ? AND state = 'failed'`,
    )
    .bind(now, id)
    .run()
  return result.meta.changes === 1
}

/**
 * Makes `token` the step the running job waits for, due at `dueAt`: a queue message carrying another token
 * (a duplicate, or one a resume replaced) finds the job not waiting for it. False when the job no longer runs.
 */
export async function awaitStep(db: D1Database, id: string, token: string, dueAt: number): Promise<boolean> {
  const result = await db
    .prepare(`UPDATE backfill_jobs SET step_token = ?, step_due_at = ? WHERE id = ? AND state = 'running'`)
    .bind(token, dueAt, id)
    .run()
  return result.meta.changes === 1
}

/** Takes the job for one run, unless another run holds an unexpired lease. */
export async function acquireLease(db: D1Database, id: string, owner: string, now: number, untilMs: number): Promise<boolean> {
  const result = await db
    .prepare(
      `UPDATE backfill_jobs SET lease_owner = ?, lease_until = ?
       WHERE id = ? AND state = 'running' AND (lease_until IS NULL OR lease_until < ? OR lease_owner = ?)`,
    )
    .bind(owner, untilMs, id, now, owner)
    .run()
  return result.meta.changes === 1
}

export async function releaseLease(db: D1Database, id: string, owner: string): Promise<void> {
  await db
    .prepare(`UPDATE backfill_jobs SET lease_owner = NULL, lease_until = NULL WHERE id = ? AND lease_owner = ?`)
    .bind(id, owner)
    .run()
}

/**
 * Records a chunk as applied: the new resume point and counts. False when this run lost its lease (it
 * must stop: another run continues from the last saved point).
 */
export async function saveProgress(
  db: D1Database,
  id: string,
  owner: string,
  update: {
    phase: BackfillJob['phase']
    cursor: string | null
    progress: BackfillProgress
    counted: boolean
    skipped: number
    now: number
    /** The lease is renewed with every checkpoint: a run that died holds the job only this long after its last. */
    leaseUntil: number
  },
): Promise<boolean> {
  const result = await db
    .prepare(
      `UPDATE backfill_jobs SET phase = ?, cursor = ?, progress = ?, counted = ?, skipped = ?, failures = 0,
         last_error = NULL, updated_at = ?, lease_until = ?
       WHERE id = ? AND state = 'running' AND lease_owner = ?`,
    )
    .bind(
      update.phase,
      update.cursor,
      JSON.stringify(update.progress),
      update.counted ? 1 : 0,
      update.skipped,
      update.now,
      update.leaseUntil,
      id,
      owner,
    )
    .run()
  return result.meta.changes === 1
}

export async function finishJob(db: D1Database, id: string, owner: string, now: number): Promise<void> {
  await db
    .prepare(
      `UPDATE backfill_jobs SET state = 'done', phase = 'done', cursor = NULL, finished_at = ?, updated_at = ?,
         lease_owner = NULL, lease_until = NULL
       WHERE id = ? AND state = 'running' AND lease_owner = ?`,
    )
    .bind(now, now, id, owner)
    .run()
}

/** A run ended in an error: counted; past `maxFailures` consecutive ones the job fails. */
export async function recordFailure(
  db: D1Database,
  id: string,
  owner: string,
  error: string,
  now: number,
  maxFailures: number,
): Promise<BackfillJobState> {
  const row = await db
    .prepare(
      `UPDATE backfill_jobs SET failures = failures + 1, last_error = ?, updated_at = ?, lease_owner = NULL,
         lease_until = NULL,
         state = CASE WHEN failures + 1 >= ? THEN 'failed' ELSE state END,
         finished_at = CASE WHEN failures + 1 >= ? THEN ? ELSE finished_at END
       WHERE id = ? AND state = 'running' AND lease_owner = ?
       RETURNING state`,
    )
    .bind(error.slice(0, 1000), now, maxFailures, maxFailures, now, id, owner)
    .first<{ state: BackfillJobState }>()
  return row?.state ?? 'running'
}
