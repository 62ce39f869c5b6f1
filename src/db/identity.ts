import { eq, sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import type { Cart } from '../domain/model'
import { carts, customerEmails, subscriberEmails, syncState } from './schema'

/**
 * Who a cart or customer id belongs to. Events often carry only an id; these rows lead them to the
 * contact (normalized email) whose Durable Object owns the state, and feed attribution's identity stitching.
 */

export async function recordCart(db: D1Database, cart: Pick<Cart, 'cartId' | 'email' | 'customerId' | 'updatedAt'>) {
  await drizzle(db)
    .insert(carts)
    .values({ cartId: cart.cartId, email: cart.email, customerId: cart.customerId, status: 'open', updatedAt: cart.updatedAt })
    .onConflictDoUpdate({
      target: carts.cartId,
      set: {
        // An email, once known, is kept even if a later payload lacks it.
        email: sql`coalesce(excluded.email, ${carts.email})`,
        customerId: cart.customerId,
        updatedAt: sql`max(excluded.updated_at, ${carts.updatedAt})`,
      },
    })
}

/** The order a cart became (from the order's `cart_id` or `store/cart/converted`). */
export async function linkCartToOrder(db: D1Database, cartId: string, orderId: number, email: string | null) {
  await drizzle(db)
    .insert(carts)
    .values({ cartId, email, customerId: 0, status: 'converted', orderId, updatedAt: new Date(0).toISOString() })
    .onConflictDoUpdate({
      target: carts.cartId,
      set: { status: 'converted', orderId, email: sql`coalesce(${carts.email}, excluded.email)` },
    })
}

export async function cartOwner(db: D1Database, cartId: string): Promise<string | null> {
  const rows = await drizzle(db).select({ email: carts.email }).from(carts).where(eq(carts.cartId, cartId))
  return rows[0]?.email ?? null
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
 * Everything that identifies one person in D1, from one of their emails: the emails (one today; identities an
 * operator links become more), and the carts, customer ids, subscriber ids and orders that lead to them. What an
 * erasure removes is found from here.
 */
export interface PersonIdentities {
  emails: string[]
  cartIds: string[]
  customerIds: number[]
  subscriberIds: number[]
  orderIds: number[]
}

export async function personIdentities(db: D1Database, email: string): Promise<PersonIdentities> {
  const emails = [email]
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

/** BigCommerce's `store/hook/deliveryException`: kept for the webhook-health report. */
export async function recordHookException(
  db: D1Database,
  exception: { hookId: number; errorCode: number; message: string },
  now: Date,
) {
  const value = JSON.stringify({ ...exception, at: now.toISOString() })
  await drizzle(db)
    .insert(syncState)
    .values({ key: `hook_exception:${exception.hookId}`, value, updatedAt: now.getTime() })
    .onConflictDoUpdate({ target: syncState.key, set: { value, updatedAt: now.getTime() } })
}
