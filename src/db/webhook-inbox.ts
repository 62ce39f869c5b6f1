import { and, asc, eq, exists, gt, gte, inArray, isNotNull, isNull, lte, ne, not, notInArray, or, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/sqlite-core'
import { drizzle } from 'drizzle-orm/d1'
import { deadLetterInsert } from './dead-letters'
import { webhookEvents } from './schema'

/**
 * The webhook inbox. A row is written once per idempotency key and then moves through
 * pending → done | ignored | dead. Claims are leases: a claimed row is due again only after its lease,
 * so the queue's consumer and the cron sweep never process the same attempt twice. The inbox owns retries:
 * `next_attempt_at` says when an event is due; the queue is a fast path to it.
 *
 * A lease is short and renewed while its attempt runs, so an attempt that died with its process (a crash, a
 * deploy) holds its events half a minute at most. A new event is left to its queue message for half a minute
 * before the sweep takes it.
 */
export const PROCESSING_LEASE_MS = 30_000
export const LEASE_RENEWAL_MS = 10_000
export const FIRST_ATTEMPT_GRACE_MS = 30_000
/** BigCommerce retries a delivery for 48 hours: a failing event is retried at least as long before it is dead. */
export const RETRY_HORIZON_MS = 48 * 3_600_000
/** Queues delay a message 12 hours at most; so do retries. */
const MAX_BACKOFF_MS = 12 * 3_600_000

/** 30 s, 1 min, 2 min, ... doubling, at most 12 h apart. */
export function retryBackoffMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), MAX_BACKOFF_MS)
}

/** Attempts before a dead letter: the fewest whose backoffs add up to the retry horizon (15: about 53 hours). */
export const MAX_ATTEMPTS = (() => {
  let waited = 0
  let attempts = 1
  while (waited < RETRY_HORIZON_MS) waited += retryBackoffMs(attempts++)
  return attempts
})()

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
      nextAttemptAt: event.receivedAt + FIRST_ATTEMPT_GRACE_MS,
    })
    .onConflictDoNothing()
    .returning({ id: webhookEvents.id })
  return inserted.length === 1
}

/** D1 binds at most 100 parameters per query. */
const ID_CHUNK = 90

function chunks<T>(items: readonly T[], size = ID_CHUNK): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/** The events with these ids (one query per 90), whatever their state. */
export async function readEvents(db: D1Database, ids: readonly string[]): Promise<WebhookEventRow[]> {
  const d = drizzle(db)
  const rows: WebhookEventRow[] = []
  for (const chunk of chunks([...new Set(ids)])) rows.push(...(await d.select().from(webhookEvents).where(inArray(webhookEvents.id, chunk))))
  return rows
}

/** Pending and free for an attempt: its first (right after it was recorded), or one whose time has come. */
export function isClaimable(row: WebhookEventRow, now: number): boolean {
  return row.status === 'pending' && (row.attempts === 0 || row.nextAttemptAt <= now)
}

const claimable = (now: number) =>
  and(eq(webhookEvents.status, 'pending'), or(eq(webhookEvents.attempts, 0), lte(webhookEvents.nextAttemptAt, now)))

/**
 * Another attempt holds an event of the same resource: pending, claimed (`started_at`) and its lease running.
 * A failed or released attempt clears `started_at`, so an event waiting for its retry holds nothing.
 */
const siblingInFlight = (d: ReturnType<typeof drizzle>, now: number, ids: readonly string[]) => {
  const other = alias(webhookEvents, 'other')
  return exists(
    d
      .select({ one: sql`1` })
      .from(other)
      .where(
        and(
          eq(other.resourceType, webhookEvents.resourceType),
          eq(other.resourceId, webhookEvents.resourceId),
          notInArray(other.id, [...ids]),
          eq(other.status, 'pending'),
          isNotNull(other.startedAt),
          gt(other.nextAttemptAt, now),
        ),
      ),
  )
}

/**
 * Claims events for an attempt, in one query: each claimed one spends an attempt and is leased. Those done,
 * dead, leased to another attempt, or whose resource another attempt holds are left out: the queue and the
 * sweep race safely, and one resource is processed by one attempt at a time, so its re-fetched states reach
 * its contact in the order they were read (two changes within one second of `date_modified` cannot be told
 * apart by age).
 */
export async function claimEvents(db: D1Database, ids: readonly string[], now: number): Promise<WebhookEventRow[]> {
  const d = drizzle(db)
  const claimed: WebhookEventRow[] = []
  // Each id is bound twice (the claim and the sibling check): half a chunk keeps within D1's 100 parameters.
  for (const chunk of chunks(ids, ID_CHUNK / 2)) {
    claimed.push(
      ...(await d
        .update(webhookEvents)
        .set({ attempts: sql`${webhookEvents.attempts} + 1`, nextAttemptAt: now + PROCESSING_LEASE_MS, startedAt: now })
        .where(and(inArray(webhookEvents.id, chunk), claimable(now), not(siblingInFlight(d, now, chunk))))
        .returning()),
    )
  }
  return claimed
}

/** Extends the lease of an attempt still running (the one that claimed them at `startedAt`, not a later one). */
export async function renewLeases(db: D1Database, ids: readonly string[], startedAt: number, now: number): Promise<void> {
  const d = drizzle(db)
  for (const chunk of chunks(ids)) {
    await d
      .update(webhookEvents)
      .set({ nextAttemptAt: now + PROCESSING_LEASE_MS })
      .where(and(inArray(webhookEvents.id, chunk), eq(webhookEvents.status, 'pending'), eq(webhookEvents.startedAt, startedAt)))
  }
}

