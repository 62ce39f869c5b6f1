import { and, desc, eq, isNull, lt, notExists, or, sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import { alias } from 'drizzle-orm/sqlite-core'
import { d1Statement, queryBuilder } from './query-builder'
import { backfillJobs } from './schema'

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

type JobRow = typeof backfillJobs.$inferSelect

/** The job's fields a step saves with its progress; `counted` only where the step read the totals. */
export interface ProgressUpdate {
  phase: BackfillJob['phase']
  cursor: string | null
  progress: BackfillProgress
  counted?: boolean
  skipped: number
  now: number
  /** The lease is renewed with every checkpoint: a run that died holds the job only this long after its last. */
  leaseUntil: number
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
    lastError: row.lastError,
    leaseOwner: row.leaseOwner,
    leaseUntil: row.leaseUntil,
    startedAt: row.startedAt,
    updatedAt: row.updatedAt,
    finishedAt: row.finishedAt,
    stepToken: row.stepToken,
    stepDueAt: row.stepDueAt,
  }
}

/** Inserts a running job unless one is running already (unique index); returns the running job either way. */
export async function insertRunningJob(
  db: D1Database,
  job: { id: string; since: string | null; progress: BackfillProgress; now: number },
): Promise<BackfillJob> {
  await drizzle(db)
    .insert(backfillJobs)
    .values({
      id: job.id,
      state: 'running',
      since: job.since,
      phase: BACKFILL_PHASES[0],
      cursor: null,
      progress: JSON.stringify(job.progress),
      startedAt: job.now,
      updatedAt: job.now,
    })
    .onConflictDoNothing()
  const running = await runningJob(db)
  if (!running) throw new Error('backfill job was neither inserted nor found running')
  return running
}

export async function runningJob(db: D1Database): Promise<BackfillJob | null> {
  const [row] = await drizzle(db).select().from(backfillJobs).where(eq(backfillJobs.state, 'running'))
  return row ? toJob(row) : null
}

/** The running job, else the most recently started one. */
export async function latestJob(db: D1Database): Promise<BackfillJob | null> {
  const [row] = await drizzle(db)
    .select()
    .from(backfillJobs)
    .orderBy(desc(eq(backfillJobs.state, 'running')), desc(backfillJobs.startedAt), desc(sql`rowid`))
    .limit(1)
  return row ? toJob(row) : null
}

/** Puts a failed job back to running, from where it stopped; false when another job runs meanwhile. */
export async function reviveJob(db: D1Database, id: string, now: number): Promise<boolean> {
  const orm = drizzle(db)
  // One running job at a time (the unique index backfill_jobs_one_running): a revival waits for none to run.
  const running = alias(backfillJobs, 'running')
  const result = await orm
    .update(backfillJobs)
    .set({ state: 'running', failures: 0, lastError: null, finishedAt: null, leaseOwner: null, leaseUntil: null, updatedAt: now })
    .where(
      and(
        eq(backfillJobs.id, id),
        eq(backfillJobs.state, 'failed'),
        notExists(orm.select({ id: running.id }).from(running).where(eq(running.state, 'running'))),
      ),
    )
  return result.meta.changes === 1
}

/**
 * Makes `token` the step the running job waits for, due at `dueAt`: a queue message carrying another token
 * (a duplicate, or one a resume replaced) finds the job not waiting for it. False when the job no longer runs.
 */
export async function awaitStep(db: D1Database, id: string, token: string, dueAt: number): Promise<boolean> {
  const result = await drizzle(db)
    .update(backfillJobs)
    .set({ stepToken: token, stepDueAt: dueAt })
    .where(and(eq(backfillJobs.id, id), eq(backfillJobs.state, 'running')))
  return result.meta.changes === 1
}

/** Takes the job for one run, unless another run holds an unexpired lease. */
export async function acquireLease(db: D1Database, id: string, owner: string, now: number, untilMs: number): Promise<boolean> {
  const result = await drizzle(db)
    .update(backfillJobs)
    .set({ leaseOwner: owner, leaseUntil: untilMs })
    .where(
      and(
        eq(backfillJobs.id, id),
        eq(backfillJobs.state, 'running'),
        or(isNull(backfillJobs.leaseUntil), lt(backfillJobs.leaseUntil, now), eq(backfillJobs.leaseOwner, owner)),
      ),
    )
  return result.meta.changes === 1
}

export async function releaseLease(db: D1Database, id: string, owner: string): Promise<void> {
  await drizzle(db)
    .update(backfillJobs)
    .set({ leaseOwner: null, leaseUntil: null })
    .where(and(eq(backfillJobs.id, id), eq(backfillJobs.leaseOwner, owner)))
}

/**
 * The statement that records a checkpoint (the new resume point and counts) while `owner` holds the lease: run
 * alone by `saveProgress`, or in one batch with the staged records it concerns (db/backfill-staging.ts).
 */
export function progressStatement(db: D1Database, id: string, owner: string, update: ProgressUpdate): D1PreparedStatement {
  return d1Statement(
    db,
    queryBuilder(db)
      .updateTable('backfill_jobs')
      .set({
        phase: update.phase,
        cursor: update.cursor,
        progress: JSON.stringify(update.progress),
        ...(update.counted === undefined ? {} : { counted: update.counted ? 1 : 0 }),
        skipped: update.skipped,
        failures: 0,
        last_error: null,
        updated_at: update.now,
        lease_until: update.leaseUntil,
      })
      .where('id', '=', id)
      .where('state', '=', 'running')
      .where('lease_owner', '=', owner),
  )
}

/**
 * Records a chunk as applied: the new resume point and counts. False when this run lost its lease (it
 * must stop: another run continues from the last saved point).
 */
export async function saveProgress(
  db: D1Database,
  id: string,
  owner: string,
  update: ProgressUpdate & { counted: boolean },
): Promise<boolean> {
  const result = await progressStatement(db, id, owner, update).run()
  return result.meta.changes === 1
}

export async function finishJob(db: D1Database, id: string, owner: string, now: number): Promise<void> {
  await drizzle(db)
    .update(backfillJobs)
    .set({ state: 'done', phase: 'done', cursor: null, finishedAt: now, updatedAt: now, leaseOwner: null, leaseUntil: null })
    .where(and(eq(backfillJobs.id, id), eq(backfillJobs.state, 'running'), eq(backfillJobs.leaseOwner, owner)))
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
  const row = await queryBuilder(db)
    .updateTable('backfill_jobs')
    .set((eb) => {
      // Every SET expression reads the row as it was: this is the count including this failure.
      const failing = eb(eb('failures', '+', 1), '>=', maxFailures)
      return {
        failures: eb('failures', '+', 1),
        last_error: error.slice(0, 1000),
        updated_at: now,
        lease_owner: null,
        lease_until: null,
        state: eb.case().when(failing).then('failed' as const).else(eb.ref('state')).end(),
        finished_at: eb.case().when(failing).then(eb.val(now)).else(eb.ref('finished_at')).end(),
      }
    })
    .where('id', '=', id)
    .where('state', '=', 'running')
    .where('lease_owner', '=', owner)
    .returning('state')
    .executeTakeFirst()
  return row?.state ?? 'running'
}
