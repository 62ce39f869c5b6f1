import { eq, sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import type { Order } from '../domain/model'
import { deadLetterAction, type DeadLetterRow } from '../domain/erasure-rules'
import { orderRow } from './contacts'
import type { PersonIdentities } from './identity'
import { erasureTombstones, orders as ordersTable } from './schema'

/**
 * Erasure in D1 (issue 21): the tombstones (`erasure_tombstones`, migrations/0050) and the removal of one person.
 *
 * What is removed is found two ways. Every table with an `email` column loses the person's rows, whatever the
 * table: one added later is covered without a change here. The tables below need more than that (their rows
 * name the person by cart, customer, subscriber or visitor id, or must be kept without the personal link), and
 * are handled by rule; test/erasure/registry.test.ts fails when a table has an email-like column that neither
 * way covers.
 */

/** The tables handled by rule, with what happens to the person's rows in each. */
export const ERASURE_RULES: Readonly<Record<string, string>> = {
  orders: 'kept as the store financial record: email, customer id and cart id cleared',
  order_attribution: "the person's orders' attribution removed",
  carts: 'their carts (by email, and the carts their orders came from) removed',
  cart_values: "their carts' values removed",
  customer_emails: 'their customer ids removed',
  subscriber_emails: 'their subscriber ids removed',
  identity_links: 'the links between their emails removed (every email linked to the person is erased with them)',
  beacon_visitors: 'their storefront visitors (linked by email, cart or customer id) removed',
  beacon_identities: "those visitors' identity links removed",
  touches: "those visitors' touches removed",
  attribution_changes: 'pending rollup work about them removed',
  dead_letters: 'about them: deleted; about their orders: kept without the link to their contact',
  webhook_events: "events about their carts, customer account and subscriber records removed; an error text naming them replaced",
  audit_log: 'an entry naming them is kept with the email replaced',
  erasure_tombstones: 'the keyed hash of the email stays: it is what keeps them erased',
}

const REDACTED = '[erased]'

export async function tombstoneOf(db: D1Database, fingerprint: string): Promise<{ erasedAt: string } | null> {
  const rows = await drizzle(db)
    .select({ erasedAt: erasureTombstones.erasedAt })
    .from(erasureTombstones)
    .where(eq(erasureTombstones.fingerprint, fingerprint))
  return rows[0] ?? null
}

/** Records (or moves forward) the tombstone; says whether the person had been erased before. */
export async function recordTombstone(db: D1Database, fingerprint: string, keyId: string, at: Date): Promise<'created' | 'renewed'> {
  const before = await tombstoneOf(db, fingerprint)
  await drizzle(db)
    .insert(erasureTombstones)
    .values({ fingerprint, keyId, erasedAt: at.toISOString() })
    .onConflictDoUpdate({
      target: erasureTombstones.fingerprint,
      set: { keyId, erasedAt: sql`max(excluded.erased_at, ${erasureTombstones.erasedAt})` },
    })
  return before ? 'renewed' : 'created'
}

/** Tombstones made with another key than `keyId`: they no longer match anyone. */
export async function tombstonesOfOtherKeys(db: D1Database, keyId: string): Promise<number> {
  const row = await db.prepare('SELECT count(*) AS n FROM erasure_tombstones WHERE key_id <> ?').bind(keyId).first<{ n: number }>()
  return row?.n ?? 0
}

/** An erased person's order from before the erasure, refreshed: kept for the store's figures, without the personal link. */
export async function publishUnlinkedOrder(db: D1Database, order: Order): Promise<void> {
  const row = { ...orderRow(order), email: '', customerId: 0, cartId: null }
  await drizzle(db).insert(ordersTable).values(row).onConflictDoUpdate({ target: ordersTable.orderId, set: row })
}

export interface D1Erasure {
  /** Rows removed, per table. */
  removed: Record<string, number>
  /** Orders kept without the personal link. */
  ordersUnlinked: number
  /** Dead letters of their orders kept, replayable, without the link to their contact. */
  deadLettersUnlinked: number
  /** Rows kept with the email replaced (audit entries, webhook event errors). */
  redacted: Record<string, number>
}

/** Every table of the database (not SQLite's or D1's own). */
export async function userTables(db: D1Database): Promise<string[]> {
  const { results } = await db
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'd1_%' AND name NOT LIKE '_cf_%' ORDER BY name",
    )
    .all<{ name: string }>()
  return results.map((r) => r.name)
}

/** Each table's columns (`PRAGMA table_info`, which D1 documents), in one batch. */
export async function tableColumns(db: D1Database): Promise<Map<string, string[]>> {
  const tables = await userTables(db)
  if (tables.length === 0) return new Map()
  const results = await db.batch<{ name: string }>(tables.map((t) => db.prepare(`PRAGMA table_info("${t.replace(/"/g, '""')}")`)))
  return new Map(tables.map((t, i) => [t, (results[i]?.results ?? []).map((c) => c.name)]))
}

