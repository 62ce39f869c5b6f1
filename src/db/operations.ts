import { and, desc, eq, isNull, sql, type SQL } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import type { DecisionKind, ShadowOutcome } from '../domain/model'
import { beaconVisitors, deadLetters, triggerDecisions, webhookEvents } from './schema'
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
  const d = drizzle(db)
  const [beacon, webhook] = await d.batch([
    // Any one row says it happened; the first found is cheap on tables of any size.
    d.select({ at: beaconVisitors.lastSeenAt }).from(beaconVisitors).limit(1),
    d.select({ at: webhookEvents.processedAt }).from(webhookEvents).where(eq(webhookEvents.status, 'done')).limit(1),
  ])
  return { beaconHitAt: beacon[0]?.at ?? null, liveWebhookAt: webhook[0]?.at ?? null }
}
