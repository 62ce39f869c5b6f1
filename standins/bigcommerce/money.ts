/**
 * Money inside the stand-in is an integer count of 1/10,000 units, BigCommerce's precision, so order totals
 * add up exactly and seeding stays fast. It leaves as a 4-dp string (v2) or a number (v3 catalog, carts).
 */
export type Units = number

export const UNIT = 10_000

export function toUnits(value: number | string): Units {
  return Math.round(Number(value) * UNIT)
}

/** ISO 4217 minor units of the currencies that do not have two (the stand-in's own table, not the worker's). */
const MINOR_UNITS: Readonly<Record<string, number>> = { BHD: 3, JOD: 3, KWD: 3, OMR: 3, TND: 3, JPY: 0, KRW: 0 }

export function minorUnitsOf(currency: string): number {
  return MINOR_UNITS[currency] ?? 2
}

/** Rounded to whole minor units of a currency with `decimals` of them (fils, cents, yen), still in units. */
export function roundMinor(units: Units, decimals: number): Units {
  const step = 10 ** (4 - decimals)
  return Math.round(units / step) * step
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
