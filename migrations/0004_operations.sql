-- Migration number: 0004 	 2026-11-26T10:00:00.000Z
-- Operations: the admin audit trail, operator configuration overrides, and reconciliation results.

-- Who changed what, when, with the state before and after. The actor is a role and a fingerprint of the
-- token (the first 8 hex characters of its SHA-256), never the token itself.
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,                     -- ISO-8601 UTC
  actor_role TEXT NOT NULL CHECK (actor_role IN ('viewer', 'operator', 'admin')),
  actor_fingerprint TEXT NOT NULL,
  action TEXT NOT NULL,                 -- setup, backfill.start, dead_letter.replay, overrides.update
  target TEXT,                          -- what it acted on, e.g. the dead letter id
  outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'failed')),
  before TEXT,                          -- JSON, null when there was nothing before
  after TEXT                            -- JSON
);

-- Operator overrides of configuration (channel rules, marketing caps), one JSON value per key.
CREATE TABLE config_overrides (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,                  -- JSON
  updated_at INTEGER NOT NULL,          -- unix ms
  updated_by TEXT NOT NULL              -- role:fingerprint
);

-- Reconciliation results, so the dashboard shows a recent one without asking HubSpot on every load.
CREATE TABLE reconciliation_runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  range_from TEXT NOT NULL,
  range_to TEXT NOT NULL,
  ran_at INTEGER NOT NULL,              -- unix ms
  result TEXT NOT NULL                  -- JSON
);
CREATE INDEX reconciliation_runs_range ON reconciliation_runs (range_from, range_to, ran_at);
