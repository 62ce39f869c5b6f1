import { eq, sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import type { Cart } from '../domain/model'
import { carts, customerEmails, identityLinks, subscriberEmails } from './schema'

/**
 * Who a cart, customer id or email belongs to. Events often carry only an id; these rows lead them to the
 * contact (normalized email) whose Durable Object owns the state, and feed attribution's identity stitching.
 * Emails linked as one person (identity_links) lead to the person's canonical email: every place that turns
 * an email into a contact asks `canonicalEmail` first.
 */

export async function recordCart(db: D1Database, cart: Pick<Cart, 'cartId' | 'email' | 'customerId' | 'channelId' | 'updatedAt'>) {
  await drizzle(db)
    .insert(carts)
    .values({ cartId: cart.cartId, email: cart.email, customerId: cart.customerId, channelId: cart.channelId, status: 'open', updatedAt: cart.updatedAt })
    .onConflictDoUpdate({
      target: carts.cartId,
      set: {
        channelId: cart.channelId,
        // An email, once known, is kept even if a later payload lacks it.
        email: sql`coalesce(excluded.email, ${carts.email})`,
        customerId: cart.customerId,
        updatedAt: sql`max(excluded.updated_at, ${carts.updatedAt})`,
      },
    })
}

/**
 * The order a cart became (from the order's `cart_id` or `store/cart/converted`); `channelId`, the order's, stands
 * in for a cart the worker never saw, so its recovery link still lands on its own storefront.
 */
export async function linkCartToOrder(db: D1Database, cartId: string, orderId: number, email: string | null, channelId: number | null = null) {
  await drizzle(db)
    .insert(carts)
    .values({ cartId, email, customerId: 0, status: 'converted', orderId, channelId, updatedAt: new Date(0).toISOString() })
    .onConflictDoUpdate({
      target: carts.cartId,
      set: {
        status: 'converted',
        orderId,
        email: sql`coalesce(${carts.email}, excluded.email)`,
        channelId: sql`coalesce(${carts.channelId}, excluded.channel_id)`,
      },
    })
}

export async function cartOwner(db: D1Database, cartId: string): Promise<string | null> {
  const rows = await drizzle(db).select({ email: carts.email }).from(carts).where(eq(carts.cartId, cartId))
  return rows[0]?.email ?? null
}

/** The BigCommerce channel a cart was on (Multi-Storefront); null when the cart or its channel is not known. */
export async function cartChannel(db: D1Database, cartId: string): Promise<number | null> {
  const rows = await drizzle(db).select({ channelId: carts.channelId }).from(carts).where(eq(carts.cartId, cartId))
  return rows[0]?.channelId ?? null
}

export async function recordCustomerEmail(db: D1Database, customerId: number, email: string) {
  const now = Date.now()
  await drizzle(db)
    .insert(customerEmails)
    .values({ customerId, email, updatedAt: now })
    .onConflictDoUpdate({ target: customerEmails.customerId, set: { email, updatedAt: now } })
}

/** The contact a (deleted) customer id belonged to, as last recorded. */
export async function customerEmailOf(db: D1Database, customerId: number): Promise<string | null> {
  const rows = await drizzle(db).select({ email: customerEmails.email }).from(customerEmails).where(eq(customerEmails.customerId, customerId))
  return rows[0]?.email ?? null
}

/** A deleted customer account: its id no longer leads to the contact. */
export async function forgetCustomerEmail(db: D1Database, customerId: number): Promise<void> {
  await drizzle(db).delete(customerEmails).where(eq(customerEmails.customerId, customerId))
}

export async function recordSubscriberEmail(db: D1Database, subscriberId: number, email: string) {
  const now = Date.now()
  await drizzle(db)
    .insert(subscriberEmails)
    .values({ subscriberId, email, updatedAt: now })
    .onConflictDoUpdate({ target: subscriberEmails.subscriberId, set: { email, updatedAt: now } })
}

/** The email a (deleted) subscriber record had, as last recorded. */
export async function subscriberEmailOf(db: D1Database, subscriberId: number): Promise<string | null> {
  const rows = await drizzle(db).select({ email: subscriberEmails.email }).from(subscriberEmails).where(eq(subscriberEmails.subscriberId, subscriberId))
  return rows[0]?.email ?? null
}

export async function forgetSubscriberEmail(db: D1Database, subscriberId: number): Promise<void> {
  await drizzle(db).delete(subscriberEmails).where(eq(subscriberEmails.subscriberId, subscriberId))
}

/**
 * Everything that identifies one person in D1, from one of their emails: every email linked as that person
 * (personEmails), and the carts, customer ids, subscriber ids and orders that lead to them. What an erasure
 * removes is found from here.
 */
export interface PersonIdentities {
  emails: string[]
  cartIds: string[]
  customerIds: number[]
  subscriberIds: number[]
  orderIds: number[]
}

export async function personIdentities(db: D1Database, email: string): Promise<PersonIdentities> {
  const emails = await personEmails(db, email)
  const list = JSON.stringify(emails)
  const [cartRows, customerRows, subscriberRows, orderRows] = await db.batch<Record<string, unknown>>([
    db.prepare(
      `SELECT cart_id AS id FROM carts WHERE email IN (SELECT value FROM json_each(?1))
       UNION SELECT cart_id FROM orders WHERE email IN (SELECT value FROM json_each(?1)) AND cart_id IS NOT NULL
       UNION SELECT c.cart_id FROM carts c JOIN orders o ON o.order_id = c.order_id WHERE o.email IN (SELECT value FROM json_each(?1))`,
    ).bind(list),
    db.prepare(
      `SELECT customer_id AS id FROM customer_emails WHERE email IN (SELECT value FROM json_each(?1))
       UNION SELECT customer_id FROM orders WHERE email IN (SELECT value FROM json_each(?1)) AND customer_id > 0
       UNION SELECT customer_id FROM contacts WHERE email IN (SELECT value FROM json_each(?1)) AND customer_id > 0`,
    ).bind(list),
    db.prepare('SELECT subscriber_id AS id FROM subscriber_emails WHERE email IN (SELECT value FROM json_each(?1))').bind(list),
    db.prepare('SELECT order_id AS id FROM orders WHERE email IN (SELECT value FROM json_each(?1))').bind(list),
  ])
  const ids = (result: D1Result<Record<string, unknown>> | undefined) => (result?.results ?? []).map((r) => r.id)
  return {
    emails,
    cartIds: ids(cartRows).map(String),
    customerIds: ids(customerRows).map(Number),
    subscriberIds: ids(subscriberRows).map(Number),
    orderIds: ids(orderRows).map(Number),
  }
}

/**
 * Every email of the person `email` belongs to: the canonical one and each email linked to it (identity_links),
 * the given one first.
 */
export async function personEmails(db: D1Database, email: string): Promise<string[]> {
  const canonical = await canonicalEmail(db, email)
  const { results } = await db
    .prepare('SELECT email FROM identity_links WHERE canonical_email = ?1 ORDER BY email')
    .bind(canonical)
    .all<{ email: string }>()
  return [...new Set([email, canonical, ...results.map((r) => r.email)])]
}

/** The email whose contact holds this email's person: the email itself unless it was linked to another. */
export async function canonicalEmail(db: D1Database, email: string): Promise<string> {
  const rows = await drizzle(db).select({ canonical: identityLinks.canonicalEmail }).from(identityLinks).where(eq(identityLinks.email, email))
  return rows[0]?.canonical ?? email
}

export interface IdentityLink {
  canonical: string
  absorbed: string[]
  reason: 'operator' | 'auto_phone'
  groupId: string | null
  /** Whether the HubSpot contacts are merged too (then `pending` until the writer reports). */
  hubspotMerge: boolean
  at: number
}

/**
 * Links emails to a canonical one, in one transaction: the links (earlier links to an absorbed email follow
 * it), and the rows that lead events and attribution to a contact (orders, carts, customer emails) point to
 * the canonical email from now on. The absorbed contacts' own rows go: the person's
 * figures are the canonical contact's. Safe to repeat.
 */
export async function linkIdentities(db: D1Database, link: IdentityLink): Promise<void> {
  const absorbed = link.absorbed.filter((email) => email !== link.canonical)
  if (absorbed.length === 0) return
  const to = link.canonical
  const statements = absorbed.flatMap((from) => [
    db
      .prepare(
        `INSERT INTO identity_links (email, canonical_email, reason, group_id, linked_at, hubspot_merge) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (email) DO UPDATE SET canonical_email = excluded.canonical_email,
           group_id = coalesce(excluded.group_id, identity_links.group_id),
           hubspot_merge = CASE WHEN excluded.hubspot_merge IS NULL THEN identity_links.hubspot_merge
             WHEN identity_links.hubspot_merge IN ('merged', 'already_merged', 'nothing_to_merge')
               AND identity_links.canonical_email = excluded.canonical_email THEN identity_links.hubspot_merge
             ELSE excluded.hubspot_merge END`,
      )
      .bind(from, to, link.reason, link.groupId, link.at, link.hubspotMerge ? 'pending' : null),
    db.prepare('UPDATE identity_links SET canonical_email = ?1 WHERE canonical_email = ?2').bind(to, from),
    db.prepare('UPDATE orders SET email = ?1 WHERE email = ?2').bind(to, from),
    db.prepare('UPDATE carts SET email = ?1 WHERE email = ?2').bind(to, from),
    db.prepare('UPDATE customer_emails SET email = ?1 WHERE email = ?2').bind(to, from),
    db.prepare('DELETE FROM contacts WHERE email = ?').bind(from),
    db.prepare('DELETE FROM contact_touches WHERE email = ?').bind(from),
  ])
  await db.batch(statements)
}

/** How the HubSpot merge of a linked email ended, as the HubSpot writer reports it. */
export async function recordHubSpotMerge(
  db: D1Database,
  merge: { absorbedKey: string; outcome: 'merged' | 'already_merged' | 'nothing_to_merge' | 'failed'; error: string | null; at: number },
): Promise<void> {
  await db
    .prepare(
      `UPDATE identity_links SET hubspot_merge = ?1, hubspot_merge_error = ?2, hubspot_merged_at = ?3
       WHERE email = ?4 AND NOT (hubspot_merge = 'merged' AND ?1 = 'already_merged')`,
    )
    .bind(merge.outcome, merge.error, merge.at, merge.absorbedKey)
    .run()
}

/** People with linked emails whose HubSpot contacts are not merged (auto-links, merges waiting or failed). */
export async function unmergedLinks(db: D1Database, limit: number) {
  const { results } = await db
    .prepare(
      `SELECT email, canonical_email AS canonical, reason, linked_at AS linkedAt, hubspot_merge AS hubspotMerge,
         hubspot_merge_error AS hubspotMergeError
       FROM identity_links WHERE canonical_email IN (
         SELECT canonical_email FROM identity_links WHERE hubspot_merge IS NULL OR hubspot_merge IN ('pending', 'failed')
         GROUP BY canonical_email ORDER BY max(linked_at) DESC LIMIT ?1)
       ORDER BY canonical_email, email`,
    )
    .bind(limit)
    .all<{ email: string; canonical: string; reason: string; linkedAt: number; hubspotMerge: string | null; hubspotMergeError: string | null }>()
  return results
}

/** Customer id → email, from what the customers phase (or a webhook) recorded. */
export async function knownCustomerEmails(db: D1Database, customerIds: number[]): Promise<Map<number, string>> {
  const ids = [...new Set(customerIds.filter((id) => id > 0))]
  const found = new Map<number, string>()
  // D1 caps bound parameters per statement at 100.
  for (let i = 0; i < ids.length; i += 90) {
    const part = ids.slice(i, i + 90)
    const { results } = await db
      .prepare(`SELECT customer_id, email FROM customer_emails WHERE customer_id IN (${part.map(() => '?').join(',')})`)
      .bind(...part)
      .all<{ customer_id: number; email: string }>()
    for (const row of results) found.set(row.customer_id, row.email)
  }
  return found
}
