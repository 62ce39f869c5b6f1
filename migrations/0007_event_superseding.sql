-- Migration number: 0007 	 2026-11-26T08:00:00.000Z
-- When each attempt started, so an event whose resource was re-fetched after it arrived can be skipped:
-- that later fetch already saw its change (spares BigCommerce's shared quota after outages and bursts).
ALTER TABLE webhook_events ADD COLUMN started_at INTEGER;
CREATE INDEX webhook_events_resource ON webhook_events (resource_type, resource_id, started_at);
