import { count, eq, sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import type { CartThresholds, CartValue } from '../domain/high-value-cart'
import { sortValue, type Amount } from '../domain/money'
import { cartValues } from './schema'
import { deleteState, readState, writeState } from './sync-state'

/**
 * Cart values (`cart_values`, migrations/0006) and the high-value thresholds computed from them, kept in
 * `sync_state` under THRESHOLDS_KEY.
 */
export const THRESHOLDS_KEY = 'high_value_cart_thresholds'

/** Records the latest value of each cart (one statement per cart, in one batch). */
export async function recordCartValues(db: D1Database, carts: CartValue[], now: Date): Promise<void> {
  const [first, ...rest] = carts.map((cart) =>
    drizzle(db)
      .insert(cartValues)
      .values({ cartId: cart.cartId, currency: cart.currency, amount: cart.amount, amountSort: sortValue(cart.amount), updatedAt: now.getTime() })
      .onConflictDoUpdate({
        target: cartValues.cartId,
        set: {
          currency: sql`excluded.currency`,
          amount: sql`excluded.amount`,
          amountSort: sql`excluded.amount_sort`,
          updatedAt: sql`excluded.updated_at`,
        },
      }),
  )
  if (first) await drizzle(db).batch([first, ...rest])
}

/** How many carts each currency has (a walk of the `cart_values_rank` index). */
export async function cartCountsByCurrency(db: D1Database): Promise<{ currency: string; carts: number }[]> {
  return drizzle(db)
    .select({ currency: cartValues.currency, carts: count() })
    .from(cartValues)
    .groupBy(cartValues.currency)
    .orderBy(cartValues.currency)
}

/** The value of the cart at a 1-based rank within its currency, lowest value first. */
export async function cartValueAtRank(db: D1Database, currency: string, rank: number): Promise<Amount | null> {
  const [row] = await drizzle(db)
    .select({ amount: cartValues.amount })
    .from(cartValues)
    .where(eq(cartValues.currency, currency))
    .orderBy(cartValues.amountSort, cartValues.cartId)
    .limit(1)
    .offset(rank - 1)
  return row?.amount ?? null
}

/** Stores the thresholds; null (the feature is off) removes them. */
export async function saveCartThresholds(db: D1Database, thresholds: CartThresholds | null, now: Date): Promise<void> {
  if (thresholds === null) await deleteState(db, THRESHOLDS_KEY)
  else await writeState(db, THRESHOLDS_KEY, thresholds, now.getTime())
  cached = null
}

export async function readCartThresholds(db: D1Database): Promise<CartThresholds | null> {
  return (await readState<CartThresholds>(db, THRESHOLDS_KEY))?.value ?? null
}

/** Read when an abandoned cart fires; each isolate keeps the thresholds for a minute (they change hourly). */
const CACHE_MS = 60_000
let cached: { readAt: number; thresholds: CartThresholds | null } | null = null

export async function currentCartThresholds(db: D1Database, now = Date.now()): Promise<CartThresholds | null> {
  if (!cached || now - cached.readAt > CACHE_MS) cached = { readAt: now, thresholds: await readCartThresholds(db) }
  return cached.thresholds
}
