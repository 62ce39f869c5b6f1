import { and, desc, eq, gte, sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import { FAMILY_OF } from '../domain/automation/families'
import type { Expression, Kysely, SqlBool } from 'kysely'
import type { ShadowOutcome, TriggerDecision } from '../domain/model'
import type { Database } from './database'
import { shadowDecisions } from './schema'

/** A decision as the contact publishes it; a shadowed one with the contact properties it would have written. */
export type PublishedDecision = TriggerDecision & { wouldWrite?: Record<string, unknown> }

/**
 * Insert statements for the shadowed decisions among `decisions` (the others belong in trigger_decisions), each
 * taking effect only when `guard` holds.
 */
export function shadowDecisionInserts(qb: Kysely<Database>, email: string, decisions: PublishedDecision[], guard: Expression<SqlBool>) {
  return decisions
    .filter((decision) => decision.decision === 'shadowed')
    .map((decision) =>
      qb
        .insertInto('shadow_decisions')
        .columns(['email', 'trigger', 'family', 'trigger_key', 'outcome', 'reason', 'would_write', 'at'])
        .expression(qb
          .selectNoFrom((eb) => [
            eb.val(email).as('email'),
            eb.val(decision.trigger).as('trigger'),
            eb.val(FAMILY_OF[decision.trigger]).as('family'),
            eb.val(decision.key).as('trigger_key'),
            eb.val(decision.shadow?.outcome ?? 'fired').as('outcome'),
            eb.val(decision.reason).as('reason'),
            eb.val(decision.wouldWrite ? JSON.stringify(decision.wouldWrite) : null).as('would_write'),
            eb.val(decision.at).as('at'),
          ])
          .where(guard)),
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
