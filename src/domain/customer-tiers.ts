import { compare, type Amount } from './money'
import type { ValueTier } from './model'

/** `vip` is the top ceil(10%) of customers by lifetime value, `high` the rest of the top ceil(30%). */
export const VIP_SHARE = 0.1
export const HIGH_SHARE = 0.3

/** The 1-based ranks whose values are the vip and high thresholds, for `customers` ranked customers. */
export function tierRanks(customers: number): { vipRank: number; highRank: number } {
  // Rounded first so 0.1 * 30 = 3.0000000000000004 still gives 3.
  const ceil = (x: number) => Math.ceil(Math.round(x * 1e9) / 1e9)
  return { vipRank: ceil(customers * VIP_SHARE), highRank: ceil(customers * HIGH_SHARE) }
}

/**
 * The tier of a lifetime value, given the values at the vip and high ranks: a value equal to a threshold
 * takes the better tier, so ties never split.
 */
export function tierFor<T>(value: T, thresholds: { vip: T; high: T }, cmp: (a: T, b: T) => number): ValueTier {
  if (cmp(value, thresholds.vip) >= 0) return 'vip'
  if (cmp(value, thresholds.high) >= 0) return 'high'
  return 'standard'
}

/**
 * `bc_value_tier` for every customer passed in. Pass contacts with a paid order only (a `paidOrderCount` of 0
 * is left out): prospects have no tier.
 */
export function assignValueTiers(
  contacts: { email: string; lifetimeValue: Amount; paidOrderCount?: number }[],
): Map<string, ValueTier> {
  const customers = contacts.filter((c) => c.paidOrderCount === undefined || c.paidOrderCount > 0)
  const tiers = new Map<string, ValueTier>()
  if (customers.length === 0) return tiers
  const ranked = [...customers].sort((a, b) => compare(b.lifetimeValue, a.lifetimeValue))
  const { vipRank, highRank } = tierRanks(ranked.length)
  const thresholds = { vip: ranked[vipRank - 1].lifetimeValue, high: ranked[highRank - 1].lifetimeValue }
  for (const c of customers) tiers.set(c.email, tierFor(c.lifetimeValue, thresholds, compare))
  return tiers
}
