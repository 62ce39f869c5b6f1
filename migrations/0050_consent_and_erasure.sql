-- Migration number: 0050 	 2026-12-20T09:00:00.000Z
-- Consent in both directions and erasure (issue 21).

-- BigCommerce subscriber id -> the email its record had: `store/subscriber/deleted` carries only the id, and
-- the deleted record can no longer be read, so the contact it belonged to is found here.
CREATE TABLE subscriber_emails (
  subscriber_id INTEGER PRIMARY KEY,
  email TEXT NOT NULL,
  updated_at INTEGER NOT NULL           -- unix ms
);
CREATE INDEX subscriber_emails_email ON subscriber_emails (email);

-- Contacts HubSpot reports as unsubscribed (hs_email_optout, or hs_email_optout_<id> of a type in
-- HUBSPOT_MARKETING_SUBSCRIPTION_TYPES), as of the last consent search. Also the work queue of the consent
-- job: rows not yet told to their contact (applied_at NULL) and, with CONSENT_WRITE_BACK=on, not yet written
-- back to BigCommerce (written_back_at NULL). A contact created later reads its row when it starts.
CREATE TABLE hubspot_consent (
  email TEXT PRIMARY KEY,               -- normalized
  hubspot_id TEXT NOT NULL,
  opted_out_all INTEGER NOT NULL,       -- 1: unsubscribed from all email
  types TEXT NOT NULL,                  -- JSON array of the configured subscription type ids opted out of
  opted_out_at TEXT,                    -- ISO-8601: the latest of those opt-outs (HubSpot's property history)
  applied_at INTEGER,                   -- unix ms: the contact was told
  written_back_at INTEGER,              -- unix ms: written back to BigCommerce (or nothing there to change)
  updated_at INTEGER NOT NULL
);
CREATE INDEX hubspot_consent_unapplied ON hubspot_consent (applied_at, updated_at);

-- Erased people: a keyed hash (HMAC-SHA256) of the normalized email, never the email. A backfill or a replay
-- of a record from before the erasure does not bring the person back; a new order or sign-up does.
CREATE TABLE erasure_tombstones (
  fingerprint TEXT PRIMARY KEY,         -- hex HMAC-SHA256 of the email
  key_id TEXT NOT NULL,                 -- which key made it (a short HMAC of a fixed label), to notice a key change
  erased_at TEXT NOT NULL               -- ISO-8601 UTC
);
