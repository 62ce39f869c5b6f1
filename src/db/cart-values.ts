import type { CartThresholds, CartValue } from '../domain/high-value-cart'
import { sortValue, type Amount } from '../domain/money'

/**
 * Cart values (`cart_values`, migrations/0006) and the high-value thresholds computed from them, kept in
 * `sync_state` under THRESHOLDS_KEY.
 */
export const THRESHOLDS_KEY = 'high_value_cart_thresholds'

/** Records the latest value of each cart (one statement per cart, in one batch). */
export async function recordCartValues(db: D1Database, carts: CartValue[], now: Date): Promise<void> {
  if (!carts.length) return
  await db.batch(
    carts.map((cart) =>
      db
        .prepare(
          'INSERT INTO cart_values (cart_id, currency, amount, amount_sort, updated_at) VALUES (?1, ?2, ?3, ?4, ?5) ' +
            'ON CONFLICT (cart_id) DO UPDATE SET currency = excluded.currency, amount = excluded.amount, ' +
            'amount_sort = excluded.amount_sort, updated_at = excluded.updated_at',
        )
        .bind(cart.cartId, cart.currency, cart.amount, sortValue(cart.amount), now.getTime()),
    ),
  )
}

/** How many carts each currency has (a walk of the `cart_values_rank` index). */
export async function cartCountsByCurrency(db: D1Database): Promise<{ currency: string; carts: number }[]> {
  const { results } = await db
    .prepare('SELECT currency, COUNT(*) AS carts FROM cart_values GROUP BY currency ORDER BY currency')
    .all<{ currency: string; carts: number }>()
  return results
}

/** The value of the cart at a 1-based rank within its currency, lowest value first. */
export async function cartValueAtRank(db: D1Database, currency: string, rank: number): Promise<Amount | null> {
  const row = await db
    .prepare('SELECT amount FROM cart_values WHERE currency = ?1 ORDER BY amount_sort, cart_id LIMIT 1 OFFSET ?2')
    .bind(currency, rank - 1)
    .first<{ amount: string }>()
  return row?.amount ?? null
}

/** Stores the thresholds; null (the feature is off) removes them. */
export async function saveCartThresholds(db: D1Database, thresholds: CartThresholds | null, now: Date): Promise<void> {
  if (thresholds === null) {
    await db.prepare('DELETE FROM sync_state WHERE key = ?1').bind(THRESHOLDS_KEY).run()
  } else {
    await db
      .prepare(
        'INSERT INTO sync_state (key, value, updated_at) VALUES (?1, ?2, ?3) ' +
          'ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
      )
      .bind(THRESHOLDS_KEY, JSON.stringify(thresholds), now.getTime())
      .run()
  }
  cached = null
}

export async function readCartThresholds(db: D1Database): Promise<CartThresholds | null> {
  const row = await db.prepare('SELECT value FROM sync_state WHERE key = ?1').bind(THRESHOLDS_KEY).first<{ value: string }>()
  return row ? (JSON.parse(row.value) as CartThresholds) : null
}

/** Read when an abandoned cart fires; each isolate keeps the thresholds for a minute (they change hourly). */
const CACHE_MS = 60_000
let cached: { readAt: number; thresholds: CartThresholds | null } | null = null

export async function currentCartThresholds(db: D1Database, now = Date.now()): Promise<CartThresholds | null> {
  if (!cached || now - cached.readAt > CACHE_MS) cached = { readAt: now, thresholds: await readCartThresholds(db) }
  return cached.thresholds
}
