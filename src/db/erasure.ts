import { count, eq, ne, sql as drizzleSql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import { sql, type Compilable, type Kysely, type SqlBool } from 'kysely'
import type { Order } from '../domain/model'
import { deadLetterAction } from '../domain/erasure-rules'
import { orderRow } from './order-rows'
import type { Database } from './database'
import type { PersonIdentities } from './identity'
import { d1Statement, jsonEach, queryBuilder } from './query-builder'
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
      set: { keyId, erasedAt: drizzleSql`max(excluded.erased_at, ${erasureTombstones.erasedAt})` },
    })
  return before ? 'renewed' : 'created'
}

/** Tombstones made with another key than `keyId`: they no longer match anyone. */
export async function tombstonesOfOtherKeys(db: D1Database, keyId: string): Promise<number> {
  const [row] = await drizzle(db).select({ n: count() }).from(erasureTombstones).where(ne(erasureTombstones.keyId, keyId))
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
  const rows = await queryBuilder(db)
    .withTables<{ sqlite_master: { type: string; name: string } }>()
    .selectFrom('sqlite_master')
    .select('name')
    .where('type', '=', 'table')
    .where('name', 'not like', 'sqlite_%')
    .where('name', 'not like', 'd1_%')
    .where('name', 'not like', '_cf_%')
    .orderBy('name')
    .execute()
  return rows.map((r) => r.name)
}

/** Each table's columns (`PRAGMA table_info`, which D1 documents), in one batch. */
export async function tableColumns(db: D1Database): Promise<Map<string, string[]>> {
  const tables = await userTables(db)
  if (tables.length === 0) return new Map()
  // A PRAGMA, which neither drizzle nor kysely can say (D1 documents the statement, not the pragma_table_info function).
  const results = await db.batch<{ name: string }>(tables.map((t) => db.prepare(`PRAGMA table_info("${t.replace(/"/g, '""')}")`)))
  return new Map(tables.map((t, i) => [t, (results[i]?.results ?? []).map((c) => c.name)]))
}

type Effect = 'removed' | 'unlinked' | 'redacted' | 'letters'

/**
 * Removes one person from D1 in one transaction (the dead letters first, as they need reading): see the module
 * comment and ERASURE_RULES. `identities` comes from personIdentities(), with the carts their contact's Durable
 * Object knew added.
 */