/** Up to `limit` pending events whose time has come, oldest due first (not claimed: the caller claims what it takes on). */
export async function dueEvents(db: D1Database, now: number, limit: number): Promise<WebhookEventRow[]> {
  return drizzle(db)
    .select()
    .from(webhookEvents)
    .where(and(eq(webhookEvents.status, 'pending'), lte(webhookEvents.nextAttemptAt, now)))
    .orderBy(asc(webhookEvents.nextAttemptAt))
    .limit(limit)
}

/**
 * Pending events to hand to the webhook queue: due, and not handed over within a lease (a resume includes
 * those never attempted, whose messages the consumer acknowledged while processing was paused). Oldest first.
 */
export async function queueBacklog(db: D1Database, now: number, limit: number, options: { fresh?: boolean } = {}): Promise<string[]> {
  const due = options.fresh ? or(eq(webhookEvents.attempts, 0), lte(webhookEvents.nextAttemptAt, now)) : lte(webhookEvents.nextAttemptAt, now)
  const rows = await drizzle(db)
    .select({ id: webhookEvents.id })
    .from(webhookEvents)
    .where(
      and(
        eq(webhookEvents.status, 'pending'),
        due,
        or(isNull(webhookEvents.queuedAt), lte(webhookEvents.queuedAt, now - FIRST_ATTEMPT_GRACE_MS)),
      ),
    )
    .orderBy(asc(webhookEvents.receivedAt))
    .limit(limit)
  return rows.map((r) => r.id)
}

export async function markQueued(db: D1Database, ids: readonly string[], now: number): Promise<void> {
  const d = drizzle(db)
  for (const chunk of chunks(ids)) await d.update(webhookEvents).set({ queuedAt: now }).where(inArray(webhookEvents.id, chunk))
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
 * When the same resource was last read, successfully, by an attempt that started after this event arrived
 * (that read already saw this event's change, so reading again would only spend API quota); null when none was.
 * A done event's `started_at` is when the state that settled it was read: its own attempt's start, or for an
 * event settled as superseded, the read it relied on (`markEventsDone`'s `readAt`). So superseding never
 * chains through an event that read nothing itself to a read older than the change.
 */
export async function supersedingReadAt(db: D1Database, event: WebhookEventRow): Promise<number | null> {
  if (!event.resourceId || !REFETCHED_RESOURCES.includes(event.resourceType)) return null
  const [later] = await drizzle(db)
    .select({ at: sql<number | null>`max(${webhookEvents.startedAt})` })
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
  return later?.at ?? null
}

/** Settles events as done; `readAt`: they were superseded, settled by that earlier read of their resource. */
export async function markEventsDone(db: D1Database, ids: readonly string[], now: number, readAt?: number): Promise<void> {
  const d = drizzle(db)
  for (const chunk of chunks(ids)) {
    await d
      .update(webhookEvents)
      .set({ status: 'done', processedAt: now, lastError: null, ...(readAt === undefined ? {} : { startedAt: readAt }) })
      .where(inArray(webhookEvents.id, chunk))
  }
}

/**
 * Gives claimed events their attempt back, due now: they failed because the API is paused, not because of
 * anything about them. The error stays visible until the next attempt.
 */
export async function releaseEvents(db: D1Database, ids: readonly string[], error: string, now: number): Promise<void> {
  const d = drizzle(db)
  for (const chunk of chunks(ids)) {
    await d
      .update(webhookEvents)
      .set({ attempts: sql`max(0, ${webhookEvents.attempts} - 1)`, nextAttemptAt: now, lastError: error, startedAt: null })
      .where(and(inArray(webhookEvents.id, chunk), eq(webhookEvents.status, 'pending')))
  }
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
      deadLetterInsert(d, {
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
  await d.update(webhookEvents).set({ lastError: error, nextAttemptAt: at, startedAt: null }).where(eq(webhookEvents.id, event.id))
  return { outcome: 'retry', at }
}

/**
 * The webhook queue gave up on an event's message (its dead-letter queue's consumer). The inbox owns retries,
 * so that alone dead-letters nothing: an event leased to an attempt, or with attempts left, stays pending for
 * the sweep. Only one whose attempts are used up and that no attempt holds is dead-lettered. Returns what
 * became of it.
 */
export async function settleAbandonedEvent(db: D1Database, id: string, now: number): Promise<'dead' | 'left' | 'settled'> {
  const [row] = await readEvents(db, [id])
  if (!row || row.status !== 'pending') return 'settled'
  if (row.nextAttemptAt > now || row.attempts < MAX_ATTEMPTS) return 'left'
  const reason = 'the webhook queue gave up on it (max_retries reached)'
  await markEventFailed(db, row, { error: row.lastError ? `${row.lastError} (${reason})` : reason, final: true }, now)
  return 'dead'
}

/** Puts dead-lettered webhook events back in the inbox, due now, with a fresh attempt count; the ids it did. */
export async function requeueDeadEvents(db: D1Database, ids: readonly string[], now: number): Promise<string[]> {
  const d = drizzle(db)
  const done: string[] = []
  for (const chunk of chunks(ids)) {
    const rows = await d
      .update(webhookEvents)
      .set({ status: 'pending', attempts: 0, nextAttemptAt: now, lastError: null, queuedAt: null })
      .where(and(inArray(webhookEvents.id, chunk), eq(webhookEvents.status, 'dead')))
      .returning({ id: webhookEvents.id })
    done.push(...rows.map((r) => r.id))
  }
  return done
}

/** One event's state in the inbox (the admin API's replay reports it). */
export async function webhookEventState(
  db: D1Database,
  id: string,
): Promise<{ status: string; attempts: number; lastError: string | null } | null> {
  const [row] = await drizzle(db)
    .select({ status: webhookEvents.status, attempts: webhookEvents.attempts, lastError: webhookEvents.lastError })
    .from(webhookEvents)
    .where(eq(webhookEvents.id, id))
  return row ?? null
}
