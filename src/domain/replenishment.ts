import type { Order } from './model'
import { gaps, median, refundedInFull } from './lifecycle'
import { toMs } from './automation/time'

/** A category a customer buys again and again, and when they should be due for more. */
export interface ReplenishmentSchedule {
  /** The category name, or `sku:<sku>` for products without a category. */
  group: string
  /** Creation instants of the paid orders that bought it, oldest first. */
  purchases: number[]
  medianIntervalMs: number
  dueAt: number
}

/** What a line restocks: its category, else its SKU (so uncategorized products still replenish). */
export function replenishmentGroup(line: Order['lines'][number]): string | null {
  if (line.category) return line.category
  return line.sku ? `sku:${line.sku}` : null
}

/**
 * For each group bought in at least two paid orders (lines refunded in full do not count): due at the last
 * purchase plus the median interval between purchases. A zero median (two orders at the same instant) gives
 * no rhythm to follow, so no schedule.
 */
export function replenishmentSchedules(paidOldestFirst: Order[]): ReplenishmentSchedule[] {
  const purchases = new Map<string, number[]>()
  for (const order of paidOldestFirst) {
    const groups = new Set(order.lines.filter((l) => !refundedInFull(l)).map(replenishmentGroup))
    for (const group of groups) {
      if (group) purchases.set(group, [...(purchases.get(group) ?? []), toMs(order.createdAt)])
    }
  }
  const schedules: ReplenishmentSchedule[] = []
  for (const [group, instants] of purchases) {
    if (instants.length < 2) continue
    const medianIntervalMs = Math.round(median(gaps(instants)) as number)
    if (medianIntervalMs <= 0) continue
    schedules.push({ group, purchases: instants, medianIntervalMs, dueAt: instants[instants.length - 1] + medianIntervalMs })
  }
  return schedules
}
