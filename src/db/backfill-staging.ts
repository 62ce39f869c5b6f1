/**
 * Records of a listed page waiting to be applied (migrations/0070_backfill_steps.sql). Staging a page and
 * moving the job's cursor past it is one transaction, and so is deleting an applied chunk and adding its
 * progress: a step cut short anywhere leaves either the page unlisted or its records staged, never both
 * and never neither.
 */
import { asc, eq, ne } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import { sql } from 'kysely'
import { progressStatement, type ProgressUpdate } from './backfill-jobs'
import { d1Statement, queryBuilder } from './query-builder'
import { backfillStaged } from './schema'

export interface StagedRecord {
  seq: number
  record: unknown
}

/** The job's fields a step saves with a page or a chunk. */
export type JobUpdate = Omit<ProgressUpdate, 'counted'>

/** Rows per INSERT: two bound values each, under D1's 100 per statement. */
const ROWS_PER_INSERT = 40

/** The job still runs under `owner`'s lease: a staging write of a run that lost it writes nothing. */
function leaseHeld(db: D1Database, jobId: string, owner: string) {
  return queryBuilder(db)
    .selectFrom('backfill_jobs')
    .select(sql.lit(1).as('held'))
    .where('id', '=', jobId)
    .where('state', '=', 'running')
    .where('lease_owner', '=', owner)
}

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
  const qb = queryBuilder(db)
  const last = await qb
    .selectFrom('backfill_staged')
    .select((eb) => eb.fn.coalesce(eb.fn.max('seq'), eb.lit(0)).as('seq'))
    .where('job_id', '=', jobId)
    .executeTakeFirst()
  const first = (last?.seq ?? 0) + 1
  const statements = [progressStatement(db, jobId, owner, update)]
  for (let i = 0; i < records.length; i += ROWS_PER_INSERT) {
    const page = records.slice(i, i + ROWS_PER_INSERT).map((record, j) => sql`(${first + i + j}, ${JSON.stringify(record)})`)
    // Inserted only if the job is still ours: the UPDATE above may have matched nothing.
    statements.push(
      d1Statement(
        db,
        qb
          .insertInto('backfill_staged')
          .columns(['job_id', 'seq', 'record'])
          .expression(
            qb
              .selectFrom(sql<{ column1: number; column2: string }>`(VALUES ${sql.join(page)})`.as('page'))
              .select((eb) => [eb.val(jobId).as('job_id'), 'column1', 'column2'])
              .where((eb) => eb.exists(leaseHeld(db, jobId, owner))),
          ),
      ),
    )
  }
  const [updated] = await db.batch(statements)
  return updated!.meta.changes === 1
}

/** The job's next `limit` staged records, in walk order. */
export async function stagedRecords(db: D1Database, jobId: string, limit: number): Promise<StagedRecord[]> {
  const rows = await drizzle(db)
    .select({ seq: backfillStaged.seq, record: backfillStaged.record })
    .from(backfillStaged)
    .where(eq(backfillStaged.jobId, jobId))
    .orderBy(asc(backfillStaged.seq))
    .limit(limit)
  return rows.map((row) => ({ seq: row.seq, record: JSON.parse(row.record) as unknown }))
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
    progressStatement(db, jobId, owner, update),
    d1Statement(
      db,
      queryBuilder(db)
        .deleteFrom('backfill_staged')
        .where('job_id', '=', jobId)
        .where('seq', '<=', lastSeq)
        .where((eb) => eb.exists(leaseHeld(db, jobId, owner))),
    ),
  ])
  return updated!.meta.changes === 1
}

/** Staged records of jobs other than `keepJobId` (a failed job a new one replaced). */
export async function dropStagedExcept(db: D1Database, keepJobId: string): Promise<void> {
  await drizzle(db).delete(backfillStaged).where(ne(backfillStaged.jobId, keepJobId))
}
