-- Migration number: 0070 	 2026-12-07T14:00:00.000Z
-- The backfill runs as a chain of steps on its own queue (issue 23) instead of one cron slice a minute.
-- A listed page is staged here in the same transaction that moves the job's cursor past it, so a step cut
-- short anywhere resumes from the staged records and never lists that page again; each applied chunk is
-- deleted with the progress it adds.
CREATE TABLE backfill_staged (
  job_id TEXT NOT NULL,
  seq INTEGER NOT NULL,       -- position in the phase's walk (a page's records in order)
  record TEXT NOT NULL,       -- JSON: what the phase needs to apply the record without asking BigCommerce again
  PRIMARY KEY (job_id, seq)
) WITHOUT ROWID;

-- The step the job waits for: only a queue message carrying this token may run it (a duplicate or stale
-- message is dropped); `step_due_at` lets the cron see a chain that stopped (a message lost) and resume it.
ALTER TABLE backfill_jobs ADD COLUMN step_token TEXT;
ALTER TABLE backfill_jobs ADD COLUMN step_due_at INTEGER;
