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
