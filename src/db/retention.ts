/**
 * Retention of the tables that grow with traffic (README "Retention"). Every rule deletes at most
 * RETENTION_BATCH_ROWS rows per statement, through an index or a window of ids, so one statement stays far
 * below D1's 30 s; the runner stops at a budget of queries and time, well inside one cron invocation's 1,000
 * queries, and the next run continues. What a rule keeps is what something still needs: see each rule.
 */
import { sql, type Kysely, type SelectQueryBuilder } from 'kysely'
import type { Database } from './database'
import { d1Statement, queryBuilder } from './query-builder'
import { stateWrite } from './sync-state'

/** D1's guidance for bulk deletes: about 1,000 rows per statement. */
export const RETENTION_BATCH_ROWS = 1000
/** Processed deliveries are kept this long: far past BigCommerce's 48 h of retries, for dedupe and reports. */
export const PROCESSED_DELIVERIES_MS = 30 * 86_400_000
/** Replayed dead letters are kept this long after their replay (open ones stay until replayed). */
export const REPLAYED_DEAD_LETTERS_MS = 30 * 86_400_000
/**
 * Touches, visitors and anonymous carts are kept this long past the attribution lookback: an order placed
 * now, or one that reaches us up to this late, is credited from exactly the touches it would have had.
 */
export const TOUCH_RETENTION_MARGIN_MS = 30 * 86_400_000

export interface RetentionPolicy {
  now: number
  /** DECISIONS_RETENTION. */
  decisionsMs: number
  /** ATTRIBUTION_LOOKBACK. */
  lookbackMs: number
}

export interface RetentionBudget {
  /** Most queries one run makes (a cron invocation allows 1,000 in all, shared by the jobs of its tick). */
  maxQueries: number
  /** Stop starting statements after this long. */
  maxMs: number
}

export const DEFAULT_RETENTION_BUDGET: RetentionBudget = { maxQueries: 300, maxMs: 60_000 }

export interface RetentionRun {
  deleted: Record<RuleName, number>
  queries: number
  /** The largest number of rows one statement deleted. */
  largestDelete: number
  /** Every rule ran out of work (false: the budget ran out first; the next run continues). */
  complete: boolean
}

type RuleName =
  | 'webhook_events'
  | 'dead_letters'
  | 'trigger_decisions'
  | 'shadow_decisions'
  | 'touches'
  | 'beacon_visitors'
  | 'carts'

/** One bounded step of a rule: statements run as one batch, and how to read what they did. */
interface Step {
  statements: D1PreparedStatement[]
  /** From the statements' results: rows deleted, and whether the rule has more to do. */
  read(results: D1Result[]): { deleted: number; more: boolean }
}

interface Rule {
  name: RuleName
  /** Reads what the rule needs before its first step; returns the queries it made. */
  init?(db: D1Database, policy: RetentionPolicy): Promise<number>
  step(db: D1Database, policy: RetentionPolicy): Step
}

const changes = (result: D1Result | undefined) => result?.meta.changes ?? 0

/** SQLite's own row id: each table here has one, and it orders the rows by insertion for the id windows. */
const rowid = sql<number>`rowid`
type Builder = Kysely<Database>

/** A DELETE of at most one batch of rows picked by `select` (a SELECT of rowids); more while batches are full. */
function deleteBatch(name: RuleName, picked: (qb: Builder, policy: RetentionPolicy) => SelectQueryBuilder<Database, RuleName, { rowid: number }>): Rule {
  return {
    name,
    step: (db, policy) => {
      const qb = queryBuilder(db)
      return {
        statements: [d1Statement(db, qb.deleteFrom(name).where(rowid, 'in', picked(qb, policy).limit(RETENTION_BATCH_ROWS)))],
        read([result]) {
          const deleted = changes(result)
          return { deleted, more: deleted === RETENTION_BATCH_ROWS }
        },
      }
    },
  }
}

/**
 * Tables whose ids grow with their time column (decisions are written when decided): walk the lowest ids a
 * window at a time and delete the old rows of each window, so a statement reads one window whatever the
 * table's size; stop at the first window with nothing old.
 */
function byIdWindows(name: 'trigger_decisions' | 'shadow_decisions', cutoff: (p: RetentionPolicy) => string): Rule {
  let after = 0
  return {
    name,
    step(db, policy) {
      const qb = queryBuilder(db)
      const window = qb.selectFrom(name).select(rowid.as('rowid')).where(rowid, '>', after).orderBy(rowid).limit(RETENTION_BATCH_ROWS)
      return {
        statements: [
          d1Statement(db, qb.selectFrom(window.as('w')).select((eb) => eb.fn.max('w.rowid').as('last'))),
          d1Statement(db, qb.deleteFrom(name).where(rowid, 'in', window).where('at', '<', cutoff(policy))),
        ],
        read([bounds, deletion]) {
          const last = (bounds?.results[0] as { last: number | null } | undefined)?.last ?? null
          const deleted = changes(deletion)
          if (last !== null) after = last
          return { deleted, more: last !== null && deleted > 0 }
        },
      }
    },
  }
}

