import { and, asc, eq, gt, gte, isNull, lte, ne, or, sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import { deadLetters, webhookEvents } from './schema'

/**
 * The webhook inbox. A row is written once per idempotency key and then moves through
 * pending → done | ignored | dead. Claims are leases: a claimed row is due again only after its lease,
 * so an immediate `waitUntil` run and the cron sweep never process the same attempt twice.
 */
export const PROCESSING_LEASE_MS = 2 * 60_000
export const MAX_ATTEMPTS = 8

export type WebhookEventRow = typeof webhookEvents.$inferSelect

export interface NewWebhookEvent {
  id: string
  scope: string
  resourceType: string
  resourceId: string | null
  payload: string
  eventCreatedAt: number | null
  receivedAt: number
  ignored: boolean
}

/** Records a delivery. Returns false when the key was already recorded (a duplicate delivery). */
export async function recordWebhookEvent(db: D1Database, event: NewWebhookEvent): Promise<boolean> {
  const inserted = await drizzle(db)
    .insert(webhookEvents)
    .values({
      id: event.id,
      scope: event.scope,
      resourceType: event.resourceType,
      resourceId: event.resourceId,
      payload: event.payload,
      eventCreatedAt: event.eventCreatedAt,
      receivedAt: event.receivedAt,
      status: event.ignored ? 'ignored' : 'pending',
      attempts: 0,
      nextAttemptAt: event.receivedAt + PROCESSING_LEASE_MS,
    })
    .onConflictDoNothing()
    .returning({ id: webhookEvents.id })
  return inserted.length === 1
}

/**
 * Claims one pending event for an attempt: its first (right after it was recorded), or a retry whose time
 * has come. Null when it is done, dead, or leased to another attempt (the queue and the sweep race safely).
 */
export async function claimEvent(db: D1Database, id: string, now: number): Promise<WebhookEventRow | null> {
  const rows = await drizzle(db)
    .update(webhookEvents)
    .set({ attempts: sql`${webhookEvents.attempts} + 1`, nextAttemptAt: now + PROCESSING_LEASE_MS, startedAt: now })
    .where(
      and(
        eq(webhookEvents.id, id),
        eq(webhookEvents.status, 'pending'),
        or(eq(webhookEvents.attempts, 0), lte(webhookEvents.nextAttemptAt, now)),
      ),
    )
    .returning()
  return rows[0] ?? null
}

/** An event's state, for a queue message whose event could not be claimed. */
export async function eventState(db: D1Database, id: string): Promise<Pick<WebhookEventRow, 'status' | 'nextAttemptAt'> | null> {
  const rows = await drizzle(db)
    .select({ status: webhookEvents.status, nextAttemptAt: webhookEvents.nextAttemptAt })
    .from(webhookEvents)
    .where(eq(webhookEvents.id, id))
  return rows[0] ?? null
}

/** Claims up to `limit` pending events whose retry time has come, oldest first. */
export async function claimDueEvents(db: D1Database, now: number, limit: number): Promise<WebhookEventRow[]> {
  const d = drizzle(db)
  const due = await d
    .select({ id: webhookEvents.id })
    .from(webhookEvents)
    .where(and(eq(webhookEvents.status, 'pending'), lte(webhookEvents.nextAttemptAt, now)))
    .orderBy(asc(webhookEvents.nextAttemptAt))
    .limit(limit)
  const claimed: WebhookEventRow[] = []
  for (const { id } of due) {
    const rows = await d
      .update(webhookEvents)
      .set({ attempts: sql`${webhookEvents.attempts} + 1`, nextAttemptAt: now + PROCESSING_LEASE_MS, startedAt: now })
      .where(and(eq(webhookEvents.id, id), eq(webhookEvents.status, 'pending'), lte(webhookEvents.nextAttemptAt, now)))
      .returning()
    if (rows[0]) claimed.push(rows[0])
  }
  return claimed
}

/** What the backfill looks at to give way to live work (unix ms; null when there is none). */
export interface LiveTraffic {
  /** The oldest delivery received since `since` still waiting for its first attempt to finish. */
  oldestWaitingAt: number | null
  /** The latest delivery received. */
  latestReceivedAt: number | null
}

/**
 * The inbox seen as live traffic. A delivery that failed once waits for its retry and is not counted as
 * waiting: it is no longer live work that anything could speed up.
 */
export async function liveTraffic(db: D1Database, since: number): Promise<LiveTraffic> {
  const d = drizzle(db)
  const [waiting, latest] = await Promise.all([
    d
      .select({ at: sql<number | null>`min(${webhookEvents.receivedAt})` })
      .from(webhookEvents)
      .where(and(eq(webhookEvents.status, 'pending'), isNull(webhookEvents.lastError), gte(webhookEvents.receivedAt, since))),
    d.select({ at: sql<number | null>`max(${webhookEvents.receivedAt})` }).from(webhookEvents),
  ])
  return { oldestWaitingAt: waiting[0]?.at ?? null, latestReceivedAt: latest[0]?.at ?? null }
}

/** Resources whose processing is a plain re-fetch of their whole current state. */
const REFETCHED_RESOURCES = ['order', 'customer', 'product']

/**
 * True when the same resource was re-fetched, successfully, by an attempt that started after this event
 * arrived: that fetch already saw this event's change, so fetching again would only spend API quota.
 */
export async function isSuperseded(db: D1Database, event: WebhookEventRow): Promise<boolean> {
  if (!event.resourceId || !REFETCHED_RESOURCES.includes(event.resourceType)) return false
  const later = await drizzle(db)
    .select({ id: webhookEvents.id })
    .from(webhookEvents)
    .where(
      and(
        eq(webhookEvents.resourceType, event.resourceType),
        eq(webhookEvents.resourceId, event.resourceId),
        gt(webhookEvents.startedAt, event.receivedAt),
        eq(webhookEvents.status, 'done'),
        ne(webhookEvents.id, event.id),
      ),
    )
    .limit(1)
  return later.length > 0
}

export async function markEventDone(db: D1Database, id: string, now: number): Promise<void> {
  await drizzle(db)
    .update(webhookEvents)
    .set({ status: 'done', processedAt: now, lastError: null })
    .where(eq(webhookEvents.id, id))
}

export interface EventFailure {
  error: string
  /** The API asked us to wait at least this long. */
  retryAfterMs?: number
  /** Retrying cannot help (e.g. the resource itself is unusable): dead-letter now. */
  final?: boolean
}

/**
 * A failed attempt: retry later with backoff, or after MAX_ATTEMPTS (or a final failure) move it to the
 * dead letters with the last error. Returns what happened.
 */
export async function markEventFailed(
  db: D1Database,
  event: WebhookEventRow,
  { error, retryAfterMs, final = false }: EventFailure,
  now: number,
): Promise<{ outcome: 'retry'; at: number } | { outcome: 'dead' }> {
  const d = drizzle(db)
  if (final || event.attempts >= MAX_ATTEMPTS) {
    await d.batch([
      d
        .update(webhookEvents)
        .set({ status: 'dead', lastError: error, processedAt: now })
        .where(eq(webhookEvents.id, event.id)),
      d.insert(deadLetters).values({
        source: 'webhook',
        reference: event.id,
        payload: event.payload,
        error,
        attempts: event.attempts,
        createdAt: now,
      }),
    ])
    return { outcome: 'dead' }
  }
  const at = now + Math.max(retryBackoffMs(event.attempts), retryAfterMs ?? 0)
  await d.update(webhookEvents).set({ lastError: error, nextAttemptAt: at }).where(eq(webhookEvents.id, event.id))
  return { outcome: 'retry', at }
}

/** Dead-letters a pending event the queue gave up on (it keeps its last error); false when it is settled already. */
export async function giveUpEvent(db: D1Database, id: string, reason: string, now: number): Promise<boolean> {
  const rows = await drizzle(db)
    .select()
    .from(webhookEvents)
    .where(and(eq(webhookEvents.id, id), eq(webhookEvents.status, 'pending')))
  const row = rows[0]
  if (!row) return false
  await markEventFailed(db, row, { error: row.lastError ? `${row.lastError} (${reason})` : reason, final: true }, now)
  return true
}

/** 30 s, 1 min, 2 min, ... capped at 1 h: a few hours in all before an event is dead-lettered. */
export function retryBackoffMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 3_600_000)
}

/** Puts a dead-lettered webhook event back in the queue, due now, with a fresh attempt count. */
export async function requeueWebhookEvent(db: D1Database, id: string, now: number): Promise<boolean> {
  const rows = await drizzle(db)
    .update(webhookEvents)
    .set({ status: 'pending', attempts: 0, nextAttemptAt: now, lastError: null })
    .where(and(eq(webhookEvents.id, id), eq(webhookEvents.status, 'dead')))
    .returning({ id: webhookEvents.id })
  return rows.length === 1
}
