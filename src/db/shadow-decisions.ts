import { and, desc, eq, gte, sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import { FAMILY_OF } from '../domain/automation'
import type { ShadowOutcome, TriggerDecision } from '../domain/model'
import { shadowDecisions } from './schema'

/** A decision as the contact publishes it; a shadowed one with the contact properties it would have written. */
export type PublishedDecision = TriggerDecision & { wouldWrite?: Record<string, unknown> }

/** A WHERE clause that must hold for a statement to take effect, and its parameters. */
export interface InsertGuard {
  where: string
  params: unknown[]
}

/**
 * Insert statements for the shadowed decisions among `decisions` (the others belong in trigger_decisions), each
 * taking effect only when `guard` holds.
 */
export function shadowDecisionInserts(db: D1Database, email: string, decisions: PublishedDecision[], guard: InsertGuard): D1PreparedStatement[] {
  return decisions
    .filter((decision) => decision.decision === 'shadowed')
    .map((decision) =>
      db
        .prepare(
          `INSERT INTO shadow_decisions (email, "trigger", family, trigger_key, outcome, reason, would_write, at)
           SELECT ?, ?, ?, ?, ?, ?, ?, ? ${guard.where}`,
        )
        .bind(
          email,
          decision.trigger,
          FAMILY_OF[decision.trigger],
          decision.key,
          decision.shadow?.outcome ?? 'fired',
          decision.reason,
          decision.wouldWrite ? JSON.stringify(decision.wouldWrite) : null,
          decision.at,
          ...guard.params,
        ),
    )
}

export interface ShadowDecisionRow {
  email: string
  trigger: string
  decision: 'shadowed'
  outcome: ShadowOutcome
  reason: string
  wouldWrite: Record<string, unknown> | null
  at: string
}

/** Newest first, for one contact or for everyone. */
export async function listShadowDecisions(db: D1Database, email: string | undefined, limit: number): Promise<ShadowDecisionRow[]> {
  const rows = await drizzle(db)
    .select()
    .from(shadowDecisions)
    .where(email === undefined ? undefined : eq(shadowDecisions.email, email))
    .orderBy(desc(shadowDecisions.id))
    .limit(limit)
  return rows.map((r) => ({
    email: r.email,
    trigger: r.trigger,
    decision: 'shadowed',
    outcome: r.outcome,
    reason: r.reason,
    wouldWrite: r.wouldWrite ? (JSON.parse(r.wouldWrite) as Record<string, unknown>) : null,
    at: r.at,
  }))
}

/** Per family, how many triggers would have fired since each of the given instants (ISO), on the family index. */
export async function wouldHaveFired(db: D1Database, since: { days7: string; days14: string }) {
  const rows = await drizzle(db)
    .select({
      family: shadowDecisions.family,
      days7: sql<number>`coalesce(sum(${shadowDecisions.at} >= ${since.days7}), 0)`,
      days14: sql<number>`count(*)`,
    })
    .from(shadowDecisions)
    .where(and(eq(shadowDecisions.outcome, 'fired'), gte(shadowDecisions.at, since.days14)))
    .groupBy(shadowDecisions.family)
  return new Map(rows.map((r) => [r.family, { days7: r.days7, days14: r.days14 }]))
}
