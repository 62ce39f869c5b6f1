-- Migration number: 0003 	 2026-11-26T09:00:00.000Z
-- Storefront beacon and attribution: visitors, touches, the identity graph, the change stream the rollup
-- reads, and the rollup's results.

-- One row per anonymous visitor: what the beacon route needs to tell a new session or new campaign from a
-- page view, without storing page views.
CREATE TABLE beacon_visitors (
  anonymous_id TEXT PRIMARY KEY,
  last_seen_at INTEGER NOT NULL,        -- unix ms, refreshed at most every SESSION_TIMEOUT / 10
  campaign_fingerprint TEXT,            -- the current session's campaign information, null when direct
  cart_id TEXT,
  customer_id INTEGER,
  email TEXT
);

-- Touches: the first hit of a session, or a hit bringing new campaign information. Already classified;
-- the classification inputs (source, medium, UTM fields, click id name, referrer host) are kept so the rules
-- can be re-run. Full URLs are not kept: their query strings may hold personal data.
CREATE TABLE touches (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  anonymous_id TEXT NOT NULL,
  occurred_at INTEGER NOT NULL,         -- unix ms
  channel TEXT NOT NULL,
  source TEXT,
  medium TEXT,
  campaign TEXT,
  term TEXT,
  content TEXT,
  click_id TEXT,                        -- the click id parameter's name (gclid, ...), never its value
  referrer_host TEXT,
  landing_page TEXT,                    -- origin and path, no query
  reason TEXT NOT NULL CHECK (reason IN ('session', 'campaign')),
  received_at INTEGER NOT NULL
);
CREATE INDEX touches_visitor ON touches (anonymous_id, occurred_at);

-- The identity graph's beacon edges: anonymous id -> cart id, customer id or normalized email. The other
-- edges are in 0001: carts.order_id, orders.cart_id, orders.email, customer_emails.
CREATE TABLE beacon_identities (
  anonymous_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('cart', 'customer', 'email')),
  value TEXT NOT NULL,
  first_seen_at INTEGER NOT NULL,
  PRIMARY KEY (anonymous_id, kind, value)
) WITHOUT ROWID;
CREATE INDEX beacon_identities_value ON beacon_identities (kind, value);

-- The change stream: every write that can change someone's attribution appends what it touched. The
-- rollup reads it in order and deletes what it has processed, so its cost follows new events, not history.
CREATE TABLE attribution_changes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL CHECK (kind IN ('anon', 'order', 'cart', 'customer', 'email')),
  ref TEXT NOT NULL
);

CREATE TRIGGER attribution_touch AFTER INSERT ON touches
BEGIN
  INSERT INTO attribution_changes (kind, ref) VALUES ('anon', NEW.anonymous_id);
END;

CREATE TRIGGER attribution_identity AFTER INSERT ON beacon_identities
BEGIN
  INSERT INTO attribution_changes (kind, ref) VALUES ('anon', NEW.anonymous_id);
END;

CREATE TRIGGER attribution_order_new AFTER INSERT ON orders
BEGIN
  INSERT INTO attribution_changes (kind, ref) VALUES ('order', CAST(NEW.order_id AS TEXT));
END;

CREATE TRIGGER attribution_order_changed AFTER UPDATE OF email, cart_id, customer_id, created_at ON orders
WHEN OLD.email IS NOT NEW.email OR OLD.cart_id IS NOT NEW.cart_id OR OLD.customer_id IS NOT NEW.customer_id
  OR OLD.created_at IS NOT NEW.created_at
BEGIN
  INSERT INTO attribution_changes (kind, ref) VALUES ('order', CAST(NEW.order_id AS TEXT));
  INSERT INTO attribution_changes (kind, ref) SELECT 'email', OLD.email WHERE OLD.email IS NOT NEW.email;
END;

CREATE TRIGGER attribution_cart_new AFTER INSERT ON carts
BEGIN
  INSERT INTO attribution_changes (kind, ref) VALUES ('cart', NEW.cart_id);
END;

CREATE TRIGGER attribution_cart_changed AFTER UPDATE OF email, order_id, customer_id ON carts
WHEN OLD.email IS NOT NEW.email OR OLD.order_id IS NOT NEW.order_id OR OLD.customer_id IS NOT NEW.customer_id
BEGIN
  INSERT INTO attribution_changes (kind, ref) VALUES ('cart', NEW.cart_id);
END;

CREATE TRIGGER attribution_customer_new AFTER INSERT ON customer_emails
BEGIN
  INSERT INTO attribution_changes (kind, ref) VALUES ('customer', CAST(NEW.customer_id AS TEXT));
END;

CREATE TRIGGER attribution_customer_changed AFTER UPDATE OF email ON customer_emails
WHEN OLD.email IS NOT NEW.email
BEGIN
  INSERT INTO attribution_changes (kind, ref) VALUES ('customer', CAST(NEW.customer_id AS TEXT));
  INSERT INTO attribution_changes (kind, ref) VALUES ('email', OLD.email);
END;

-- The rollup walks the identity graph from an email; these make the edges of 0001 walkable that way.
CREATE INDEX IF NOT EXISTS customer_emails_email ON customer_emails (email);
CREATE INDEX IF NOT EXISTS carts_order ON carts (order_id);

-- Per contact: the first touch and the last touch before the latest order, as last written to HubSpot.
CREATE TABLE contact_touches (
  email TEXT PRIMARY KEY,
  first_touch_id INTEGER,
  first_channel TEXT,
  first_source TEXT,
  first_medium TEXT,
  first_campaign TEXT,
  first_at TEXT,
  last_touch_id INTEGER,
  last_channel TEXT,
  last_source TEXT,
  last_medium TEXT,
  last_campaign TEXT,
  last_at TEXT,
  updated_at INTEGER NOT NULL
);

-- Per order: the credited touch (last non-direct within ATTRIBUTION_LOOKBACK, `direct`, or `unassigned`),
-- and the buyer's first and last touch before it, for the report's first- and last-touch views.
CREATE TABLE order_attribution (
  order_id INTEGER PRIMARY KEY,
  email TEXT NOT NULL,
  channel TEXT NOT NULL,
  source TEXT,
  medium TEXT,
  campaign TEXT,
  touch_id INTEGER,
  touch_at TEXT,
  first_channel TEXT NOT NULL,
  first_source TEXT,
  first_medium TEXT,
  first_campaign TEXT,
  last_channel TEXT NOT NULL,
  last_source TEXT,
  last_medium TEXT,
  last_campaign TEXT,
  updated_at INTEGER NOT NULL
);
CREATE INDEX order_attribution_email ON order_attribution (email);
