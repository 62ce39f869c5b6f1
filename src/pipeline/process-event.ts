import type { WebhookSubject } from '../bigcommerce/webhook'
import {
  claimEvents,
  isClaimable,
  LEASE_RENEWAL_MS,
  markEventFailed,
  markEventsDone,
  readEvents,
  releaseEvents,
  renewLeases,
  supersedingReadAt,
  type WebhookEventRow,
} from '../db/webhook-inbox'
import type { Env } from '../env'
import type { Cost } from '../invocation/budget'
import type { ClientTuning } from '../clients'
import { Invocation } from '../invocation/invocation'
import type { PauseWatch } from '../invocation/pause-watch'
import { mapLimit } from '../map-limit'
import { applySubject } from './apply'
import { pipelineDeps } from './deps'

/** What the webhook route stores for each delivery (never the raw body). */
export interface StoredEvent {
  scope: string
  hash: string
  createdAt?: number
  subject: WebhookSubject
}

/**
 * How an event fared in this invocation: done, to be retried at `at`, dead-lettered; or not attempted here
 * (no attempt spent): `deferred` past the invocation's budget, `paused` while its API is paused, `held` when
 * another attempt holds it or another event of its resource (it is due as soon as that attempt ends), `busy`
 * when it waits for its retry or is settled already.
 */
export type EventOutcome =
  | { outcome: 'done' }
  | { outcome: 'retry'; at: number }
  | { outcome: 'dead' }
  | { outcome: 'deferred' }
  | { outcome: 'paused' }
  | { outcome: 'held' }
  | { outcome: 'busy' }

/**
 * Resources processed at once within a batch, each as soon as a slot frees (a slow one holds up no other).
 * Each costs one to four BigCommerce calls of ~150 ms and writes to D1 and a contact; a Worker keeps six
 * connections open at a time and queues the rest, so more slots mostly overlap the D1 and Durable Object
 * work with the calls. Locally (Miniflare) one batch runs at a time, so this is all of its concurrency.
 */
const PARALLEL_RESOURCES = 12

/** Processes one event now, in an invocation of its own: a dead letter's replay, or a delivery without the queue. */
export async function processEventNow(env: Env, id: string, tuning?: ClientTuning): Promise<EventOutcome | null> {
  const invocation = new Invocation(env, { tuning })
  const outcomes = await processEvents(invocation, await readEvents(invocation.env.DB, [id]))
  return outcomes.get(id) ?? null
}

/**
 * Processes events (as read, not yet claimed): events that name the same resource (five updates of one order
 * in a burst) cost one re-fetch, since each re-fetch reads the resource's whole current state; a few resources
 * at a time. A resource group is claimed only once it is admitted (its API not paused, its estimated cost
 * within the invocation's budget, waiting for running groups to give back what they held), so what is left
 * for later spends no attempt.
 */
export async function processEvents(
  invocation: Invocation,
  rows: WebhookEventRow[],
  now = Date.now(),
): Promise<Map<string, EventOutcome>> {
  const outcomes = new Map<string, EventOutcome>()
  const candidates = rows.filter((row) => isClaimable(row, now) || void outcomes.set(row.id, { outcome: 'busy' }))
  if (!candidates.length) return outcomes
  const watch = await invocation.pauseWatch()
  // The caller's time (a cron tick's) moves on with the real time the work takes.
  const started = Date.now()
  const clock = () => now + (Date.now() - started)
  // One resource's groups (a cart's update and its deletion) run one after another, as other invocations'
  // attempts on it do (claimEvents): its states reach the contact in the order they were read.
  const lanes = [...byResource(groupByResource(candidates)).values()]
  const results = await mapLimit(lanes, PARALLEL_RESOURCES, async (lane) => {
    const laneOutcomes: [string, EventOutcome][] = []
    for (const [key, group] of lane) laneOutcomes.push(...(await runGroup(invocation, watch, key, group, clock)))
    return laneOutcomes
  })
  for (const result of results) for (const [id, outcome] of result) outcomes.set(id, outcome)
  return outcomes
}

/** Groups by the resource their events name (events without one stand alone), in the order they came. */
function byResource(groups: Map<string, Group>): Map<string, [string, Group][]> {
  const lanes = new Map<string, [string, Group][]>()
  for (const [key, group] of groups) {
    const { row } = group[0]!
    const resource = row.resourceId === null ? key : `${row.resourceType}:${row.resourceId}`
    lanes.set(resource, [...(lanes.get(resource) ?? []), [key, group]])
  }
  return lanes
}

type Group = { row: WebhookEventRow; stored: StoredEvent }[]

