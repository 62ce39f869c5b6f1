import { integer, primaryKey, real, sqliteTable, text } from 'drizzle-orm/sqlite-core'

/**
 * Every D1 table, declared once. The migrations in migrations/ are the source of truth: this mirrors their final
 * shape, and test/db/schema.test.ts fails when a table or column here differs from what they create. Each table
 * is read and written by one db/ module (named in ARCHITECTURE.md); `Database` (db/database.ts) gives kysely the
 * same tables.
 */

export const webhookEvents = sqliteTable('webhook_events', {
  id: text('id').primaryKey(),
  scope: text('scope').notNull(),
  resourceType: text('resource_type').notNull(),
  resourceId: text('resource_id'),
  payload: text('payload').notNull(),
  eventCreatedAt: integer('event_created_at'),
  receivedAt: integer('received_at').notNull(),
  status: text('status', { enum: ['pending', 'done', 'ignored', 'dead'] }).notNull().default('pending'),
  attempts: integer('attempts').notNull().default(0),
  nextAttemptAt: integer('next_attempt_at').notNull(),
  lastError: text('last_error'),
  processedAt: integer('processed_at'),
  startedAt: integer('started_at'),
  /** When the sweep last handed it to the webhook queue (migration 0040). */
  queuedAt: integer('queued_at'),
})

export const deadLetters = sqliteTable('dead_letters', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  source: text('source', { enum: ['webhook', 'hubspot'] }).notNull(),
  reference: text('reference').notNull(),
  payload: text('payload').notNull(),
  error: text('error').notNull(),
  attempts: integer('attempts').notNull(),
  createdAt: integer('created_at').notNull(),
  replayedAt: integer('replayed_at'),
})

export const contacts = sqliteTable('contacts', {
  email: text('email').primaryKey(),
  customerId: integer('customer_id'),
  paidOrderCount: integer('paid_order_count').notNull().default(0),
  lifetimeValue: text('lifetime_value').notNull().default('0'),
  lifetimeValueSort: real('lifetime_value_sort').notNull().default(0),
  customerStatus: text('customer_status').notNull().default('prospect'),
  valueTier: text('value_tier'),
  firstOrderAt: text('first_order_at'),
  lastOrderAt: text('last_order_at'),
  /** The first of the contact's category affinity (migration 0013), for the store's top categories. */
  topCategory: text('top_category'),
  updatedAt: integer('updated_at').notNull(),
  /** The contact's next wake time, epoch ms (migration 0045): what the minute sweep looks for when overdue. */
  nextWakeAt: integer('next_wake_at'),
  /** The last publication of the contact D1 applied (migration 0045). */
  publicationId: text('publication_id'),
  /** E.164 when it parsed, and the name: what duplicate groups and IDENTITY_AUTO_LINK compare (migration 0080). */
  phone: text('phone'),
  firstName: text('first_name'),
  lastName: text('last_name'),
  /** Since when the contact is known (its account, first order or cart), for the duplicate rate per month. */
  firstSeenAt: text('first_seen_at'),
})

/** An email linked to another as one person (migrations/0080_identity_links.sql). */
export const identityLinks = sqliteTable('identity_links', {
  email: text('email').primaryKey(),
  canonicalEmail: text('canonical_email').notNull(),
  reason: text('reason', { enum: ['operator', 'auto_phone'] }).notNull(),
  groupId: text('group_id'),
  linkedAt: integer('linked_at').notNull(),
  hubspotMerge: text('hubspot_merge', { enum: ['pending', 'merged', 'already_merged', 'nothing_to_merge', 'failed'] }),
  hubspotMergeError: text('hubspot_merge_error'),
  hubspotMergedAt: integer('hubspot_merged_at'),
})

export const customerEmails = sqliteTable('customer_emails', {
  customerId: integer('customer_id').primaryKey(),
  email: text('email').notNull(),
  updatedAt: integer('updated_at').notNull(),
})

/** BigCommerce subscriber id -> its email (migrations/0050): `store/subscriber/deleted` carries only the id. */
export const subscriberEmails = sqliteTable('subscriber_emails', {
  subscriberId: integer('subscriber_id').primaryKey(),
  email: text('email').notNull(),
  updatedAt: integer('updated_at').notNull(),
})

export const carts = sqliteTable('carts', {
  cartId: text('cart_id').primaryKey(),
  email: text('email'),
  customerId: integer('customer_id').notNull().default(0),
  status: text('status').notNull().default('open'),
  orderId: integer('order_id'),
  updatedAt: text('updated_at').notNull(),
  /** The cart's BigCommerce channel (migration 0060). */
  channelId: integer('channel_id'),
})

