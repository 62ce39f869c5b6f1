import type { Expression, Kysely, SqlBool } from 'kysely'
import type { Database } from './database'
import type { PublishedDecision } from './shadow-decisions'

/**
 * The `trigger_decisions` table: what each automation trigger decided for a contact (fired, deferred, suppressed,
 * cancelled), written with the contact's publication (db/contacts.ts), listed by db/operations.ts for the admin
 * API and pruned by db/retention.ts.
 */

/**
 * Insert statements for the decisions among `decisions` that are not shadowed (those belong in shadow_decisions),
 * each taking effect only when `guard` holds.
 */
export function triggerDecisionInserts(qb: Kysely<Database>, email: string, decisions: PublishedDecision[], guard: Expression<SqlBool>) {
  return decisions.flatMap(({ decision, ...rest }) =>
    decision === 'shadowed'
      ? []
      : [
          qb
            .insertInto('trigger_decisions')
            .columns(['email', 'trigger', 'trigger_key', 'decision', 'reason', 'at'])
            .expression(
              qb
                .selectNoFrom((eb) => [
                  eb.val(email).as('email'),
                  eb.val(rest.trigger).as('trigger'),
                  eb.val(rest.key).as('trigger_key'),
                  eb.val(decision).as('decision'),
                  eb.val(rest.reason).as('reason'),
                  eb.val(rest.at).as('at'),
                ])
                .where(guard),
            ),
        ],
  )
}
