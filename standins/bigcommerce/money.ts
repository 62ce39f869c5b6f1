/**
 * Money inside the stand-in is an integer count of 1/10,000 units, BigCommerce's precision, so order totals
 * add up exactly and seeding stays fast. It leaves as a 4-dp string (v2) or a number (v3 catalog, carts).
 */
export type Units = number

export const UNIT = 10_000

export function toUnits(value: number | string): Units {
  return Math.round(Number(value) * UNIT)
}

/** Rounded to whole cents, still in units. */
export function roundCents(units: Units): Units {
  return Math.round(units / 100) * 100
}

/** `rate` as a fraction (0.0825), result rounded to units. */
export function percentOf(units: Units, rate: number): Units {
  return Math.round(units * rate)
}

/** "62.6793" */
export function toDecimal(units: Units): string {
  const sign = units < 0 ? '-' : ''
  const abs = Math.abs(Math.round(units))
  return `${sign}${Math.floor(abs / UNIT)}.${String(abs % UNIT).padStart(4, '0')}`
}

export function toNumber(units: Units): number {
  return Math.round(units) / UNIT
}

export function sum(values: Iterable<Units>): Units {
  let total = 0
  for (const v of values) total += v
  return total
}

/** Splits `total` over `weights` proportionally; the parts add up to `total` exactly. */
export function allocate(total: Units, weights: readonly Units[]): Units[] {
  const weightSum = sum(weights)
  if (weightSum === 0) return weights.map((_, i) => (i === 0 ? total : 0))
  const parts = weights.map((w) => Math.floor((total * w) / weightSum))
  let rest = total - sum(parts)
  for (let i = 0; rest > 0; i = (i + 1) % parts.length, rest--) parts[i]! += 1
  return parts
}
