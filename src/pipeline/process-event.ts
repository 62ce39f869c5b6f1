import { requireConfig } from '../config'
import type { WebhookSubject } from '../bigcommerce/webhook'
import { claimDueEvents, claimEvent, isSuperseded, markEventDone, markEventFailed, type WebhookEventRow } from '../db/events'
import type { Env } from '../env'
import { mapLimit } from '../map-limit'
import { applySubject } from './apply'
import { pipelineDeps, type ClientTuning } from './deps'

/** What the webhook route stores for each delivery (never the raw body). */
export interface StoredEvent {
  scope: string
  hash: string
  createdAt?: number
  subject: WebhookSubject
}

/** How one attempt at an event ended: done, to be retried at `at`, or dead-lettered. */
export type EventOutcome = { outcome: 'done' } | { outcome: 'retry'; at: number } | { outcome: 'dead' }

/**
 * Resources processed at once within a batch, each as soon as a slot frees (a slow one holds up no other).
 * Each costs one to four BigCommerce calls of ~150 ms and writes to D1 and a contact; a Worker keeps six
 * connections open at a time and queues the rest, so more slots mostly overlap the D1 and Durable Object
 * work with the calls. Locally (Miniflare) one batch runs at a time, so this is all of its concurrency.
 */
const PARALLEL_RESOURCES = 12

/** Claims one event and processes it now: a dead letter's replay, or a delivery without the queue. */
export async function processEventNow(env: Env, id: string, tuning?: ClientTuning): Promise<EventOutcome | null> {
  const row = await claimEvent(env.DB, id, Date.now())
  if (!row) return null
  return (await processEvents(env, [row], tuning)).get(row.id)!
}

/** The cron sweep: retries every pending event whose time has come, a bounded number per tick. */
export async function sweepDueEvents(
  env: Env,
  now: Date,
  options: { limit?: number; tuning?: ClientTuning } = {},
): Promise<number> {
  const rows = await claimDueEvents(env.DB, now.getTime(), options.limit ?? 50)
  await processEvents(env, rows, options.tuning)
  return rows.length
}

/**
 * Processes claimed events: events that name the same resource (five updates of one order in a burst) cost
 * one re-fetch, since each re-fetch reads the resource's whole current state; a few resources at a time.
 */
export async function processEvents(env: Env, rows: WebhookEventRow[], tuning?: ClientTuning): Promise<Map<string, EventOutcome>> {
  const outcomes = new Map<string, EventOutcome>()
  const groups = [...groupByResource(rows).values()]
  const results = await mapLimit(groups, PARALLEL_RESOURCES, (group) => runGroup(env, group, tuning))
  for (const result of results) for (const [id, outcome] of result) outcomes.set(id, outcome)
  return outcomes
}

/** Events whose processing is a plain re-fetch of the same resource share a key; others stand alone. */
function groupByResource(rows: WebhookEventRow[]): Map<string, { row: WebhookEventRow; stored: StoredEvent }[]> {
  const groups = new Map<string, { row: WebhookEventRow; stored: StoredEvent }[]>()
  for (const row of rows) {
    const stored = JSON.parse(row.payload) as StoredEvent
    const key = refetchKey(stored.subject) ?? `event:${row.id}`
    groups.set(key, [...(groups.get(key) ?? []), { row, stored }])
  }
  return groups
}

function refetchKey(subject: WebhookSubject): string | null {
  switch (subject.kind) {
    case 'order':
      return `order:${subject.orderId}`
    case 'cart':
      return subject.change === 'updated' ? `cart:${subject.cartId}` : null
    case 'customer':
      return subject.change === 'updated' ? `customer:${subject.customerId}` : null
    case 'subscriber':
      return subject.change === 'updated' ? `subscriber:${subject.subscriberId}` : null
    case 'product':
      return subject.change === 'updated' ? `product:${subject.productId}` : null
    case 'company':
      return subject.change === 'updated' ? `company:${subject.companyId}` : null
    default:
      return null
  }
}

async function runGroup(
  env: Env,
  group: { row: WebhookEventRow; stored: StoredEvent }[],
  tuning?: ClientTuning,
): Promise<Map<string, EventOutcome>> {
  const latest = group.reduce((a, b) => (b.row.receivedAt > a.row.receivedAt ? b : a))
  const outcomes = new Map<string, EventOutcome>()
  const markAllDone = async () => {
    for (const { row } of group) {
      await markEventDone(env.DB, row.id, Date.now())
      outcomes.set(row.id, { outcome: 'done' })
    }
  }
  try {
    if (await isSuperseded(env.DB, latest.row)) {
      await markAllDone()
      return outcomes
    }
    // The earliest delivery of the group is the one whose latency counts.
    const createdAt = group.map((g) => g.stored.createdAt).filter((t): t is number => t !== undefined)
    await applySubject(pipelineDeps(env, requireConfig(env), tuning), latest.stored.subject, {
      eventCreatedAt: createdAt.length ? Math.min(...createdAt) : null,
    })
    await markAllDone()
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    const { retryAfterMs, retryable } = err as { retryAfterMs?: unknown; retryable?: unknown }
    const failure = {
      error: message,
      retryAfterMs: typeof retryAfterMs === 'number' ? retryAfterMs : undefined,
      final: retryable === false,
    }
    for (const { row } of group) {
      const outcome = await markEventFailed(env.DB, row, failure, Date.now())
      outcomes.set(row.id, outcome)
      console.warn(`webhook event ${row.scope} ${row.resourceId ?? ''} failed (attempt ${row.attempts}, ${outcome.outcome}): ${message}`)
    }
  }
  return outcomes
}
