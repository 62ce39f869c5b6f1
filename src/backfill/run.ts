import { BigCommerceError } from '../bigcommerce/bigcommerce-client'
import { requireConfig } from '../config'
import { bigCommerceClient } from '../clients'
import { catalogReads } from '../bigcommerce/catalog-reads'
import { createCatalogLookups } from '../db/catalog'
import { acquireLease, BACKFILL_PHASES, finishJob, recordFailure, releaseLease, runningJob, saveProgress, type BackfillJob, type BackfillPhase } from '../db/backfill-jobs'
import { readApiPauses } from '../db/api-pauses'
import { consumeStaged, stagedRecords, stagePage, type JobUpdate } from '../db/backfill-staging'
import type { Env } from '../env'
import type { Invocation } from '../invocation/invocation'
import { pauseOnRefusal } from '../invocation/pause-watch'
import { sleep as realSleep } from '../sleep'
import { Budget, quotaFor, type Phase, type PhaseContext } from './phase-context'
import { customersPhase, subscribersPhase } from './customers'
import { giveWayToLiveWork, waitForWriter } from './give-way'
import { ordersPhase } from './orders'
import { productsPhase } from './products'

// Each phase stages records of its own shape and applies only those (method parameters are bivariant).
const PHASES: Record<BackfillPhase, Phase> = {
  customers: customersPhase,
  subscribers: subscribersPhase,
  products: productsPhase,
  orders: ordersPhase,
}

/** The cursor of a phase whose last page is listed: what is staged finishes it. */
const LISTED_ALL = '"listed"'

export interface RunOptions {
  /**
   * Wall time this run may start work in. Default 25 s (a cron tick without a queue; a step passes its own).
   * Waits for the store's quota, the HubSpot writer and live work count against it.
   */
  budgetMs?: number
  /** Outbound calls (BigCommerce and Durable Objects) this run may make. Default 800. */
  maxCalls?: number
  /** Stop after this many checkpoints (tests simulate an interruption with it). */
  maxChunks?: number
  now?: () => Date
  /** How the run waits: on BigCommerce's quota (passed to its client) and for live work (tests). */
  sleep?: (ms: number) => Promise<void>
  /** The cron tick it runs in: its budget and BigCommerce client are shared with the tick's other jobs. */
  invocation?: Invocation
}

export type RunOutcome =
  | { ran: false; reason: 'no_job' | 'leased' | 'paused' }
  | { ran: true; jobId: string; state: 'running' | 'done' | 'failed'; phase: BackfillJob['phase']; chunks: number; error?: string }

/** A lost lease: another run owns the job now; this one stops without touching it. */
class LeaseLost extends Error {}

/** Consecutive failing runs before a job is marked failed: transient errors get ten minutes of cron ticks. */
const MAX_RETRYABLE_FAILURES = 10
const MAX_PERMANENT_FAILURES = 3
/**
 * How long a lease lasts past its last renewal (taking it, and each checkpoint). A run killed mid-chunk
 * (a deploy, a crash) blocks the job this long at most; a live run renews it long before.
 */
const LEASE_MS = 60_000
/** The longest a run waits for the store's rate window within its budget (one whole window). */
const MAX_QUOTA_WAIT_MS = 30_000

/**
 * One bounded run of the running backfill job: takes its lease, counts the totals on the first run, then
 * works from the saved point: applies what is staged a chunk at a time, and when nothing is, lists the
 * phase's next page into the stage with the cursor past it (one transaction), until the job is done or the
 * budget is spent. Safe to call at any time and from several places at once: only the lease holder works.
 * Errors are recorded on the job and retried by the next run.
 */