/** Events whose processing is a plain re-fetch of the same resource share a key; others stand alone. */
function groupByResource(rows: WebhookEventRow[]): Map<string, Group> {
  const groups = new Map<string, Group>()
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

/**
 * The most one resource may cost this invocation (subrequests: BigCommerce, Durable Object and queue calls;
 * D1 queries), held while it runs. An order: the order with its line items, refunds, shipments, coupons and
 * the customer (5 calls), its channel, and for each product not yet read in this invocation its catalog facts
 * and category (2 calls, 4 queries), the contact (1 call), claims and bookkeeping (about 8 queries); sized for
 * 20 distinct products, so a 20-line order of new products fits. A cart is an order's size; the rest are small.
 */
export function estimatedCost(subject: WebhookSubject): Cost {
  switch (subject.kind) {
    case 'order':
    case 'cart':
    case 'cart_abandoned':
      return { subrequests: 50, queries: 90 }
    case 'product':
      return { subrequests: 10, queries: 12 }
    case 'customer':
      return { subrequests: 6, queries: 8 }
    default:
      return { subrequests: 4, queries: 6 }
  }
}

/**
 * Renews the attempt's short lease while it runs, so that it lapses soon after a process dies mid-attempt.
 * `end` stops renewing and waits for a renewal in flight, so none lands after the attempt settled its events.
 */
function keepLease(db: D1Database, ids: string[], claimedAt: number, clock: () => number): { end(): Promise<void> } {
  let inFlight: Promise<void> = Promise.resolve()
  const timer = setInterval(() => {
    inFlight = renewLeases(db, ids, claimedAt, clock()).catch((err: unknown) => console.warn(`lease renewal failed: ${String(err)}`))
  }, LEASE_RENEWAL_MS)
  return {
    async end() {
      clearInterval(timer)
      await inFlight
    },
  }
}

async function runGroup(
  invocation: Invocation,
  watch: PauseWatch,
  key: string,
  group: Group,
  clock: () => number,
): Promise<Map<string, EventOutcome>> {
  const ids = group.map((g) => g.row.id)
  const all = (outcome: EventOutcome) => new Map(ids.map((id) => [id, outcome]))
  if (watch.paused) return all({ outcome: 'paused' })
  const admission = await invocation.budget.admitWhenFree(estimatedCost(group[0]!.stored.subject))
  if (!admission) return all({ outcome: 'deferred' })
  try {
    // BigCommerce may have been paused while this group waited for room.
    if (watch.paused) return all({ outcome: 'paused' })
    const db = invocation.env.DB
    const claimedAt = clock()
    const claimed = await claimEvents(db, ids, claimedAt)
    const outcomes = all({ outcome: 'held' })
    if (!claimed.length) return outcomes
    const claimedIds = claimed.map((row) => row.id)
    const lease = keepLease(db, claimedIds, claimedAt, clock)
    const latest = claimed.reduce((a, b) => (b.receivedAt > a.receivedAt ? b : a))
    try {
      const readAt = await supersedingReadAt(db, latest)
      if (readAt === null) {
        // The earliest delivery of the group is the one whose latency counts.
        const createdAt = group.map((g) => g.stored.createdAt).filter((t): t is number => t !== undefined)
        const subject = group.find((g) => g.row.id === latest.id)!.stored.subject
        await applySubject(pipelineDeps(invocation), subject, { eventCreatedAt: createdAt.length ? Math.min(...createdAt) : null })
        watch.succeeded()
      }
      await lease.end()
      await markEventsDone(db, claimedIds, clock(), readAt ?? undefined)
      for (const id of claimedIds) outcomes.set(id, { outcome: 'done' })
    } catch (err) {
      await lease.end()
      const message = err instanceof Error ? err.message : String(err)
      if (await watch.failed(err, key)) {
        // BigCommerce itself failed and is paused now: the attempt is given back, the event waits for the resume.
        await releaseEvents(db, claimedIds, message, clock())
        for (const id of claimedIds) outcomes.set(id, { outcome: 'paused' })
        return outcomes
      }
      const { retryAfterMs, retryable } = err as { retryAfterMs?: unknown; retryable?: unknown }
      const failure = {
        error: message,
        retryAfterMs: typeof retryAfterMs === 'number' ? retryAfterMs : undefined,
        final: retryable === false,
      }
      for (const row of claimed) {
        const outcome = await markEventFailed(db, row, failure, clock())
        outcomes.set(row.id, outcome)
        console.warn(`webhook event ${row.scope} ${row.resourceId ?? ''} failed (attempt ${row.attempts}, ${outcome.outcome}): ${message}`)
      }
    } finally {
      await lease.end()
    }
    return outcomes
  } finally {
    admission.end()
  }
}
