import { eq, sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import type { Cart } from '../domain/model'
import { carts, customerEmails, syncState } from './schema'

/**
 * Who a cart or customer id belongs to. Events often carry only an id; these rows lead them to the
 * contact (normalized email) whose Durable Object owns the state, and feed attribution's identity stitching.
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
