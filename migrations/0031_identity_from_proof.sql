-- Migration number: 0031 	 2027-01-10T09:10:00.000Z
-- Identity from proof only (issue 18). Before it, the beacon took a hit's `email` and `customerId` as true,
-- and anyone could assert them. Such links prove nothing, and the worker no longer writes or reads them:
-- only cart ids (unguessable, their email from BigCommerce) and customer ids from verified Current Customer
-- tokens identify a visitor. The asserted links go; the contacts they reached are queued for the attribution
-- rollup, which recomputes them from proven links only (clearing touch properties nothing proven supports).
INSERT INTO attribution_changes (kind, ref) SELECT 'email', value FROM beacon_identities WHERE kind = 'email';
INSERT INTO attribution_changes (kind, ref) SELECT 'customer', value FROM beacon_identities WHERE kind = 'customer';
DELETE FROM beacon_identities WHERE kind IN ('email', 'customer');
-- Visitor state kept the asserted identity to forward product views: gone too.
UPDATE beacon_visitors SET email = NULL, customer_id = NULL WHERE email IS NOT NULL OR customer_id IS NOT NULL;
