import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it } from 'vitest'
import { recomputeCartThresholds } from '../../src/cron/high-value-carts-job'
import { runScheduled } from '../../src/cron/schedule'
import { readCartThresholds, recordCartValues } from '../../src/db/cart-values'
import type { CartValue } from '../../src/domain/high-value-cart'
import type { Env } from '../../src/env'
import { clearDatabase } from '../support/worker'

const NOW = new Date('2026-11-02T10:07:00.000Z')

beforeEach(async () => {
  await clearDatabase()
})

/** `count` carts in one currency worth 1, 2, ... count (planted in shuffled order). */
function carts(currency: string, count: number, scale = 1): CartValue[] {
  const values = Array.from({ length: count }, (_, i) => ({
    cartId: `${currency}-${i + 1}`,
    currency,
    amount: String((i + 1) * scale),
  }))
  return values.sort((a, b) => (a.cartId.length - b.cartId.length) || (a.cartId < b.cartId ? 1 : -1))
}

const withPercentile = (value: string) => ({ ...env, HIGH_VALUE_CART_PERCENTILE: value }) as Env

describe('high-value cart threshold job', () => {
  it('ranks each currency on its own and skips currencies with too few carts', async () => {
    await recordCartValues(env.DB, [...carts('USD', 40), ...carts('EUR', 25, 2.5), ...carts('GBP', 19, 100)], NOW)
    const stored = await recomputeCartThresholds(env, NOW)
    // USD: rank ceil(75% of 40) = 30 → 30; EUR: rank ceil(18.75) = 19 → 19 × 2.5.
    expect(stored).toEqual({
      percentile: 75,
      computedAt: NOW.toISOString(),
      currencies: { USD: { carts: 40, threshold: '30' }, EUR: { carts: 25, threshold: '47.5' } },
    })
    expect(await readCartThresholds(env.DB)).toEqual(stored)
  })

  it('has no threshold for a store with fewer than 20 carts', async () => {
    await recordCartValues(env.DB, carts('USD', 19), NOW)
    expect((await recomputeCartThresholds(env, NOW))?.currencies).toEqual({})
  })

  it('uses the latest value of a cart that changed, once', async () => {
    await recordCartValues(env.DB, carts('USD', 20), NOW)
    // USD-1 grows from 1 to 1000: the lowest values are now 2..20 and the 15th is 16.
    await recordCartValues(env.DB, [{ cartId: 'USD-1', currency: 'USD', amount: '1000' }], NOW)
    const stored = await recomputeCartThresholds(env, NOW)
    expect(stored?.currencies.USD).toEqual({ carts: 20, threshold: '16' })
  })

  it('follows the configured percentile, and `off` removes the thresholds', async () => {
    await recordCartValues(env.DB, carts('USD', 100), NOW)
    expect((await recomputeCartThresholds(withPercentile('90'), NOW))?.currencies.USD?.threshold).toBe('90')
    expect(await recomputeCartThresholds(withPercentile('off'), NOW)).toBeNull()
    expect(await readCartThresholds(env.DB)).toBeNull()
  })

  it('runs hourly from the scheduled handler', async () => {
    await recordCartValues(env.DB, carts('USD', 20), NOW)
    await runScheduled('7 * * * *', NOW.getTime(), env)
    expect((await readCartThresholds(env.DB))?.currencies.USD).toEqual({ carts: 20, threshold: '15' })
  })
})
