import type { Actor } from '../db/audit'
import { requeueDeadEvents } from '../db/webhook-inbox'
import { listDeadLetters, markDeadLettersReplayed, type DeadLetterRow } from '../db/dead-letters'
import { hubspotWriter } from '../durable/stubs'
import type { Env } from '../env'
import { Invocation } from '../invocation/invocation'
import { queueEvents } from '../pipeline/queue'
import { audited } from './audited-change'
import { errorClassOf, type ErrorClass } from './dead-letter-replay'

/**
 * `POST /admin/api/dead-letters/replay`: every open dead letter that matches a filter (its kind, its error
 * class, when it was dead-lettered), replayed at once, or only counted with `dryRun`. Webhook events go back
 * into the inbox with a fresh attempt count and to the queue (with `WEBHOOK_PROCESSING=inline` the sweep takes
 * them, due now); HubSpot records go back to the writer. At most `MAX_REPLAYED` per call: the answer says how
 * many still match, and the same call replays the next ones.
 */
export interface BulkReplayFilter {
  kind?: 'webhook' | 'hubspot'
  errorClass?: ErrorClass
  from?: Date
  to?: Date
}

export interface BulkReplayResult {
  dryRun: boolean
  /** Open dead letters matching the filter (before this call replayed any). */
  matched: number
  replayed: number
  /** Matching ones another replay settled first. */
  skipped: number
  /** Still matching after this call (more than one call's worth, or none). */
  remaining: number
  byKind: Record<'webhook' | 'hubspot', number>
  byErrorClass: Partial<Record<ErrorClass, number>>
}

export const MAX_REPLAYED = 2_000
/** Open dead letters read per query while matching; at most `MAX_SCANNED` in one call. */
const SCAN_PAGE = 500
const MAX_SCANNED = 50_000

/** The open dead letters that match, newest first (at most MAX_SCANNED looked at). */
async function matching(db: D1Database, filter: BulkReplayFilter): Promise<DeadLetterRow[]> {
  const found: DeadLetterRow[] = []
  let beforeId: number | undefined
  for (let scanned = 0; scanned < MAX_SCANNED; scanned += SCAN_PAGE) {
    const page = await listDeadLetters(db, {
      state: 'open',
      source: filter.kind,
      from: filter.from?.getTime(),
      to: filter.to?.getTime(),
      beforeId,
      limit: SCAN_PAGE,
    })
    found.push(...page.filter((row) => !filter.errorClass || errorClassOf(row.source, row.error) === filter.errorClass))
    if (page.length < SCAN_PAGE) break
    beforeId = page[page.length - 1]!.id
  }
  return found
}

export async function bulkReplay(env: Env, filter: BulkReplayFilter, options: { dryRun: boolean; now: Date }): Promise<BulkReplayResult> {
  const invocation = new Invocation(env)
  const rows = await matching(invocation.env.DB, filter)
  const byKind = { webhook: 0, hubspot: 0 }
  const byErrorClass: Partial<Record<ErrorClass, number>> = {}
  for (const row of rows) {
    byKind[row.source]++
    const errorClass = errorClassOf(row.source, row.error)
    byErrorClass[errorClass] = (byErrorClass[errorClass] ?? 0) + 1
  }
  const result = { dryRun: options.dryRun, matched: rows.length, replayed: 0, skipped: 0, remaining: rows.length, byKind, byErrorClass }
  if (options.dryRun) return result

  // Oldest first: what failed first is replayed first.
  const batch = rows.slice(-MAX_REPLAYED).reverse()
  const now = options.now.getTime()
  const webhook = batch.filter((row) => row.source === 'webhook')
  const requeued = new Set(await requeueDeadEvents(invocation.env.DB, webhook.map((row) => row.reference), now))
  const replayedWebhooks = webhook.filter((row) => requeued.has(row.reference))
  const marked = await markDeadLettersReplayed(invocation.env.DB, replayedWebhooks.map((row) => row.id), now)
  await queueEvents(invocation, [...requeued], now)
  const hubspot = batch.filter((row) => row.source === 'hubspot').map((row) => row.id)
  let replayedHubSpot = 0
  for (let i = 0; i < hubspot.length; i += 500) replayedHubSpot += (await hubspotWriter(env).replayDeadLetters(hubspot.slice(i, i + 500))).length
  const replayed = marked.length + replayedHubSpot
  return { ...result, replayed, skipped: batch.length - replayed, remaining: rows.length - batch.length }
}

/** The replay as an operator's change: the filter, how many matched, and what was replayed, in the audit log. */
export async function bulkReplayAudited(env: Env, actor: Actor, filter: BulkReplayFilter, now: Date): Promise<BulkReplayResult> {
  const target = {
    kind: filter.kind ?? 'any',
    errorClass: filter.errorClass ?? 'any',
    from: filter.from?.toISOString() ?? null,
    to: filter.to?.toISOString() ?? null,
  }
  return audited(
    env.DB,
    { actor, action: 'dead_letter.bulk_replay', target: JSON.stringify(target), before: null },
    () => bulkReplay(env, filter, { dryRun: false, now }),
  )
}