export const orders = sqliteTable('orders', {
  orderId: integer('order_id').primaryKey(),
  email: text('email').notNull(),
  customerId: integer('customer_id').notNull(),
  statusId: integer('status_id').notNull(),
  countsAsPaid: integer('counts_as_paid', { mode: 'boolean' }).notNull(),
  createdAt: text('created_at').notNull(),
  modifiedAt: text('modified_at').notNull(),
  currency: text('currency').notNull(),
  baseCurrency: text('base_currency'),
  totalIncTax: text('total_inc_tax').notNull(),
  refunded: text('refunded').notNull(),
  netRevenue: text('net_revenue').notNull(),
  netRevenueBase: text('net_revenue_base').notNull(),
  channel: text('channel').notNull(),
  /** The BigCommerce channel (migration 0060); null on rows written before it: the default storefront. */
  channelId: integer('channel_id'),
  cartId: text('cart_id'),
  eventCreatedAt: integer('event_created_at'),
  syncedAt: integer('synced_at'),
})

export const triggerDecisions = sqliteTable('trigger_decisions', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  email: text('email').notNull(),
  trigger: text('trigger').notNull(),
  triggerKey: text('trigger_key').notNull(),
  decision: text('decision', { enum: ['fired', 'deferred', 'suppressed', 'cancelled'] }).notNull(),
  reason: text('reason').notNull(),
  at: text('at').notNull(),
})

/** Circuit breakers per API (migration 0040). */
export const apiPauses = sqliteTable('api_pauses', {
  api: text('api', { enum: ['bigcommerce', 'hubspot'] }).primaryKey(),
  paused: integer('paused', { mode: 'boolean' }).notNull().default(false),
  cause: text('cause', { enum: ['auth', 'outage'] }),
  status: integer('status'),
  detail: text('detail'),
  probePath: text('probe_path'),
  since: integer('since'),
  nextProbeAt: integer('next_probe_at'),
  lastProbeAt: integer('last_probe_at'),
  lastProbeResult: text('last_probe_result'),
  resumedAt: integer('resumed_at'),
  resumedBy: text('resumed_by'),
  updatedAt: integer('updated_at').notNull(),
})

export const syncState = sqliteTable('sync_state', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: integer('updated_at').notNull(),
})

/** B2B Edition companies, their users and associated orders (migrations/0065); db/companies.ts. */
export const b2bCompanies = sqliteTable('b2b_companies', {
  companyId: integer('company_id').primaryKey(),
  name: text('name').notNull(),
  status: text('status').notNull(),
  data: text('data').notNull(),
  updatedAt: text('updated_at'),
  seenAt: integer('seen_at').notNull(),
  refreshedAt: integer('refreshed_at'),
  orderCount: integer('order_count').notNull().default(0),
  lifetimeValue: text('lifetime_value').notNull().default('0'),
  firstOrderAt: text('first_order_at'),
  lastOrderAt: text('last_order_at'),
  syncedFingerprint: text('synced_fingerprint'),
  syncedAt: integer('synced_at'),
})

export const b2bCompanyUsers = sqliteTable('b2b_company_users', {
  userId: integer('user_id').primaryKey(),
  companyId: integer('company_id').notNull(),
  customerId: integer('customer_id'),
  email: text('email').notNull(),
  seenAt: integer('seen_at').notNull(),
})

export const b2bCompanyOrders = sqliteTable('b2b_company_orders', {
  orderId: integer('order_id').primaryKey(),
  companyId: integer('company_id').notNull(),
  associatedAt: integer('associated_at').notNull(),
})

/** Drizzle mirror of the admin_auth_blocks table (migrations/0030_admin_sessions.sql). */
export const adminAuthBlocks = sqliteTable('admin_auth_blocks', {
  client: text('client').primaryKey(),
  blockedUntil: integer('blocked_until').notNull(),
})

/** Drizzle mirror of the admin_sessions table (migrations/0030_admin_sessions.sql). */
export const adminSessions = sqliteTable('admin_sessions', {
  id: text('id').primaryKey(),
  role: text('role', { enum: ['viewer', 'operator', 'admin'] }).notNull(),
  tokenFingerprint: text('token_fingerprint').notNull(),
  createdAt: integer('created_at').notNull(),
  lastUsedAt: integer('last_used_at').notNull(),
  expiresAt: integer('expires_at').notNull(),
  revokedAt: integer('revoked_at'),
  revokedBy: text('revoked_by'),
  userAgent: text('user_agent'),
})

/** Drizzle mirror of the audit_log table (migrations/0004_operations.sql). */
export const auditLog = sqliteTable('audit_log', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  at: text('at').notNull(),
  actorRole: text('actor_role', { enum: ['viewer', 'operator', 'admin'] }).notNull(),
  actorFingerprint: text('actor_fingerprint').notNull(),
  action: text('action').notNull(),
  target: text('target'),
  outcome: text('outcome', { enum: ['ok', 'failed'] }).notNull(),
  before: text('before'),
  after: text('after'),
})

