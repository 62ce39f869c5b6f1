import { and, eq, inArray, not, sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import type { Cart } from '../domain/model'
import { d1Statement, jsonEach, queryBuilder } from './query-builder'
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
  const qb = queryBuilder(db)
  const ofPerson = qb.selectFrom(jsonEach(emails).as('each')).select('each.value')
  const cartQuery = qb
    .selectFrom('carts')
    .select('cart_id as id')
    .where('email', 'in', ofPerson)
    .union(qb.selectFrom('orders').select('cart_id as id').where('email', 'in', ofPerson).where('cart_id', 'is not', null).$narrowType<{ id: string }>())
    .union(qb.selectFrom('carts as c').innerJoin('orders as o', 'o.order_id', 'c.order_id').select('c.cart_id as id').where('o.email', 'in', ofPerson))
  const customerQuery = qb
    .selectFrom('customer_emails')
    .select('customer_id as id')
    .where('email', 'in', ofPerson)
    .union(qb.selectFrom('orders').select('customer_id as id').where('email', 'in', ofPerson).where('customer_id', '>', 0))
    .union(qb.selectFrom('contacts').select('customer_id as id').where('email', 'in', ofPerson).where('customer_id', '>', 0).$narrowType<{ id: number }>())
  const subscriberQuery = qb.selectFrom('subscriber_emails').select('subscriber_id as id').where('email', 'in', ofPerson)
  const orderQuery = qb.selectFrom('orders').select('order_id as id').where('email', 'in', ofPerson)
  // One round trip (kysely-d1 would send them one at a time).
  const [cartRows, customerRows, subscriberRows, orderRows] = await db.batch(
    [cartQuery, customerQuery, subscriberQuery, orderQuery].map((query) => d1Statement(db, query)),
  )
  const ids = (result: D1Result | undefined) => ((result?.results ?? []) as { id: string | number }[]).map((r) => r.id)
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
  const rows = await drizzle(db)
    .select({ email: identityLinks.email })
    .from(identityLinks)
    .where(eq(identityLinks.canonicalEmail, canonical))
    .orderBy(identityLinks.email)
  return [...new Set([email, canonical, ...rows.map((r) => r.email)])]
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
  const qb = queryBuilder(db)
  const queries = absorbed.flatMap((from) => [
    qb
      .insertInto('identity_links')
      .values({ email: from, canonical_email: to, reason: link.reason, group_id: link.groupId, linked_at: link.at, hubspot_merge: link.hubspotMerge ? 'pending' : null })
      .onConflict((conflict) =>
        conflict.column('email').doUpdateSet((eb) => ({
          canonical_email: eb.ref('excluded.canonical_email'),
          group_id: eb.fn.coalesce('excluded.group_id', 'identity_links.group_id'),
          // A merge HubSpot finished into the same canonical email stays finished.
          hubspot_merge: eb
            .case()
            .when('excluded.hubspot_merge', 'is', null)
            .then(eb.ref('identity_links.hubspot_merge'))
            .when(
              eb.and([
                eb('identity_links.hubspot_merge', 'in', ['merged', 'already_merged', 'nothing_to_merge']),
                eb('identity_links.canonical_email', '=', eb.ref('excluded.canonical_email')),
              ]),
            )
            .then(eb.ref('identity_links.hubspot_merge'))
            .else(eb.ref('excluded.hubspot_merge'))
            .end(),
        })),
      ),
    qb.updateTable('identity_links').set({ canonical_email: to }).where('canonical_email', '=', from),
    qb.updateTable('orders').set({ email: to }).where('email', '=', from),
    qb.updateTable('carts').set({ email: to }).where('email', '=', from),
    qb.updateTable('customer_emails').set({ email: to }).where('email', '=', from),
    qb.deleteFrom('contacts').where('email', '=', from),
    qb.deleteFrom('contact_touches').where('email', '=', from),
  ])
  // One transaction: D1's batch.
  await db.batch(queries.map((query) => d1Statement(db, query)))
}

/** How the HubSpot merge of a linked email ended, as the HubSpot writer reports it. */
export async function recordHubSpotMerge(
  db: D1Database,
  merge: { absorbedKey: string; outcome: 'merged' | 'already_merged' | 'nothing_to_merge' | 'failed'; error: string | null; at: number },
): Promise<void> {
  const link = eq(identityLinks.email, merge.absorbedKey)
  await drizzle(db)
    .update(identityLinks)
    .set({ hubspotMerge: merge.outcome, hubspotMergeError: merge.error, hubspotMergedAt: merge.at })
    // A retry that finds the contacts already merged does not overwrite the merge it follows.
    .where(merge.outcome === 'already_merged' ? and(link, not(eq(identityLinks.hubspotMerge, 'merged'))) : link)
}

/** People with linked emails whose HubSpot contacts are not merged (auto-links, merges waiting or failed). */
export async function unmergedLinks(db: D1Database, limit: number) {
  const qb = queryBuilder(db)
  return qb
    .selectFrom('identity_links')
    .select(['email', 'canonical_email as canonical', 'reason', 'linked_at as linkedAt', 'hubspot_merge as hubspotMerge', 'hubspot_merge_error as hubspotMergeError'])
    .where(
      'canonical_email',
      'in',
      qb
        .selectFrom('identity_links')
        .select('canonical_email')
        .where((eb) => eb.or([eb('hubspot_merge', 'is', null), eb('hubspot_merge', 'in', ['pending', 'failed'])]))
        .groupBy('canonical_email')
        .orderBy((eb) => eb.fn.max('linked_at'), 'desc')
        .limit(limit),
    )
    .orderBy('canonical_email')
    .orderBy('email')
    .execute()
}

/** Customer id → email, from what the customers phase (or a webhook) recorded. */
export async function knownCustomerEmails(db: D1Database, customerIds: number[]): Promise<Map<number, string>> {
  const ids = [...new Set(customerIds.filter((id) => id > 0))]
  const found = new Map<number, string>()
  // D1 caps bound parameters per statement at 100.
  for (let i = 0; i < ids.length; i += 90) {
    const rows = await drizzle(db)
      .select({ customerId: customerEmails.customerId, email: customerEmails.email })
      .from(customerEmails)
      .where(inArray(customerEmails.customerId, ids.slice(i, i + 90)))
    for (const row of rows) found.set(row.customerId, row.email)
  }
  return found
}
