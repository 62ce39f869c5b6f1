import type { IsoDate } from '../model'

/** Instants inside the rules are epoch milliseconds; they leave as ISO-8601 UTC with milliseconds. */
export const toMs = (iso: IsoDate): number => Date.parse(iso)
export const toIso = (ms: number): IsoDate => new Date(ms).toISOString()

/** Oldest first by UTC creation, order id breaking ties, so every caller sees the same sequence. */
export function byCreation<T extends { createdAt: IsoDate; orderId: number }>(orders: T[]): T[] {
  return [...orders].sort((a, b) => toMs(a.createdAt) - toMs(b.createdAt) || a.orderId - b.orderId)
}
