-- B2B Edition companies (BIGCOMMERCE_B2B=on): what each HubSpot company is built from, who its buyers are, and
-- which of their orders were already associated with it. Figures come from the orders table at sync time.

CREATE TABLE b2b_companies (
  company_id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  status TEXT NOT NULL,                -- pending, approved, rejected, inactive, deleted
  data TEXT NOT NULL,                  -- the canonical company (src/domain/companies.ts) as JSON
  updated_at TEXT,                     -- B2B Edition's updatedAt: the reconciliation re-reads a company when it moves
  seen_at INTEGER NOT NULL,            -- last read from B2B Edition (webhook or the daily reconciliation)
  refreshed_at INTEGER,                -- last read of its users and address book; NULL: to be read
  -- What HubSpot was last given: the figures (as written) and a fingerprint of the whole record.
  order_count INTEGER NOT NULL DEFAULT 0,
  lifetime_value TEXT NOT NULL DEFAULT '0',
  first_order_at TEXT,
  last_order_at TEXT,
  synced_fingerprint TEXT,
  synced_at INTEGER
);

CREATE INDEX b2b_companies_name ON b2b_companies (name);

CREATE TABLE b2b_company_users (
  user_id INTEGER PRIMARY KEY,
  company_id INTEGER NOT NULL,
  customer_id INTEGER,                 -- the BigCommerce customer: their orders carry it
  email TEXT NOT NULL,                 -- normalized: the HubSpot contact's key
  seen_at INTEGER NOT NULL
);

CREATE INDEX b2b_company_users_company ON b2b_company_users (company_id);
CREATE INDEX b2b_company_users_customer ON b2b_company_users (customer_id);
CREATE INDEX b2b_company_users_email ON b2b_company_users (email);

-- Orders handed to the HubSpot writer as associated with a company (each is associated once).
CREATE TABLE b2b_company_orders (
  order_id INTEGER PRIMARY KEY,
  company_id INTEGER NOT NULL,
  associated_at INTEGER NOT NULL
);

CREATE INDEX b2b_company_orders_company ON b2b_company_orders (company_id);

-- A company's orders are found by its users' customer ids.
CREATE INDEX orders_customer ON orders (customer_id);