/**
 * Removes one person from D1 in one transaction (the dead letters first, as they need reading): see the module
 * comment and ERASURE_RULES. `identities` comes from personIdentities(), with the carts their contact's Durable
 * Object knew added.
 */
export async function eraseFromD1(db: D1Database, identities: PersonIdentities): Promise<D1Erasure> {
  const emails = JSON.stringify(identities.emails)
  const carts = JSON.stringify(identities.cartIds)
  const customers = JSON.stringify(identities.customerIds)
  const orders = JSON.stringify(identities.orderIds)
  const anonymousIds = await visitorsOf(db, identities)
  const visitors = JSON.stringify(anonymousIds)
  const inList = (n: number) => `(SELECT value FROM json_each(?${n}))`

  const deadLetters = await deadLettersOf(db, identities)
  const statements: { label: string; kind: 'removed' | 'unlinked' | 'redacted' | 'letters'; statement: D1PreparedStatement }[] = []
  const add = (label: string, kind: 'removed' | 'unlinked' | 'redacted' | 'letters', statement: D1PreparedStatement) =>
    statements.push({ label, kind, statement })

  for (const { id, action } of deadLetters) {
    if (action.action === 'delete') add('dead_letters', 'removed', db.prepare('DELETE FROM dead_letters WHERE id = ?').bind(id))
    else if (action.action === 'unlink') {
      add('dead_letters', 'letters', db.prepare('UPDATE dead_letters SET payload = ?, error = ? WHERE id = ?').bind(action.payload, action.error, id))
    }
  }
  // D1 counts the rows the update's attribution triggers write as changes too: the orders are counted beforehand.
  const linkedOrders = await db
    .prepare(`SELECT count(*) AS n FROM orders WHERE order_id IN ${inList(1)} AND (email <> '' OR customer_id <> 0 OR cart_id IS NOT NULL)`)
    .bind(orders)
    .first<{ n: number }>()
  add('orders', 'unlinked', db.prepare(`UPDATE orders SET email = '', customer_id = 0, cart_id = NULL WHERE order_id IN ${inList(1)}`).bind(orders))
  add('order_attribution', 'removed', db.prepare(`DELETE FROM order_attribution WHERE order_id IN ${inList(1)} OR email IN ${inList(2)}`).bind(orders, emails))
  add('carts', 'removed', db.prepare(`DELETE FROM carts WHERE cart_id IN ${inList(1)} OR email IN ${inList(2)}`).bind(carts, emails))
  add('cart_values', 'removed', db.prepare(`DELETE FROM cart_values WHERE cart_id IN ${inList(1)}`).bind(carts))
  add('customer_emails', 'removed', db.prepare(`DELETE FROM customer_emails WHERE customer_id IN ${inList(1)} OR email IN ${inList(2)}`).bind(customers, emails))
  add('subscriber_emails', 'removed',
    db.prepare(`DELETE FROM subscriber_emails WHERE subscriber_id IN ${inList(1)} OR email IN ${inList(2)}`).bind(JSON.stringify(identities.subscriberIds), emails))
  add('identity_links', 'removed',
    db.prepare(`DELETE FROM identity_links WHERE email IN ${inList(1)} OR canonical_email IN ${inList(1)}`).bind(emails))
  add('touches', 'removed', db.prepare(`DELETE FROM touches WHERE anonymous_id IN ${inList(1)}`).bind(visitors))
  add('beacon_identities', 'removed', db.prepare(`DELETE FROM beacon_identities WHERE anonymous_id IN ${inList(1)}`).bind(visitors))
  add('beacon_visitors', 'removed', db.prepare(`DELETE FROM beacon_visitors WHERE anonymous_id IN ${inList(1)} OR email IN ${inList(2)}`).bind(visitors, emails))
  add('webhook_events', 'removed', db.prepare(
    `DELETE FROM webhook_events WHERE (resource_type = 'cart' AND resource_id IN ${inList(1)})
       OR (resource_type = 'customer' AND resource_id IN (SELECT CAST(value AS TEXT) FROM json_each(?2)))
       OR (resource_type = 'subscriber' AND resource_id IN (SELECT CAST(value AS TEXT) FROM json_each(?3)))`,
  ).bind(carts, customers, JSON.stringify(identities.subscriberIds)))
  for (const email of identities.emails) {
    add('webhook_events', 'redacted', db.prepare(
      "UPDATE webhook_events SET last_error = ?2 WHERE status IN ('pending', 'dead') AND instr(lower(last_error), ?1) > 0",
    ).bind(email, REDACTED))
    add('audit_log', 'redacted', db.prepare(
      `UPDATE audit_log SET target = replace(target, ?1, ?2), before = replace(before, ?1, ?2), after = replace(after, ?1, ?2)
       WHERE instr(coalesce(target, '') || coalesce(before, '') || coalesce(after, ''), ?1) > 0`,
    ).bind(email, REDACTED))
  }
  // Every other table with an `email` column: contacts, decisions, touches results, escalations, consent, ...
  for (const [table, columns] of await tableColumns(db)) {
    if (ERASURE_RULES[table] !== undefined || !columns.includes('email')) continue
    add(table, 'removed', db.prepare(`DELETE FROM "${table}" WHERE email IN ${inList(1)}`).bind(emails))
  }
  // Last: the orders update above appends rollup work naming the email; none of it is wanted.
  add('attribution_changes', 'removed', db.prepare(
    `DELETE FROM attribution_changes WHERE (kind = 'email' AND ref IN ${inList(1)}) OR (kind = 'order' AND ref IN (SELECT CAST(value AS TEXT) FROM json_each(?2)))
     OR (kind = 'cart' AND ref IN ${inList(3)}) OR (kind = 'customer' AND ref IN (SELECT CAST(value AS TEXT) FROM json_each(?4)))
     OR (kind = 'anon' AND ref IN ${inList(5)})`,
  ).bind(emails, orders, carts, customers, visitors))

  const results = await db.batch(statements.map((s) => s.statement))
  const outcome: D1Erasure = { removed: {}, ordersUnlinked: 0, deadLettersUnlinked: 0, redacted: {} }
  statements.forEach(({ label, kind }, i) => {
    const changes = results[i]?.meta.changes ?? 0
    if (kind === 'unlinked') outcome.ordersUnlinked = linkedOrders?.n ?? 0
    else if (kind === 'letters') outcome.deadLettersUnlinked += changes
    else if (changes > 0) {
      const bucket = kind === 'redacted' ? outcome.redacted : outcome.removed
      bucket[label] = (bucket[label] ?? 0) + changes
    }
  })
  return outcome
}

