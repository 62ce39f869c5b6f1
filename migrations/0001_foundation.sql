-- Migration number: 0001 	 2026-11-26T07:00:00.000Z
-- The webhook inbox, dead letters, and the cross-contact indexes that cron jobs and reports read.

-- Every accepted webhook delivery, keyed by its durable idempotency key (webhook-id, or scope + hash + created_at).
CREATE TABLE webhook_events (
  id TEXT PRIMARY KEY,
  scope TEXT NOT NULL,
  resource_type TEXT NOT NULL,
  resource_id TEXT,
  payload TEXT NOT NULL,
  event_created_at INTEGER,            -- unix seconds from the envelope, when present
  received_at INTEGER NOT NULL,        -- unix ms
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'ignored', 'dead')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,    -- unix ms; the retry sweep picks pending rows due by now
  last_error TEXT,
  processed_at INTEGER
);
CREATE INDEX webhook_events_due ON webhook_events (status, next_attempt_at);
CREATE INDEX webhook_events_received ON webhook_events (received_at);

-- Work that failed too often: webhook events and HubSpot records, with the last error, until replayed.
CREATE TABLE dead_letters (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  source TEXT NOT NULL CHECK (source IN ('webhook', 'hubspot')),
  reference TEXT NOT NULL,             -- webhook event id, or "<objectType>:<key>"
  payload TEXT NOT NULL,
  error TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  replayed_at INTEGER
);
CREATE INDEX dead_letters_open ON dead_letters (replayed_at, created_at);

-- One row per contact (normalized email): the figures cron jobs rank and reports read.
CREATE TABLE contacts (
  email TEXT PRIMARY KEY,
  customer_id INTEGER,
  paid_order_count INTEGER NOT NULL DEFAULT 0,
  lifetime_value TEXT NOT NULL DEFAULT '0',   -- decimal, store base currency
  lifetime_value_sort REAL NOT NULL DEFAULT 0, -- the same, for ORDER BY only
  customer_status TEXT NOT NULL DEFAULT 'prospect',
  value_tier TEXT,
  first_order_at TEXT,
  last_order_at TEXT,
  updated_at INTEGER NOT NULL
);
CREATE INDEX contacts_customer ON contacts (customer_id);
CREATE INDEX contacts_ltv ON contacts (paid_order_count, lifetime_value_sort DESC);

-- BigCommerce customer id -> the email its contact is keyed by.
CREATE TABLE customer_emails (
  customer_id INTEGER PRIMARY KEY,
  email TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);

-- Carts, so that events carrying only a cart id reach the right contact, and carts wait for an email.
CREATE TABLE carts (
  cart_id TEXT PRIMARY KEY,
  email TEXT,
  customer_id INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL DEFAULT 'open',
  order_id INTEGER,
  updated_at TEXT NOT NULL
);
CREATE INDEX carts_email ON carts (email);

-- Orders as last hydrated, for reconciliation, attribution and data-quality reports.
CREATE TABLE orders (
  order_id INTEGER PRIMARY KEY,
  email TEXT NOT NULL,
  customer_id INTEGER NOT NULL,
  status_id INTEGER NOT NULL,
  counts_as_paid INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  modified_at TEXT NOT NULL,
  currency TEXT NOT NULL,
  total_inc_tax TEXT NOT NULL,
  refunded TEXT NOT NULL,
  net_revenue TEXT NOT NULL,            -- order currency
  net_revenue_base TEXT NOT NULL,       -- store base currency
  channel TEXT NOT NULL,
  cart_id TEXT,
  event_created_at INTEGER,             -- earliest webhook created_at seen for it (unix s), for latency
  synced_at INTEGER                     -- when its HubSpot write was accepted (unix ms)
);
CREATE INDEX orders_email ON orders (email);
CREATE INDEX orders_created ON orders (created_at);
CREATE INDEX orders_cart ON orders (cart_id);

-- Every trigger decision (fired, deferred, suppressed, cancelled) with its reason.
CREATE TABLE trigger_decisions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  email TEXT NOT NULL,
  trigger TEXT NOT NULL,
  trigger_key TEXT NOT NULL,            -- what makes it once-only, e.g. "order_placed:250"
  decision TEXT NOT NULL CHECK (decision IN ('fired', 'deferred', 'suppressed', 'cancelled')),
  reason TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX trigger_decisions_email ON trigger_decisions (email, id);

-- Small named values: cron cursors and the like.
CREATE TABLE sync_state (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);
