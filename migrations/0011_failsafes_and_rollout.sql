-- Migration number: 0011 	 2026-12-08T10:00:00.000Z
-- The playbook's fail-safes and rollout by trigger family (issue 11).

-- What trigger families in shadow mode would have done. Kept apart from trigger_decisions (real decisions
-- only): the dashboard counts "would have fired" per family over 7 and 14 days from here.
CREATE TABLE shadow_decisions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  email TEXT NOT NULL,
  trigger TEXT NOT NULL,
  family TEXT NOT NULL,
  trigger_key TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('fired', 'deferred', 'suppressed', 'cancelled')),
  reason TEXT NOT NULL,
  would_write TEXT,                     -- JSON: the contact properties a live family would have written
  at TEXT NOT NULL                      -- ISO-8601 UTC, when it was decided
);
CREATE INDEX shadow_decisions_email ON shadow_decisions (email, id);
CREATE INDEX shadow_decisions_family ON shadow_decisions (outcome, family, at);

-- Contacts with an open HubSpot ticket of a SUPPORT_SUPPRESSION_PRIORITIES priority, as of the last ticket
-- search (replaced whole by each refresh; its state is in sync_state under `support_escalations`).
CREATE TABLE support_escalations (
  email TEXT NOT NULL,                  -- normalized
  ticket_id TEXT NOT NULL,
  priority TEXT NOT NULL,
  subject TEXT,
  stage TEXT,
  PRIMARY KEY (email, ticket_id)
);