export async function runBackfill(env: Env, options: RunOptions = {}): Promise<RunOutcome> {
  const clock = options.now ?? (() => new Date())
  const job = await runningJob(env.DB)
  if (!job) return { ran: false, reason: 'no_job' }
  // BigCommerce refused the token or is down: history waits with the live events (a resume lets both go on).
  const paused = options.invocation ? (await options.invocation.pauseWatch()).paused : (await readApiPauses(env.DB)).bigcommerce.paused
  if (paused) return { ran: false, reason: 'paused' }
  const owner = crypto.randomUUID()
  const startedAt = clock().getTime()
  const budgetMs = options.budgetMs ?? 25_000
  if (!(await acquireLease(env.DB, job.id, owner, startedAt, startedAt + LEASE_MS))) {
    return { ran: false, reason: 'leased' }
  }

  const budget = new Budget(startedAt + budgetMs, options.maxCalls ?? 800, () => clock().getTime(), options.invocation?.budget)
  const state = {
    phase: job.phase,
    cursor: job.cursor,
    progress: job.progress,
    counted: job.counted,
    skipped: job.skipped,
  }
  let chunks = 0
  const update = () => {
    const at = clock().getTime()
    return { ...state, now: at, leaseUntil: at + LEASE_MS } satisfies JobUpdate
  }
  const saved = (ok: boolean) => {
    if (!ok) throw new LeaseLost()
  }
  const save = async () => saved(await saveProgress(env.DB, job.id, owner, update()))
  const sleep = options.sleep ?? realSleep
  let gaveWayMs = 0
  let workingSince = startedAt
  const now = () => clock().getTime()
  const giveWay = async () => {
    gaveWayMs += await giveWayToLiveWork({ env, budget, now, sleep }, now() - workingSince)
    workingSince = now()
  }
  /** After each checkpoint: the chunk limit of a test, else live work's turn. */
  const checkpointed = async () => {
    chunks++
    if (options.maxChunks !== undefined && chunks >= options.maxChunks) budget.stop()
    else await giveWay()
  }

  const countCalls = options.invocation?.onBigCommerceCall(() => budget.spend())
  try {
    const config = requireConfig(env)
    const client = options.invocation?.bigcommerce ?? bigCommerceClient(config, {
      // Waiting out a spent quota window is fine within the run; longer, and the next run resumes.
      maxWaitMs: Math.min(MAX_QUOTA_WAIT_MS, budgetMs),
      fetch: (input, init) => {
        budget.spend()
        return fetch(input, init)
      },
      // The run's clock: rate-limit readings age with the time the run sees.
      now,
      sleep,
    })
    const ctx: PhaseContext = {
      env,
      client,
      lookups: createCatalogLookups(env.DB, catalogReads(client), clock, { remember: true }),
      since: job.since,
      inTransit: { at: job.startedAt, windowMs: config.BACKFILL_SHIPMENTS_WINDOW.ms },
      budget,
      now: clock,
    }

    if (!state.counted) {
      for (const name of BACKFILL_PHASES) state.progress[name].total = (await PHASES[name].count?.(ctx)) ?? 0
      state.counted = true
      await save()
    }

    await giveWay()
    while (state.phase !== 'done') {
      const name: BackfillPhase = state.phase
      const phase = PHASES[name]
      const progress = state.progress[name]
      const staged = await stagedRecords(env.DB, job.id, phase.chunk)
      if (staged.length === 0 && state.cursor === LISTED_ALL) {
        // What the walk found is the exact total (BigCommerce's count may include records we skip or miss).
        progress.total = progress.done
        state.phase = BACKFILL_PHASES[BACKFILL_PHASES.indexOf(name) + 1] ?? 'done'
        state.cursor = null
        await save()
        continue
      }
      if (budget.exhausted()) break
      if (staged.length > 0) {
        const records = staged.map((s) => s.record)
        const calls = phase.applyCalls(records)
        if (budget.exhausted(calls.outbound) || !(await quotaFor(ctx, calls.bigcommerce))) break
        const { skipped } = await phase.apply(ctx, records)
        progress.done += records.length
        progress.total = Math.max(progress.total, progress.done)
        state.skipped += skipped
        saved(await consumeStaged(env.DB, job.id, owner, staged[staged.length - 1]!.seq, update()))
      } else {
        if (budget.exhausted(phase.listCalls) || !(await quotaFor(ctx, phase.listCalls))) break
        // History waits while HubSpot has not caught up with what was read already.
        if (!(await waitForWriter({ env, budget, sleep }))) break
        const page = await phase.list(ctx, state.cursor)
        progress.done += page.unusable
        progress.total = Math.max(progress.total, page.total ?? 0, progress.done)
        state.skipped += page.unusable
        state.cursor = page.next ?? LISTED_ALL
        saved(await stagePage(env.DB, job.id, owner, page.records, update()))
      }
      await checkpointed()
    }

    if (state.phase === 'done') {
      await finishJob(env.DB, job.id, owner, clock().getTime())
      console.log(`backfill ${job.id} done: ${summary(state.progress)}, ${state.skipped} skipped`)
      return { ran: true, jobId: job.id, state: 'done', phase: 'done', chunks }
    }
    await releaseLease(env.DB, job.id, owner)
    const waited = gaveWayMs > 0 ? `, ${Math.round(gaveWayMs / 1000)} s given to live work` : ''
    console.log(`backfill ${job.id} paused in ${state.phase}: ${summary(state.progress)}${waited}`)
    return { ran: true, jobId: job.id, state: 'running', phase: state.phase, chunks }
  } catch (err) {
    if (err instanceof LeaseLost) return { ran: true, jobId: job.id, state: 'running', phase: state.phase, chunks }
    const message = err instanceof Error ? err.message : String(err)
    const retryable = !(err instanceof BigCommerceError) || err.retryable
    const at = clock().getTime()
    let outcome: 'running' | 'failed'
    if (await pauseOnRefusal(env.DB, err, at)) {
      // A refused token or scope pauses BigCommerce: the job waits for the resume instead of failing.
      await recordFailure(env.DB, job.id, owner, message, at, Number.MAX_SAFE_INTEGER)
      outcome = 'running'
    } else {
      const max = retryable ? MAX_RETRYABLE_FAILURES : MAX_PERMANENT_FAILURES
      outcome = (await recordFailure(env.DB, job.id, owner, message, at, max)) === 'failed' ? 'failed' : 'running'
    }
    console.warn(`backfill ${job.id} run failed in ${state.phase} (${outcome}): ${message}`)
    return { ran: true, jobId: job.id, state: outcome, phase: state.phase, chunks, error: message }
  } finally {
    countCalls?.()
  }
}

function summary(progress: BackfillJob['progress']): string {
  return BACKFILL_PHASES.map((p) => `${p} ${progress[p].done}/${progress[p].total}`).join(', ')
}
