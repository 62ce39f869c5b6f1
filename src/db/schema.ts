import { integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core'

/** Drizzle mirror of migrations/0001_foundation.sql. The migration is the source of truth. */

export const webhookEvents = sqliteTable('webhook_events', {
  id: text('id').primaryKey(),
  scope: text('scope').notNull(),
  resourceType: text('resource_type').notNull(),
  resourceId: text('resource_id'),
  payload: text('payload').notNull(),
  eventCreatedAt: integer('event_created_at'),
  receivedAt: integer('received_at').notNull(),
  status: text('status', { enum: ['pending', 'done', 'ignored', 'dead'] }).notNull(),
  attempts: integer('attempts').notNull(),
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
  paidOrderCount: integer('paid_order_count').notNull(),
  lifetimeValue: text('lifetime_value').notNull(),
  lifetimeValueSort: real('lifetime_value_sort').notNull(),
  customerStatus: text('customer_status').notNull(),
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
  customerId: integer('customer_id').notNull(),
  status: text('status').notNull(),
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
  paused: integer('paused', { mode: 'boolean' }).notNull(),
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

/** Drizzle mirror of migrations/0065_b2b_companies.sql: B2B Edition companies, their users, associated orders. */
/** @public The schema's declaration of the table (db/companies.ts queries it in SQL). */
export const b2bCompanies = sqliteTable('b2b_companies', {
  companyId: integer('company_id').primaryKey(),
  name: text('name').notNull(),
  status: text('status').notNull(),
  data: text('data').notNull(),
  updatedAt: text('updated_at'),
  seenAt: integer('seen_at').notNull(),
  refreshedAt: integer('refreshed_at'),
  orderCount: integer('order_count').notNull(),
  lifetimeValue: text('lifetime_value').notNull(),
  firstOrderAt: text('first_order_at'),
  lastOrderAt: text('last_order_at'),
  syncedFingerprint: text('synced_fingerprint'),
  syncedAt: integer('synced_at'),
})

/** @public The schema's declaration of the table (db/companies.ts queries it in SQL). */
export const b2bCompanyUsers = sqliteTable('b2b_company_users', {
  userId: integer('user_id').primaryKey(),
  companyId: integer('company_id').notNull(),
  customerId: integer('customer_id'),
  email: text('email').notNull(),
  seenAt: integer('seen_at').notNull(),
})

/** @public The schema's declaration of the table (db/companies.ts queries it in SQL). */
export const b2bCompanyOrders = sqliteTable('b2b_company_orders', {
  orderId: integer('order_id').primaryKey(),
  companyId: integer('company_id').notNull(),
  associatedAt: integer('associated_at').notNull(),
})
