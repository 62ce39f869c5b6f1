import Big from 'big.js'

/**
 * Money is carried as a decimal string ("62.6793"), never as a float, so totals reconcile with the store
 * to the cent. Arithmetic goes through big.js; numbers appear only at the HubSpot boundary.
 */
export type Amount = string

export const ZERO: Amount = '0'

export function amount(value: string | number | null | undefined): Amount {
  if (value === null || value === undefined || value === '') return ZERO
  return new Big(value).toString()
}

export function add(...values: Amount[]): Amount {
  return values.reduce((sum, v) => sum.plus(v), new Big(0)).toString()
}

export function subtract(a: Amount, b: Amount): Amount {
  return new Big(a).minus(b).toString()
}

export function multiply(a: Amount, b: Amount | number): Amount {
  return new Big(a).times(b).toString()
}

/** Division rounded half-even to `decimals` places (default 4, BigCommerce's precision). */
export function divide(a: Amount, b: Amount | number, decimals = 4): Amount {
  if (new Big(b).eq(0)) return ZERO
  return new Big(a).div(b).round(decimals, Big.roundHalfEven).toString()
}

export function compare(a: Amount, b: Amount): -1 | 0 | 1 {
  return new Big(a).cmp(b) as -1 | 0 | 1
}

export function max(a: Amount, b: Amount): Amount {
  return compare(a, b) >= 0 ? a : b
}

export function isZero(a: Amount): boolean {
  return new Big(a).eq(0)
}

/** Decimal places of a currency's minor unit (ISO 4217, as the platform's Intl knows them): JPY 0, USD 2, KWD 3. */
export function minorUnits(currency: string | null | undefined): number {
  if (!currency) return 2
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
  } catch {
    return 2
  }
}

/** An exact decimal string in the currency's minor units, rounded half-even ("1949.29"; JPY "1949"). */
export function toMinorUnits(a: Amount, currency: string | null | undefined): Amount {
  return new Big(a).round(minorUnits(currency), Big.roundHalfEven).toFixed(minorUnits(currency))
}

/**
 * An amount as a HubSpot number property takes it: exact in its currency's minor units (KWD to the fils, JPY
 * in whole yen), so HubSpot and the store reconcile in every currency. A `null` currency (catalog prices, whose
 * currency the API does not name) sends the amount as BigCommerce holds it, already in the store currency's
 * precision. A decimal with this few digits survives the number exactly (`String(12.345)` is `"12.345"`).
 */
export function hubspotAmount(a: Amount, currency: string | null): number {
  return Number(currency === null ? new Big(a).toString() : toMinorUnits(a, currency))
}

/** An approximate number, for ordering rows only (sort columns); never for money that is shown or sent. */
export function sortValue(a: Amount): number {
  return Number(a)
}