/** The catalog cache order hydration reads (migrations/0002); db/catalog.ts. */
export const catalogCategories = sqliteTable('catalog_categories', {
  id: integer('id').primaryKey(),
  found: integer('found', { mode: 'boolean' }).notNull(),
  name: text('name'),
  fetchedAt: integer('fetched_at').notNull(),
})

export const catalogBrands = sqliteTable('catalog_brands', {
  id: integer('id').primaryKey(),
  found: integer('found', { mode: 'boolean' }).notNull(),
  name: text('name'),
  fetchedAt: integer('fetched_at').notNull(),
})

export const catalogProducts = sqliteTable('catalog_products', {
  id: integer('id').primaryKey(),
  found: integer('found', { mode: 'boolean' }).notNull(),
  firstCategoryId: integer('first_category_id'),
  brandId: integer('brand_id'),
  fetchedAt: integer('fetched_at').notNull(),
})

/** HubSpot's unsubscribes as the consent job last read them (migrations/0050); db/consent.ts. */
export const hubspotConsent = sqliteTable('hubspot_consent', {
  email: text('email').primaryKey(),
  hubspotId: text('hubspot_id').notNull(),
  allEmail: integer('opted_out_all', { mode: 'boolean' }).notNull(),
  types: text('types').notNull(),
  optedOutAt: text('opted_out_at'),
  appliedAt: integer('applied_at'),
  writtenBackAt: integer('written_back_at'),
  updatedAt: integer('updated_at').notNull(),
})

/** Who was erased, as a keyed fingerprint only (migrations/0050); db/erasure.ts. */
export const erasureTombstones = sqliteTable('erasure_tombstones', {
  fingerprint: text('fingerprint').primaryKey(),
  keyId: text('key_id').notNull(),
  erasedAt: text('erased_at').notNull(),
})

/** Drizzle mirror of config_overrides (migrations/0004_operations.sql): one JSON value per key. */
export const configOverrides = sqliteTable('config_overrides', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: integer('updated_at').notNull(),
  updatedBy: text('updated_by').notNull(),
})

/** Drizzle mirror of reconciliation_runs (migrations/0004_operations.sql). */
export const reconciliationRuns = sqliteTable('reconciliation_runs', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  rangeFrom: text('range_from').notNull(),
  rangeTo: text('range_to').notNull(),
  ranAt: integer('ran_at').notNull(),
  result: text('result').notNull(),
})

/** Drizzle mirror of shadow_decisions (migrations/0011_failsafes_and_rollout.sql). */
export const shadowDecisions = sqliteTable('shadow_decisions', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  email: text('email').notNull(),
  trigger: text('trigger').notNull(),
  family: text('family').notNull(),
  triggerKey: text('trigger_key').notNull(),
  outcome: text('outcome', { enum: ['fired', 'deferred', 'suppressed', 'cancelled'] }).notNull(),
  reason: text('reason').notNull(),
  wouldWrite: text('would_write'),
  at: text('at').notNull(),
})

/** The store's channels (migrations 0002 and 0060); db/storefronts.ts. */
export const catalogChannels = sqliteTable('catalog_channels', {
  id: integer('id').primaryKey(),
  found: integer('found', { mode: 'boolean' }).notNull(),
  name: text('name'),
  type: text('type'),
  platform: text('platform'),
  fetchedAt: integer('fetched_at').notNull(),
  status: text('status'),
  siteUrl: text('site_url'),
  /** JSON array of origins. */
  siteOrigins: text('site_origins'),
  defaultCurrency: text('default_currency'),
  /** JSON array of currency codes. */
  currencies: text('currencies'),
})

/** Open escalated tickets by contact (migrations/0011); db/support-escalations.ts. */
export const supportEscalations = sqliteTable(
  'support_escalations',
  {
    email: text('email').notNull(),
    ticketId: text('ticket_id').notNull(),
    priority: text('priority').notNull(),
    subject: text('subject'),
    stage: text('stage'),
  },
  (t) => [primaryKey({ columns: [t.email, t.ticketId] })],
)

/** Beacon visitors by anonymous id (migrations/0003); db/touches.ts. */
export const beaconVisitors = sqliteTable('beacon_visitors', {
  anonymousId: text('anonymous_id').primaryKey(),
  lastSeenAt: integer('last_seen_at').notNull(),
  campaignFingerprint: text('campaign_fingerprint'),
  cartId: text('cart_id'),
  customerId: integer('customer_id'),
  email: text('email'),
})

