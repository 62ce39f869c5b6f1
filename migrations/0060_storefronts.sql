-- Multi-Storefront (issue 22): channels as first-class data, and the storefront of orders, carts and hits.

-- The channel cache (0002) keeps each channel whole: its status, its site and its currencies. Filled by setup,
-- the daily channel sync, store/channel/* webhooks and order hydration (a channel not seen before).
ALTER TABLE catalog_channels ADD COLUMN status TEXT;
ALTER TABLE catalog_channels ADD COLUMN site_url TEXT;          -- the site's url as BigCommerce returns it
ALTER TABLE catalog_channels ADD COLUMN site_origins TEXT;      -- JSON array: origins of the site's url and urls
ALTER TABLE catalog_channels ADD COLUMN default_currency TEXT;
ALTER TABLE catalog_channels ADD COLUMN currencies TEXT;        -- JSON array of enabled currency codes

-- The BigCommerce channel of each order and cart (NULL for rows written before: the default storefront, 1).
ALTER TABLE orders ADD COLUMN channel_id INTEGER;
CREATE INDEX orders_channel_created ON orders (channel_id, created_at);
ALTER TABLE carts ADD COLUMN channel_id INTEGER;

-- The storefront a beacon hit came from (by its Origin); NULL when the origin is no known storefront's.
ALTER TABLE touches ADD COLUMN channel_id INTEGER;