export async function eraseFromD1(db: D1Database, identities: PersonIdentities): Promise<D1Erasure> {
  const qb = queryBuilder(db)
  const { emails, cartIds, customerIds, subscriberIds, orderIds } = identities
  const anonymousIds = await visitorsOf(qb, identities)
  const deadLetters = await deadLettersOf(qb, identities)
  const statements: { label: string; kind: Effect; statement: D1PreparedStatement }[] = []
  const add = (label: string, kind: Effect, query: Compilable) => statements.push({ label, kind, statement: d1Statement(db, query) })

  for (const { id, action } of deadLetters) {
    if (action.action === 'delete') add('dead_letters', 'removed', qb.deleteFrom('dead_letters').where('id', '=', id))
    else if (action.action === 'unlink') {
      add('dead_letters', 'letters', qb.updateTable('dead_letters').set({ payload: action.payload, error: action.error }).where('id', '=', id))
    }
  }
  // D1 counts the rows the update's attribution triggers write as changes too: the orders are counted beforehand.
  const linkedOrders = await qb
    .selectFrom('orders')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('order_id', 'in', setOf(qb, orderIds))
    .where((eb) => eb.or([eb('email', '<>', ''), eb('customer_id', '<>', 0), eb('cart_id', 'is not', null)]))
    .executeTakeFirst()
  add('orders', 'unlinked', qb.updateTable('orders').set({ email: '', customer_id: 0, cart_id: null }).where('order_id', 'in', setOf(qb, orderIds)))
  add('order_attribution', 'removed',
    qb.deleteFrom('order_attribution').where((eb) => eb.or([eb('order_id', 'in', setOf(qb, orderIds)), eb('email', 'in', setOf(qb, emails))])))
  add('carts', 'removed', qb.deleteFrom('carts').where((eb) => eb.or([eb('cart_id', 'in', setOf(qb, cartIds)), eb('email', 'in', setOf(qb, emails))])))
  add('cart_values', 'removed', qb.deleteFrom('cart_values').where('cart_id', 'in', setOf(qb, cartIds)))
  add('customer_emails', 'removed',
    qb.deleteFrom('customer_emails').where((eb) => eb.or([eb('customer_id', 'in', setOf(qb, customerIds)), eb('email', 'in', setOf(qb, emails))])))
  add('subscriber_emails', 'removed',
    qb.deleteFrom('subscriber_emails').where((eb) => eb.or([eb('subscriber_id', 'in', setOf(qb, subscriberIds)), eb('email', 'in', setOf(qb, emails))])))
  add('identity_links', 'removed',
    qb.deleteFrom('identity_links').where((eb) => eb.or([eb('email', 'in', setOf(qb, emails)), eb('canonical_email', 'in', setOf(qb, emails))])))
  add('touches', 'removed', qb.deleteFrom('touches').where('anonymous_id', 'in', setOf(qb, anonymousIds)))
  add('beacon_identities', 'removed', qb.deleteFrom('beacon_identities').where('anonymous_id', 'in', setOf(qb, anonymousIds)))
  add('beacon_visitors', 'removed',
    qb.deleteFrom('beacon_visitors').where((eb) => eb.or([eb('anonymous_id', 'in', setOf(qb, anonymousIds)), eb('email', 'in', setOf(qb, emails))])))
  add('webhook_events', 'removed', qb.deleteFrom('webhook_events').where((eb) => eb.or([
    eb.and([eb('resource_type', '=', 'cart'), eb('resource_id', 'in', setOf(qb, cartIds))]),
    eb.and([eb('resource_type', '=', 'customer'), eb('resource_id', 'in', textSetOf(qb, customerIds))]),
    eb.and([eb('resource_type', '=', 'subscriber'), eb('resource_id', 'in', textSetOf(qb, subscriberIds))]),
  ])))
  for (const email of emails) {
    add('webhook_events', 'redacted', qb
      .updateTable('webhook_events')
      .set({ last_error: REDACTED })
      .where('status', 'in', ['pending', 'dead'])
      .where((eb) => eb(eb.fn('instr', [eb.fn('lower', ['last_error']), eb.val(email)]), '>', 0)))
    const redact = (column: 'target' | 'before' | 'after') => sql<string | null>`replace(${sql.ref(column)}, ${email}, ${REDACTED})`
    const anyColumn = sql<string>`coalesce(target, '') || coalesce(before, '') || coalesce(after, '')`
    add('audit_log', 'redacted', qb
      .updateTable('audit_log')
      .set({ target: redact('target'), before: redact('before'), after: redact('after') })
      .where((eb) => eb(eb.fn('instr', [anyColumn, eb.val(email)]), '>', 0)))
  }
  // Every other table with an `email` column: contacts, decisions, touches results, escalations, consent, ...
  const byEmail = qb.withTables<Record<string, { email: string }>>()
  for (const [table, columns] of await tableColumns(db)) {
    if (ERASURE_RULES[table] !== undefined || !columns.includes('email')) continue
    add(table, 'removed', byEmail.deleteFrom(table).where('email', 'in', setOf(qb, emails)))
  }
  // Last: the orders update above appends rollup work naming the email; none of it is wanted.
  add('attribution_changes', 'removed', qb.deleteFrom('attribution_changes').where((eb) => eb.or([
    eb.and([eb('kind', '=', 'email'), eb('ref', 'in', setOf(qb, emails))]),
    eb.and([eb('kind', '=', 'order'), eb('ref', 'in', textSetOf(qb, orderIds))]),
    eb.and([eb('kind', '=', 'cart'), eb('ref', 'in', setOf(qb, cartIds))]),
    eb.and([eb('kind', '=', 'customer'), eb('ref', 'in', textSetOf(qb, customerIds))]),
    eb.and([eb('kind', '=', 'anon'), eb('ref', 'in', setOf(qb, anonymousIds))]),
  ])))

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

/** A list as a subquery of its values, for `IN`: one bound parameter whatever its length. */
function setOf<T extends string | number>(qb: Kysely<Database>, values: readonly T[]) {
  return qb.selectFrom(jsonEach(values).as('each')).select('each.value')
}

/** The same, as text: ids compared with text columns (webhook resource ids, rollup refs). */
function textSetOf(qb: Kysely<Database>, values: readonly number[]) {
  return qb.selectFrom(jsonEach(values).as('each')).select((eb) => eb.cast<string>('each.value', 'text').as('value'))
}

/** The storefront visitors linked to the person by email, cart or customer id. */
async function visitorsOf(qb: Kysely<Database>, identities: PersonIdentities): Promise<string[]> {
  const { emails, cartIds, customerIds } = identities
  const rows = await qb
    .selectFrom('beacon_identities')
    .select('anonymous_id')
    .where((eb) => eb.or([
      eb.and([eb('kind', '=', 'email'), eb('value', 'in', setOf(qb, emails))]),
      eb.and([eb('kind', '=', 'cart'), eb('value', 'in', setOf(qb, cartIds))]),
      eb.and([eb('kind', '=', 'customer'), eb('value', 'in', textSetOf(qb, customerIds))]),
    ]))
    .union(qb
      .selectFrom('beacon_visitors')
      .select('anonymous_id')
      .where((eb) => eb.or([
        eb('email', 'in', setOf(qb, emails)),
        eb('cart_id', 'in', setOf(qb, cartIds)),
        eb('customer_id', 'in', setOf(qb, customerIds)),
      ])))
    .execute()
  return rows.map((r) => r.anonymous_id)
}

/** Dead letters that may name the person (their email anywhere, or a webhook event about their ids), and what to do. */
async function deadLettersOf(qb: Kysely<Database>, identities: PersonIdentities) {
  const { emails, cartIds, customerIds, subscriberIds } = identities
  const subject = (field: string) => sql<unknown>`json_extract(d.payload, ${`$.subject.${field}`})`
  const rows = await qb
    .selectFrom('dead_letters as d')
    .select(['d.id', 'd.source', 'd.reference', 'd.payload', 'd.error'])
    .where((eb) => eb.or([
      // Their email anywhere in it.
      eb.exists(eb
        .selectFrom(jsonEach(emails).as('e'))
        .select(sql.lit(1).as('one'))
        .where((m) => m.or((['d.payload', 'd.error', 'd.reference'] as const).map((text) => m(m.fn('instr', [m.fn('lower', [text]), 'e.value']), '>', 0))))),
      // A webhook event about their customer account, subscriber record or cart.
      eb.and([
        eb('d.source', '=', 'webhook'),
        eb.fn<SqlBool>('json_valid', ['d.payload']),
        eb.or([
          eb.and([eb(subject('kind'), '=', 'customer'), eb(subject('customerId'), 'in', setOf(qb, customerIds))]),
          eb.and([eb(subject('kind'), '=', 'subscriber'), eb(subject('subscriberId'), 'in', setOf(qb, subscriberIds))]),
          eb(subject('cartId'), 'in', setOf(qb, cartIds)),
        ]),
      ]),
      // A HubSpot record of their cart, or the task of its abandonment (`tasks:cart_abandoned:<cart id>:...`).
      eb.and([
        eb('d.source', '=', 'hubspot'),
        eb.or([
          eb('d.reference', 'in', eb.selectFrom(jsonEach(cartIds).as('c')).select(sql<string>`'carts:' || c.value`.as('ref'))),
          eb.exists(eb
            .selectFrom(jsonEach(cartIds).as('c'))
            .select(sql.lit(1).as('one'))
            .where('d.reference', 'like', sql<string>`'tasks:cart_abandoned:' || c.value || ':%'`)),
        ]),
      ]),
    ]))
    .execute()
  return rows.map((row) => ({ id: row.id, action: deadLetterAction(row, identities) }))
}
