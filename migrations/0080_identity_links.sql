-- Migration number: 0080 	 2026-12-20T09:00:00.000Z
-- One person, many emails: what duplicate groups are measured by, and the emails linked as one person.

-- What makes two contacts one person: the normalized phone (E.164) and the name; and since when the contact
-- is known (its customer account, first order or cart), for the duplicate rate per month.
ALTER TABLE contacts ADD COLUMN phone TEXT;
ALTER TABLE contacts ADD COLUMN first_name TEXT;
ALTER TABLE contacts ADD COLUMN last_name TEXT;
ALTER TABLE contacts ADD COLUMN first_seen_at TEXT;
UPDATE contacts SET first_seen_at = strftime('%Y-%m-%dT%H:%M:%fZ', updated_at / 1000.0, 'unixepoch') WHERE first_seen_at IS NULL;
CREATE INDEX contacts_phone ON contacts (phone);

-- An email linked to another as one person: every event for it goes to the canonical email's contact.
-- Approved by an operator (`operator`) or by IDENTITY_AUTO_LINK (`auto_phone`). `hubspot_merge` tracks the HubSpot
-- contact merge: NULL (not asked: an auto-link), `pending`, `merged`, `already_merged`, `nothing_to_merge`, `failed`.
CREATE TABLE identity_links (
  email TEXT PRIMARY KEY,
  canonical_email TEXT NOT NULL,
  reason TEXT NOT NULL CHECK (reason IN ('operator', 'auto_phone')),
  group_id TEXT,
  linked_at INTEGER NOT NULL,
  hubspot_merge TEXT,
  hubspot_merge_error TEXT,
  hubspot_merged_at INTEGER
);
CREATE INDEX identity_links_canonical ON identity_links (canonical_email);
