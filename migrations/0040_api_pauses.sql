-- Migration number: 0040 	 2026-12-10T08:00:00.000Z
-- Circuit breakers: processing that needs an API pauses when the API refuses the worker's token or scope
-- (401/403) or stops answering (a run of 5xx and timeouts). Events stay pending without spending attempts;
-- a probe (BigCommerce) or the writer's next call (HubSpot) resumes, or an operator does.
CREATE TABLE api_pauses (
  api TEXT PRIMARY KEY CHECK (api IN ('bigcommerce', 'hubspot')),
  paused INTEGER NOT NULL DEFAULT 0,
  cause TEXT CHECK (cause IN ('auth', 'outage')),
  status INTEGER,              -- the HTTP status that paused it; 0: timeouts or network errors
  detail TEXT,                 -- the API's own error title, short (never a header, never a token)
  probe_path TEXT,             -- the GET a probe repeats: path only, no query string (it may hold an email)
  since INTEGER,               -- unix ms: paused since
  next_probe_at INTEGER,
  last_probe_at INTEGER,
  last_probe_result TEXT,
  resumed_at INTEGER,
  resumed_by TEXT,             -- 'probe', 'operator' or 'writer' (HubSpot accepted a call again)
  updated_at INTEGER NOT NULL
);

-- When a pending event was last handed to the webhook queue by the sweep (or a resume): not again within a lease.
ALTER TABLE webhook_events ADD COLUMN queued_at INTEGER;
