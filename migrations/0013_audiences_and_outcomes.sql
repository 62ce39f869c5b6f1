-- Audiences and outcomes (issue 12).
-- The newest category a contact bought (the first of bc_category_affinity): setup ranks the store's top
-- categories by how many buyers have them, for one HubSpot list each.
ALTER TABLE contacts ADD COLUMN top_category TEXT;
CREATE INDEX contacts_top_category ON contacts (top_category);

-- Outcomes read decisions by trigger and time, then the contact's orders after each.
CREATE INDEX trigger_decisions_trigger_at ON trigger_decisions (trigger, at);

-- The store's base currency on each order, so reports state money in its minor units (JPY has none).
ALTER TABLE orders ADD COLUMN base_currency TEXT;
