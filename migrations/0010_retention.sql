-- Migration number: 0010 	 2026-12-10T09:00:00.000Z
-- Retention of every growing table (issue 10).

-- The order's last touch before it (any channel), by id: retention keeps the touches results point at, so a
-- later recompute of an old order finds the same first, last and credited touches.
ALTER TABLE order_attribution ADD COLUMN last_touch_id INTEGER;

-- Retention asks "does any result point at this touch?" once per candidate: these make it an index lookup.
CREATE INDEX order_attribution_touch ON order_attribution (touch_id);
CREATE INDEX order_attribution_last_touch ON order_attribution (last_touch_id);
CREATE INDEX contact_touches_first ON contact_touches (first_touch_id);
CREATE INDEX contact_touches_last ON contact_touches (last_touch_id);

-- Visitors not seen for the lookback plus a margin are forgotten (their state only tells sessions apart).
CREATE INDEX beacon_visitors_seen ON beacon_visitors (last_seen_at);

-- Orders attributed before last_touch_id existed are recomputed by the next rollups (their HubSpot values do
-- not change, so nothing is written there). Until the rollup is past these changes, retention leaves the
-- touches of identified visitors alone: it reads this watermark from sync_state.
INSERT INTO attribution_changes (kind, ref) SELECT 'order', CAST(order_id AS TEXT) FROM order_attribution;
INSERT INTO sync_state (key, value, updated_at)
  SELECT 'retention:linked_touches_after_seq', CAST(COALESCE(MAX(seq), 0) AS TEXT), 0 FROM attribution_changes
  WHERE true
ON CONFLICT (key) DO UPDATE SET value = excluded.value;