/** Beacon touches: one per session or campaign change (migrations 0003 and 0060); db/touches.ts. */
export const touches = sqliteTable('touches', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  anonymousId: text('anonymous_id').notNull(),
  occurredAt: integer('occurred_at').notNull(),
  channel: text('channel').notNull(),
  source: text('source'),
  medium: text('medium'),
  campaign: text('campaign'),
  term: text('term'),
  content: text('content'),
  clickId: text('click_id'),
  referrerHost: text('referrer_host'),
  landingPage: text('landing_page'),
  reason: text('reason', { enum: ['session', 'campaign'] }).notNull(),
  receivedAt: integer('received_at').notNull(),
  channelId: integer('channel_id'),
})

/** The identity graph: which carts, customers and emails a visitor was seen with (migrations/0003). */
export const beaconIdentities = sqliteTable(
  'beacon_identities',
  {
    anonymousId: text('anonymous_id').notNull(),
    kind: text('kind', { enum: ['cart', 'customer', 'email'] }).notNull(),
    value: text('value').notNull(),
    firstSeenAt: integer('first_seen_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.anonymousId, t.kind, t.value] })],
)

/** The attribution change stream the rollup reads from its cursor (migrations/0003). */
export const attributionChanges = sqliteTable('attribution_changes', {
  seq: integer('seq').primaryKey({ autoIncrement: true }),
  kind: text('kind', { enum: ['anon', 'order', 'cart', 'customer', 'email'] }).notNull(),
  ref: text('ref').notNull(),
})

/** The rollup's first and last touch per contact (migrations/0003). */
export const contactTouches = sqliteTable('contact_touches', {
  email: text('email').primaryKey(),
  firstTouchId: integer('first_touch_id'),
  firstChannel: text('first_channel'),
  firstSource: text('first_source'),
  firstMedium: text('first_medium'),
  firstCampaign: text('first_campaign'),
  firstAt: text('first_at'),
  lastTouchId: integer('last_touch_id'),
  lastChannel: text('last_channel'),
  lastSource: text('last_source'),
  lastMedium: text('last_medium'),
  lastCampaign: text('last_campaign'),
  lastAt: text('last_at'),
  updatedAt: integer('updated_at').notNull(),
})

/** The rollup's credit per order (migrations 0003 and 0010). */
export const orderAttribution = sqliteTable('order_attribution', {
  orderId: integer('order_id').primaryKey(),
  email: text('email').notNull(),
  channel: text('channel').notNull(),
  source: text('source'),
  medium: text('medium'),
  campaign: text('campaign'),
  touchId: integer('touch_id'),
  touchAt: text('touch_at'),
  firstChannel: text('first_channel').notNull(),
  firstSource: text('first_source'),
  firstMedium: text('first_medium'),
  firstCampaign: text('first_campaign'),
  lastChannel: text('last_channel').notNull(),
  lastSource: text('last_source'),
  lastMedium: text('last_medium'),
  lastCampaign: text('last_campaign'),
  updatedAt: integer('updated_at').notNull(),
  lastTouchId: integer('last_touch_id'),
})

/** Open carts' values, for the high-value cart threshold (migrations/0006); db/cart-values.ts. */
export const cartValues = sqliteTable('cart_values', {
  cartId: text('cart_id').primaryKey(),
  currency: text('currency').notNull(),
  /** Decimal, in the cart's currency. */
  amount: text('amount').notNull(),
  /** The same, for ORDER BY only. */
  amountSort: real('amount_sort').notNull(),
  updatedAt: integer('updated_at').notNull(),
})

/** Backfill jobs (migrations 0005 and 0070); db/backfill-jobs.ts. */
export const backfillJobs = sqliteTable('backfill_jobs', {
  id: text('id').primaryKey(),
  state: text('state', { enum: ['running', 'done', 'failed'] }).notNull(),
  since: text('since'),
  phase: text('phase').notNull(),
  cursor: text('cursor'),
  progress: text('progress').notNull(),
  counted: integer('counted').notNull().default(0),
  skipped: integer('skipped').notNull().default(0),
  failures: integer('failures').notNull().default(0),
  lastError: text('last_error'),
  leaseOwner: text('lease_owner'),
  leaseUntil: integer('lease_until'),
  startedAt: integer('started_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
  finishedAt: integer('finished_at'),
  stepToken: text('step_token'),
  stepDueAt: integer('step_due_at'),
})

/** A backfill phase's records read from BigCommerce, waiting to be applied (migrations/0070); db/backfill-staging.ts. */
export const backfillStaged = sqliteTable(
  'backfill_staged',
  {
    jobId: text('job_id').notNull(),
    seq: integer('seq').notNull(),
    record: text('record').notNull(),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.seq] })],
)
