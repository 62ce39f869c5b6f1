import { recordCartValues } from '../db/cart-values'
import { publishContactFigures, type ContactPublication } from '../db/contacts'
import type { CartValue } from '../domain/high-value-cart'

/**
 * The contact's save-then-publish step, made idempotent. A change saves its state and what it publishes to D1
 * in one atomic put; the publication is forgotten only once D1 has it. Whatever fails in between (D1 down, the
 * object evicted), the next call of the contact (the event's retry, its alarm, the sweep) completes it first,
 * so no decision row, order figure or wake time is lost, and none is written twice.
 */
export const PUBLICATION_KEY = 'publication'

/** A publication and the carts it ranks for the high-value thresholds. */
export interface PendingPublication extends ContactPublication {
  cartValues: CartValue[]
}

/** A failed publish or alarm tries again after 1 min, doubling up to 30 min while it keeps failing. */
const RETRY_BASE_MS = 60_000
const RETRY_MAX_MS = 30 * 60_000
const ALARM_FAILURES_KEY = 'alarm_failures'

export async function publish(db: D1Database, storage: DurableObjectStorage, publication: PendingPublication): Promise<void> {
  try {
    await publishContactFigures(db, publication)
    await recordCartValues(db, publication.cartValues, new Date(publication.at))
  } catch (err) {
    // No retry may come (a beacon's change, a cart moving away): the alarm comes back for it.
    await wakeBy(storage, Date.now() + RETRY_BASE_MS)
    throw err
  }
  await storage.delete(PUBLICATION_KEY)
}

/** Completes what an earlier change left unpublished, if anything. */
export async function completePendingPublication(db: D1Database, storage: DurableObjectStorage): Promise<void> {
  const pending = await storage.get<PendingPublication>(PUBLICATION_KEY)
  if (pending) await publish(db, storage, pending)
}

/**
 * After a failed alarm: the runtime's own retries stop after a few, and a D1 outage outlasts them, so the
 * contact sets its next try itself, backing off. Returns when.
 */
export async function retryAlarmLater(storage: DurableObjectStorage, now: number): Promise<number> {
  const failures = ((await storage.get<number>(ALARM_FAILURES_KEY)) ?? 0) + 1
  await storage.put(ALARM_FAILURES_KEY, failures)
  const at = now + Math.min(RETRY_BASE_MS * 2 ** (failures - 1), RETRY_MAX_MS)
  await storage.setAlarm(at)
  return at
}

export async function alarmSucceeded(storage: DurableObjectStorage): Promise<void> {
  await storage.delete(ALARM_FAILURES_KEY)
}

async function wakeBy(storage: DurableObjectStorage, at: number): Promise<void> {
  const alarm = await storage.getAlarm()
  if (alarm === null || alarm > at) await storage.setAlarm(at)
}
