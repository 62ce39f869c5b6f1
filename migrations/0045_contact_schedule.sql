-- Scheduled work in D1: each contact's next wake time (its Durable Object's alarm, mirrored on every change),
-- so the minute cron wakes a contact whose alarm is overdue; and the last publication D1 applied for it, so a
-- publish retried after a failure adds no trigger decision twice.
ALTER TABLE contacts ADD COLUMN next_wake_at INTEGER;   -- epoch ms; NULL when nothing is scheduled
ALTER TABLE contacts ADD COLUMN publication_id TEXT;
CREATE INDEX contacts_next_wake ON contacts (next_wake_at) WHERE next_wake_at IS NOT NULL;
