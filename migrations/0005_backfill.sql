-- Migration number: 0005 	 2026-11-26T11:00:00.000Z
-- Historical backfill jobs: one row per job, with the phase and the resume point of that phase, advanced
-- after each chunk is applied, so a job cut short anywhere continues where it stopped.

CREATE TABLE backfill_jobs (
  id TEXT PRIMARY KEY,
  state TEXT NOT NULL CHECK (state IN ('running', 'done', 'failed')),
  since TEXT,                          -- ISO-8601: only what changed since then; null for all history
  phase TEXT NOT NULL,                 -- customers, subscribers, products, orders, done
  cursor TEXT,                         -- the phase's resume point (JSON), null at the start of a phase
  progress TEXT NOT NULL,              -- JSON: per phase {done, total}
  counted INTEGER NOT NULL DEFAULT 0,  -- 1 once the totals were read from BigCommerce
  skipped INTEGER NOT NULL DEFAULT 0,  -- records that cannot be imported (no email, broken payload)
  failures INTEGER NOT NULL DEFAULT 0, -- consecutive runs that ended in an error
  last_error TEXT,
  lease_owner TEXT,                    -- the run working on it, so two runs never apply the same chunk
  lease_until INTEGER,                 -- unix ms
  started_at INTEGER NOT NULL,         -- unix ms
  updated_at INTEGER NOT NULL,
  finished_at INTEGER
);

-- One backfill at a time: a second start while one runs finds this index and returns the running job.
CREATE UNIQUE INDEX backfill_jobs_one_running ON backfill_jobs (state) WHERE state = 'running';
CREATE INDEX backfill_jobs_started ON backfill_jobs (started_at);
