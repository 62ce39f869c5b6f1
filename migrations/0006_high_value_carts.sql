-- Migration number: 0006 	 2026-11-26T12:00:00.000Z
-- Cart values, for the HIGH_VALUE_CART_PERCENTILE threshold: one row per synced cart with items, its latest
-- value in its own currency. An hourly job ranks them per currency and keeps the threshold in `sync_state`.

CREATE TABLE cart_values (
  cart_id TEXT PRIMARY KEY,
  currency TEXT NOT NULL,
  amount TEXT NOT NULL,                 -- decimal, the cart's currency
  amount_sort REAL NOT NULL,            -- the same, for ORDER BY only
  updated_at INTEGER NOT NULL           -- unix ms
);
-- Counting per currency and reading the value at a rank both walk this index only.
CREATE INDEX cart_values_rank ON cart_values (currency, amount_sort);
