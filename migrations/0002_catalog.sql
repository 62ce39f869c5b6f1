-- Migration number: 0002 	 2026-11-26T08:00:00.000Z
-- A cache of the catalog facts order hydration needs: category and brand names, a product's first category,
-- and channels. Each row keeps when it was fetched; src/db/catalog.ts refetches it after its TTL.
-- found = 0 remembers that BigCommerce answered 404, so a deleted product is not asked for on every order.

CREATE TABLE catalog_categories (
  id INTEGER PRIMARY KEY,
  found INTEGER NOT NULL,
  name TEXT,
  fetched_at INTEGER NOT NULL          -- unix ms
);

CREATE TABLE catalog_brands (
  id INTEGER PRIMARY KEY,
  found INTEGER NOT NULL,
  name TEXT,
  fetched_at INTEGER NOT NULL
);

CREATE TABLE catalog_products (
  id INTEGER PRIMARY KEY,
  found INTEGER NOT NULL,
  first_category_id INTEGER,           -- the first of the product's categories, as BigCommerce lists them
  brand_id INTEGER,
  fetched_at INTEGER NOT NULL
);

CREATE TABLE catalog_channels (
  id INTEGER PRIMARY KEY,
  found INTEGER NOT NULL,
  name TEXT,
  type TEXT,                           -- pos, marketplace, storefront, marketing
  platform TEXT,
  fetched_at INTEGER NOT NULL
);