/** The storefront visitors linked to the person by email, cart or customer id. */
async function visitorsOf(db: D1Database, identities: PersonIdentities): Promise<string[]> {
  const { results } = await db
    .prepare(
      `SELECT anonymous_id FROM beacon_identities WHERE (kind = 'email' AND value IN (SELECT value FROM json_each(?1)))
         OR (kind = 'cart' AND value IN (SELECT value FROM json_each(?2)))
         OR (kind = 'customer' AND value IN (SELECT CAST(value AS TEXT) FROM json_each(?3)))
       UNION SELECT anonymous_id FROM beacon_visitors WHERE email IN (SELECT value FROM json_each(?1))
         OR cart_id IN (SELECT value FROM json_each(?2)) OR customer_id IN (SELECT value FROM json_each(?3))`,
    )
    .bind(JSON.stringify(identities.emails), JSON.stringify(identities.cartIds), JSON.stringify(identities.customerIds))
    .all<{ anonymous_id: string }>()
  return results.map((r) => r.anonymous_id)
}

/** Dead letters that may name the person (their email anywhere, or a webhook event about their ids), and what to do. */
async function deadLettersOf(db: D1Database, identities: PersonIdentities) {
  const { results } = await db
    .prepare(
      `SELECT id, source, reference, payload, error FROM dead_letters d WHERE EXISTS (
         SELECT 1 FROM json_each(?1) e WHERE instr(lower(d.payload), e.value) > 0 OR instr(lower(d.error), e.value) > 0
           OR instr(lower(d.reference), e.value) > 0)
       OR (d.source = 'webhook' AND json_valid(d.payload) AND (
         (json_extract(d.payload, '$.subject.kind') = 'customer' AND json_extract(d.payload, '$.subject.customerId') IN (SELECT value FROM json_each(?2)))
         OR (json_extract(d.payload, '$.subject.kind') = 'subscriber' AND json_extract(d.payload, '$.subject.subscriberId') IN (SELECT value FROM json_each(?3)))
         OR (json_extract(d.payload, '$.subject.cartId') IN (SELECT value FROM json_each(?4)))))
       OR (d.source = 'hubspot' AND (d.reference IN (SELECT 'carts:' || value FROM json_each(?4))
         OR EXISTS (SELECT 1 FROM json_each(?4) c WHERE d.reference LIKE 'tasks:cart_abandoned:' || c.value || ':%')))`,
    )
    .bind(
      JSON.stringify(identities.emails),
      JSON.stringify(identities.customerIds),
      JSON.stringify(identities.subscriberIds),
      JSON.stringify(identities.cartIds),
    )
    .all<DeadLetterRow>()
  return results.map((row) => ({ id: row.id, action: deadLetterAction(row, identities) }))
}
