import type { CronJob } from './cron-job'
import { requireConfig } from '../config'
import { cartCountsByCurrency, cartValueAtRank, saveCartThresholds } from '../db/cart-values'
import { thresholdRank, type CartThresholds } from '../domain/high-value-cart'
import type { Env } from '../env'

/**
 * Recomputes the HIGH_VALUE_CART_PERCENTILE thresholds from the recorded cart values: per currency, one
 * count and one read at the percentile's rank (both on the `cart_values_rank` index), so the cost does not
 * grow with how often carts change. `off` removes the thresholds. Returns what it stored.
 */
export async function recomputeCartThresholds(env: Env, now: Date): Promise<CartThresholds | null> {
  const percentile = requireConfig(env).HIGH_VALUE_CART_PERCENTILE
  if (percentile === null) {
    await saveCartThresholds(env.DB, null, now)
    return null
  }
  const thresholds: CartThresholds = { percentile, computedAt: now.toISOString(), currencies: {} }
  for (const { currency, carts } of await cartCountsByCurrency(env.DB)) {
    const rank = thresholdRank(carts, percentile)
    if (rank === null) continue
    const threshold = await cartValueAtRank(env.DB, currency, rank)
    if (threshold !== null) thresholds.currencies[currency] = { carts, threshold }
  }
  await saveCartThresholds(env.DB, thresholds, now)
  return thresholds
}

export const highValueCarts: CronJob = {
  name: 'high-value-carts',
  crons: ['7 * * * *'],
  async run(env, now) {
    await recomputeCartThresholds(env, now)
  },
}
