import { add, subtract, multiply, max, ZERO, type Amount } from './money'
import type { Order } from './model'

/**
 * Which orders count (contract section 4). Status ids, never the merchant's labels.
 * 0 Incomplete is never synced; paid statuses count toward revenue and order counts; pending ones are synced
 * but do not count until paid; cancelled or declined ones count for nothing.
 */
export const INCOMPLETE_STATUS = 0
export const PAID_STATUSES: ReadonlySet<number> = new Set([2, 3, 4, 8, 9, 10, 11, 13, 14])
export const PENDING_STATUSES: ReadonlySet<number> = new Set([1, 7, 12])
export const CANCELLED_STATUSES: ReadonlySet<number> = new Set([5, 6])

/** System names of the status ids (`bc_status`). */
export const STATUS_NAMES: Record<number, string> = {
  0: 'incomplete',
  1: 'pending',
  2: 'shipped',
  3: 'partially_shipped',
  4: 'refunded',
  5: 'cancelled',
  6: 'declined',
  7: 'awaiting_payment',
  8: 'awaiting_pickup',
  9: 'awaiting_shipment',
  10: 'completed',
  11: 'awaiting_fulfillment',
  12: 'manual_verification_required',
  13: 'disputed',
  14: 'partially_refunded',
}

export function isSynced(statusId: number): boolean {
  return statusId !== INCOMPLETE_STATUS
}

export function countsAsPaid(statusId: number): boolean {
  return PAID_STATUSES.has(statusId)
}

export function isCancelled(statusId: number): boolean {
  return CANCELLED_STATUSES.has(statusId)
}

export function refundedTotal(order: Pick<Order, 'refunds'>): Amount {
  return add(...order.refunds.map((r) => r.amount))
}

/** Revenue that counts, in the order's currency: total minus refunds for paid orders, never below 0. */
export function netRevenue(order: Pick<Order, 'statusId' | 'totalIncTax' | 'refunds'>): Amount {
  if (!countsAsPaid(order.statusId)) return ZERO
  return max(subtract(order.totalIncTax, refundedTotal(order)), ZERO)
}

export function toBase(order: Pick<Order, 'toBaseRate'>, value: Amount): Amount {
  return multiply(value, order.toBaseRate)
}
