import { and, desc, eq, gte, inArray, isNotNull, isNull, lt, lte, sql, type SQL } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import type { DecisionKind, ShadowOutcome } from '../domain/model'
import { deadLetters, triggerDecisions, webhookEvents } from './schema'
import { listShadowDecisions } from './shadow-decisions'

/** What the admin API reads from the pipeline's tables: queue depths, dead letters, trigger decisions. */

export interface QueueDepths {
  webhookEvents: { pending: number; dead: number; oldestPendingReceivedAt: number | null }
  deadLetters: { webhook: number; hubspot: number }
}

export async function queueDepths(db: D1Database): Promise<QueueDepths> {
  const d = drizzle(db)
  const [events, letters] = await d.batch([
    d
      .select({
        pending: sql<number>`coalesce(sum(${webhookEvents.status} = 'pending'), 0)`,
        dead: sql<number>`coalesce(sum(${webhookEvents.status} = 'dead'), 0)`,
        oldest: sql<number | null>`min(CASE WHEN ${webhookEvents.status} = 'pending' THEN ${webhookEvents.receivedAt} END)`,
      })
      .from(webhookEvents)
      .where(sql`${webhookEvents.status} IN ('pending', 'dead')`),
    d
      .select({ source: deadLetters.source, n: sql<number>`count(*)` })
      .from(deadLetters)
      .where(isNull(deadLetters.replayedAt))
      .groupBy(deadLetters.source),
  ])
  const open = Object.fromEntries(letters.map((l) => [l.source, l.n]))
  return {
    webhookEvents: { pending: events[0]?.pending ?? 0, dead: events[0]?.dead ?? 0, oldestPendingReceivedAt: events[0]?.oldest ?? null },
    deadLetters: { webhook: open.webhook ?? 0, hubspot: open.hubspot ?? 0 },
  }
}

export type DeadLetterRow = typeof deadLetters.$inferSelect

export interface DeadLetterFilter {
  source?: 'webhook' | 'hubspot'
  state: 'open' | 'replayed' | 'all'
  /** Created within [from, to], unix ms. */
  from?: number
  to?: number
  /** Pages back: only ids below this one. */
  beforeId?: number
  limit: number
}

/** Newest first. */
export async function listDeadLetters(db: D1Database, filter: DeadLetterFilter): Promise<DeadLetterRow[]> {
  const conditions: SQL[] = []
  if (filter.source) conditions.push(eq(deadLetters.source, filter.source))
  if (filter.state === 'open') conditions.push(isNull(deadLetters.replayedAt))
  if (filter.state === 'replayed') conditions.push(isNotNull(deadLetters.replayedAt))
  if (filter.from !== undefined) conditions.push(gte(deadLetters.createdAt, filter.from))
  if (filter.to !== undefined) conditions.push(lte(deadLetters.createdAt, filter.to))
  if (filter.beforeId !== undefined) conditions.push(lt(deadLetters.id, filter.beforeId))
  return drizzle(db)
    .select()
    .from(deadLetters)
    .where(and(...conditions))
    .orderBy(desc(deadLetters.id))
    .limit(filter.limit)
}

export async function deadLetterById(db: D1Database, id: number): Promise<DeadLetterRow | null> {
  const [row] = await drizzle(db).select().from(deadLetters).where(eq(deadLetters.id, id))
  return row ?? null
}

/** HubSpot dead letters among `ids` (at most 90) not replayed yet, with the records they hold. */
export async function openHubSpotDeadLetters(db: D1Database, ids: readonly number[]): Promise<DeadLetterRow[]> {
  return drizzle(db)
    .select()
    .from(deadLetters)
    .where(and(inArray(deadLetters.id, [...ids]), eq(deadLetters.source, 'hubspot'), isNull(deadLetters.replayedAt)))
}

/** Marks these replayed (those not replayed yet); the ids it marked. */
export async function markDeadLettersReplayed(db: D1Database, ids: readonly number[], now: number): Promise<number[]> {
  const marked: number[] = []
  for (let i = 0; i < ids.length; i += 90) {
    const rows = await drizzle(db)
      .update(deadLetters)
      .set({ replayedAt: now })
      .where(and(inArray(deadLetters.id, ids.slice(i, i + 90)), isNull(deadLetters.replayedAt)))
      .returning({ id: deadLetters.id })
    marked.push(...rows.map((r) => r.id))
  }
  return marked
}

/** Marks it replayed unless it already was; false when another replay got there first. */
export async function markDeadLetterReplayed(db: D1Database, id: number, now: number): Promise<boolean> {
  const rows = await drizzle(db)
    .update(deadLetters)
    .set({ replayedAt: now })
    .where(and(eq(deadLetters.id, id), isNull(deadLetters.replayedAt)))
    .returning({ id: deadLetters.id })
  return rows.length === 1
}

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

export interface DecisionRow {
  email: string
  trigger: string
  decision: DecisionKind
  reason: string
  at: string
  /** Shadowed decisions: what a live family would have done, and the contact properties it would have written. */
  shadow?: { outcome: ShadowOutcome; wouldWrite: Record<string, unknown> | null }
}

/**
 * Newest first, for one contact or for everyone, optionally of one kind. Real decisions and shadowed ones live
 * in two tables; each list keeps its own order and the two are merged by decision time.
 */
export async function listDecisions(
  db: D1Database,
  email: string | undefined,
  limit: number,
  kind?: DecisionKind,
): Promise<DecisionRow[]> {
  const conditions: SQL[] = []
  if (email !== undefined) conditions.push(eq(triggerDecisions.email, email))
  if (kind !== undefined && kind !== 'shadowed') conditions.push(eq(triggerDecisions.decision, kind))
  const [real, shadowed] = await Promise.all([
    kind === 'shadowed'
      ? []
      : drizzle(db)
          .select({
            email: triggerDecisions.email,
            trigger: triggerDecisions.trigger,
            decision: triggerDecisions.decision,
            reason: triggerDecisions.reason,
            at: triggerDecisions.at,
          })
          .from(triggerDecisions)
          .where(and(...conditions))
          .orderBy(desc(triggerDecisions.id))
          .limit(limit),
    kind === undefined || kind === 'shadowed' ? listShadowDecisions(db, email, limit) : [],
  ])
  const merged: DecisionRow[] = []
  let i = 0
  let j = 0
  while (merged.length < limit && (i < real.length || j < shadowed.length)) {
    const next = shadowed[j]
    if (next && (i >= real.length || next.at > real[i]!.at)) {
      const { outcome, wouldWrite, ...row } = next
      merged.push({ ...row, shadow: { outcome, wouldWrite } })
      j++
    } else {
      merged.push(real[i++]!)
    }
  }
  return merged
}

/** Whether the storefront's beacon and a live webhook have done their part (getting started): when, or null. */
export async function installationFirsts(db: D1Database): Promise<{ beaconHitAt: number | null; liveWebhookAt: number | null }> {
  const [beacon, webhook] = await db.batch<{ at: number | null }>([
    // Any one row says it happened; the first found is cheap on tables of any size.
    db.prepare('SELECT last_seen_at AS at FROM beacon_visitors LIMIT 1'),
    db.prepare("SELECT processed_at AS at FROM webhook_events WHERE status = 'done' LIMIT 1"),
  ])
  return { beaconHitAt: beacon!.results[0]?.at ?? null, liveWebhookAt: webhook!.results[0]?.at ?? null }
}
