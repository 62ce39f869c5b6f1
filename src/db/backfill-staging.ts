/**
 * Records of a listed page waiting to be applied (migrations/0070_backfill_steps.sql). Staging a page and
 * moving the job's cursor past it is one transaction, and so is deleting an applied chunk and adding its
 * progress: a step cut short anywhere leaves either the page unlisted or its records staged, never both
 * and never neither.
 */
import type { BackfillJob, BackfillProgress } from './backfill-jobs'

export interface StagedRecord {
  seq: number
  record: unknown
}

/** The job's fields a step saves with a page or a chunk. */
export interface JobUpdate {
  phase: BackfillJob['phase']
  cursor: string | null
  progress: BackfillProgress
  skipped: number
  now: number
  leaseUntil: number
}

/** Rows per INSERT: two bound values each, under D1's 100 per statement. */
const ROWS_PER_INSERT = 40

/**
 * Stages `records` after the job's last staged one and saves `update` (the cursor past the page), in one
 * transaction, only while `owner` holds the job's lease. False when it lost the lease: nothing was written.
 */
export async function stagePage(
  db: D1Database,
  jobId: string,
  owner: string,
  records: readonly unknown[],
  update: JobUpdate,
): Promise<boolean> {
  const last = await db
    .prepare(`SELECT coalesce(max(seq), 0) AS seq FROM backfill_staged WHERE job_id = ?`)
    .bind(jobId)
    .first<{ seq: number }>()
  const first = (last?.seq ?? 0) + 1
  const statements = [jobUpdate(db, jobId, owner, update)]
  for (let i = 0; i < records.length; i += ROWS_PER_INSERT) {
    const part = records.slice(i, i + ROWS_PER_INSERT)
    // Inserted only if the job is still ours: the UPDATE above may have matched nothing.
    statements.push(
      db
        .prepare(
          `INSERT INTO backfill_staged (job_id, seq, record)
           SELECT ?, column1, column2 FROM (VALUES ${part.map(() => '(?, ?)').join(', ')})
           WHERE EXISTS (SELECT 1 FROM backfill_jobs WHERE id = ? AND state = 'running' AND lease_owner = ?)`,
        )
        .bind(jobId, ...part.flatMap((record, j) => [first + i + j, JSON.stringify(record)]), jobId, owner),
    )
  }
  const [updated] = await db.batch(statements)
  return updated!.meta.changes === 1
}

/** The job's next `limit` staged records, in walk order. */
export async function stagedRecords(db: D1Database, jobId: string, limit: number): Promise<StagedRecord[]> {
  const { results } = await db
    .prepare(`SELECT seq, record FROM backfill_staged WHERE job_id = ? ORDER BY seq LIMIT ?`)
    .bind(jobId, limit)
    .all<{ seq: number; record: string }>()
  return results.map((row) => ({ seq: row.seq, record: JSON.parse(row.record) as unknown }))
}

/**
 * Deletes the applied records up to `lastSeq` and saves `update` (their progress), in one transaction,
 * only while `owner` holds the lease. False when it lost the lease: nothing was written.
 */
export async function consumeStaged(
  db: D1Database,
  jobId: string,
  owner: string,
  lastSeq: number,
  update: JobUpdate,
): Promise<boolean> {
  const [updated] = await db.batch([
    jobUpdate(db, jobId, owner, update),
    db
      .prepare(
        `DELETE FROM backfill_staged WHERE job_id = ? AND seq <= ?
           AND EXISTS (SELECT 1 FROM backfill_jobs WHERE id = ? AND state = 'running' AND lease_owner = ?)`,
      )
      .bind(jobId, lastSeq, jobId, owner),
  ])
  return updated!.meta.changes === 1
}

/** Staged records of jobs other than `keepJobId` (a failed job a new one replaced). */
export async function dropStagedExcept(db: D1Database, keepJobId: string): Promise<void> {
  await db.prepare(`DELETE FROM backfill_staged WHERE job_id <> ?`).bind(keepJobId).run()
}

function jobUpdate(db: D1Database, jobId: string, owner: string, update: JobUpdate): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE backfill_jobs SET phase = ?, cursor = ?, progress = ?, skipped = ?, failures = 0, last_error = NULL,
         updated_at = ?, lease_until = ?
       WHERE id = ? AND state = 'running' AND lease_owner = ?`,
    )
    .bind(update.phase, update.cursor, JSON.stringify(update.progress), update.skipped, update.now, update.leaseUntil, jobId, owner)
}
