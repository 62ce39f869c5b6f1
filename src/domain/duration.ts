/** Durations in configuration are a number and a unit: `90s`, `45m`, `6h`, `21d`. */
export const DURATION_PATTERN = /^(\d+)(s|m|h|d)$/

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const

export type DurationUnit = keyof typeof UNIT_MS

export interface Duration {
  value: number
  unit: DurationUnit
  ms: number
  /** The text as configured, e.g. `21d`. */
  text: string
}

export function parseDuration(text: string): Duration | null {
  const match = DURATION_PATTERN.exec(text.trim())
  if (!match) return null
  const value = Number(match[1])
  const unit = match[2] as DurationUnit
  return { value, unit, ms: value * UNIT_MS[unit], text: `${value}${unit}` }
}