const iso = (ms: number) => new Date(ms).toISOString()
const touchCutoff = (p: RetentionPolicy) => p.now - p.lookbackMs - TOUCH_RETENTION_MARGIN_MS

/** The rules, in the order a run visits them (round robin, one step each, until all are done or out of budget). */
function rules(): Rule[] {
  return [
    // Deliveries processed or ignored more than 30 days ago; pending and dead ones stay (dead until replayed).
    deleteBatch('webhook_events', (qb, p) =>
      qb
        .selectFrom('webhook_events')
        .select(rowid.as('rowid'))
        .where('received_at', '<', p.now - PROCESSED_DELIVERIES_MS)
        .where('status', 'in', ['done', 'ignored'])),
    // Dead letters replayed more than 30 days ago; open ones stay until an operator replays them.
    deleteBatch('dead_letters', (qb, p) =>
      qb
        .selectFrom('dead_letters')
        .select(rowid.as('rowid'))
        .where('replayed_at', 'is not', null)
        .where('replayed_at', '<', p.now - REPLAYED_DEAD_LETTERS_MS)),
    // Decisions (and shadow-mode decisions) older than DECISIONS_RETENTION: read by the admin API only.
    byIdWindows('trigger_decisions', (p) => iso(p.now - p.decisionsMs)),
    byIdWindows('shadow_decisions', (p) => iso(p.now - p.decisionsMs)),
    touchesRule(),
    // Visitor state (sessions, the identities last sent) of visitors not seen for the lookback plus margin:
    // one coming back starts afresh, and their identity links stay in beacon_identities.
    deleteBatch('beacon_visitors', (qb, p) => qb.selectFrom('beacon_visitors').select(rowid.as('rowid')).where('last_seen_at', '<', touchCutoff(p))),
    // Carts that never had an email nor became an order, idle for the lookback plus margin (BigCommerce has
    // long dropped them): no contact and no attribution path leads through them.
    deleteBatch('carts', (qb, p) =>
      qb
        .selectFrom('carts')
        .select(rowid.as('rowid'))
        .where('email', 'is', null)
        .where('order_id', 'is', null)
        .where('updated_at', '<', iso(touchCutoff(p)))),
  ]
}

/** Where the touches rule walks from, and when its current pass over the table began. */
interface TouchCursor {
  after: number
  passStartedAt: number
}
const TOUCH_CURSOR_KEY = 'retention:touches_cursor'
const LINKED_WATERMARK_KEY = 'retention:linked_touches_after_seq'
/** Touches kept once may become removable (a result moved on): a new pass from the start every week. */
const TOUCH_PASS_MS = 7 * 86_400_000

/**
 * Touches older than the lookback plus margin that nothing needs:
 * - of a visitor never linked to any identity (nothing leads to them: if they identify later, their first
 *   touch is the first one kept);
 * - of an identified visitor, once the rollup has recomputed results since last_touch_id exists (migration
 *   0010's watermark), every touch except the visitor's first and latest and the ones a result points at
 *   (each contact's first and last touch, each order's credited and last touch). Those keep the first and
 *   last touches, the credited touches of old orders and of any order still to come: a recompute finds
 *   the same answers.
 * Touch ids grow with time: a window of ids at a time from a cursor kept in sync_state, up to the first
 * window of recent touches; the walk restarts from the lowest id weekly.
 */
function touchesRule(): Rule {
  const cursor: TouchCursor = { after: 0, passStartedAt: 0 }
  let linkedAllowed = false
  return {
    name: 'touches',
    async init(db, policy) {
      // One query: the cursor, and whether the rollup has passed the watermark (no change at or below it left).
      const stored = await queryBuilder(db)
        .selectNoFrom((eb) => [
          eb.selectFrom('sync_state').select('value').where('key', '=', TOUCH_CURSOR_KEY).as('cursor'),
          eb
            .not(eb.exists(eb
              .selectFrom('attribution_changes')
              .select(sql.lit(1).as('one'))
              .where('seq', '<=', eb.fn.coalesce(
                eb.selectFrom('sync_state').select((s) => s.cast<number>('value', 'integer').as('seq')).where('key', '=', LINKED_WATERMARK_KEY),
                eb.lit(0),
              ))))
            .as('linkedAllowed'),
        ])
        .executeTakeFirst()
      const saved = stored?.cursor ? (JSON.parse(stored.cursor) as TouchCursor) : null
      Object.assign(cursor, saved && policy.now - saved.passStartedAt < TOUCH_PASS_MS ? saved : { after: 0, passStartedAt: policy.now })
      linkedAllowed = stored?.linkedAllowed === 1
      return 1
    },
    step(db, policy) {
      const qb = queryBuilder(db)
      const cutoff = touchCutoff(policy)
      const window = qb.selectFrom('touches').select('id').where('id', '>', cursor.after).orderBy('id').limit(RETENTION_BATCH_ROWS)
      // The window's bounds, and the cursor saved from them (before the DELETE changes the window): it moves
      // past the window unless the window reached touches received after the cutoff (nothing further is old).
      const bounds = qb
        .selectFrom('touches')
        .select((eb) => [eb.fn.max('id').as('last'), eb.fn.min('received_at').as('firstReceived')])
        .where('id', 'in', window)
      const nextCursor = qb.selectFrom(bounds.as('b')).select((eb) =>
        eb
          .fn<string>('json_object', [
            eb.val('after'),
            eb
              .case()
              .when(eb.or([eb('b.last', 'is', null), eb('b.firstReceived', '>=', cutoff)]))
              .then(eb.val(cursor.after))
              .else(eb.ref('b.last'))
              .end(),
            eb.val('passStartedAt'),
            eb.val(cursor.passStartedAt),
          ])
          .as('value'))
      const deletion = qb
        .deleteFrom('touches')
        .where('id', 'in', window)
        .where('occurred_at', '<', cutoff)
        .where((eb) => {
          const one = sql.lit(1).as('one')
          const unlinked = eb.not(eb.exists(eb.selectFrom('beacon_identities as bi').select(one).whereRef('bi.anonymous_id', '=', 'touches.anonymous_id')))
          if (!linkedAllowed) return unlinked
          const pointedAt = (table: 'contact_touches' | 'order_attribution', column: 'first_touch_id' | 'last_touch_id' | 'touch_id') =>
            eb.not(eb.exists(eb.selectFrom(table).select(one).where(sql.ref(column), '=', eb.ref('touches.id'))))
          return eb.or([
            unlinked,
            eb.and([
              // An earlier touch of the visitor, and a later one: this is neither their first nor their latest.
              eb.exists(eb.selectFrom('touches as e').select(one).whereRef('e.anonymous_id', '=', 'touches.anonymous_id').where((e) =>
                e.or([
                  e('e.occurred_at', '<', e.ref('touches.occurred_at')),
                  e.and([e('e.occurred_at', '=', e.ref('touches.occurred_at')), e('e.id', '<', e.ref('touches.id'))]),
                ]))),
              eb.exists(eb.selectFrom('touches as l').select(one).whereRef('l.anonymous_id', '=', 'touches.anonymous_id').where((l) =>
                l.or([
                  l('l.occurred_at', '>', l.ref('touches.occurred_at')),
                  l.and([l('l.occurred_at', '=', l.ref('touches.occurred_at')), l('l.id', '>', l.ref('touches.id'))]),
                ]))),
              pointedAt('contact_touches', 'first_touch_id'),
              pointedAt('contact_touches', 'last_touch_id'),
              pointedAt('order_attribution', 'touch_id'),
              pointedAt('order_attribution', 'last_touch_id'),
            ]),
          ])
        })
      return {
        statements: [d1Statement(db, bounds), stateWrite(db, TOUCH_CURSOR_KEY, nextCursor, policy.now), d1Statement(db, deletion)],
        read([range, , deletion]) {
          const row = range?.results[0] as { last: number | null; firstReceived: number | null } | undefined
          const reachedRecent = row?.last == null || (row.firstReceived ?? 0) >= cutoff
          if (!reachedRecent) cursor.after = row.last!
          return { deleted: changes(deletion), more: !reachedRecent }
        },
      }
    },
  }
}

/** One retention run: each rule a bounded step at a time, round robin, within the budget. */
export async function runRetention(
  db: D1Database,
  policy: RetentionPolicy,
  budget: RetentionBudget = DEFAULT_RETENTION_BUDGET,
): Promise<RetentionRun> {
  const started = Date.now()
  const all = rules()
  const run: RetentionRun = {
    deleted: Object.fromEntries(all.map((r) => [r.name, 0])) as Record<RuleName, number>,
    queries: 0,
    largestDelete: 0,
    complete: false,
  }
  for (const rule of all) run.queries += (await rule.init?.(db, policy)) ?? 0
  let active = all
  while (active.length > 0) {
    const next: Rule[] = []
    for (const rule of active) {
      const step = rule.step(db, policy)
      if (Date.now() - started > budget.maxMs || run.queries + step.statements.length > budget.maxQueries) return run
      const { deleted, more } = step.read(await db.batch(step.statements))
      run.queries += step.statements.length
      run.deleted[rule.name] += deleted
      run.largestDelete = Math.max(run.largestDelete, deleted)
      if (more) next.push(rule)
    }
    active = next
  }
  run.complete = true
  return run
}
