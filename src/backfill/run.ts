import { BigCommerceClient, BigCommerceError } from '../bigcommerce/client'
import { requireConfig } from '../config'
import { createCatalogLookups } from '../db/catalog'
import {
  acquireLease,
  BACKFILL_PHASES,
  finishJob,
  recordFailure,
  releaseLease,
  runningJob,
  saveProgress,
  type BackfillJob,
  type BackfillPhase,
} from '../db/backfill'
import { readApiPauses } from '../db/api-pauses'
import type { Env } from '../env'
import type { Invocation } from '../invocation/invocation'
import { pauseOnRefusal } from '../invocation/pause-watch'
import { sleep as realSleep } from '../sleep'
import { Budget, type ChunkDone, type Phase, type PhaseContext } from './context'
import { customersPhase, subscribersPhase } from './customers'
import { giveWayToLiveWork } from './give-way'
import { ordersPhase } from './orders'
import { productsPhase } from './products'

const PHASES: Record<BackfillPhase, Phase> = {
  customers: customersPhase,
  subscribers: subscribersPhase,
  products: productsPhase,
  orders: ordersPhase,
}

export interface RunOptions {
  /**
   * Wall time this run may start chunks in. Default 25 s: the kick runs in an HTTP request's `waitUntil`,
   * which is cancelled 30 s after the response (the cron passes its own, longer budget).
   */
  budgetMs?: number
  /** Outbound calls (BigCommerce and Durable Objects) this run may make. Default 800. */
  maxCalls?: number
  /** Stop after this many chunks (tests simulate an interruption with it). */
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
 * (a cancelled `waitUntil`, a deploy) blocks the job this long at most; a live run renews it long before.
 */
const LEASE_MS = 60_000

/**
 * One bounded run of the running backfill job: takes its lease, counts the totals on the first run, then
 * applies chunks from the saved resume point, checkpointing after each, until the job is done or the
 * budget is spent. Safe to call at any time and from several places at once (the cron, a `waitUntil`
 * kick): only the lease holder works. Errors are recorded on the job and retried by the next run.
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
  const save = async () => {
    const now = clock().getTime()
    const saved = await saveProgress(env.DB, job.id, owner, { ...state, now, leaseUntil: now + LEASE_MS })
    if (!saved) throw new LeaseLost()
  }
  const sleep = options.sleep ?? realSleep
  let gaveWayMs = 0
  let workingSince = startedAt
  const giveWay = async () => {
    const now = () => clock().getTime()
    gaveWayMs += await giveWayToLiveWork({ env, budget, now, sleep }, now() - workingSince)
    workingSince = now()
  }

  const countCalls = options.invocation?.onBigCommerceCall(() => budget.spend())
  try {
    const config = requireConfig(env)
    const client = options.invocation?.bigcommerce ?? new BigCommerceClient({
      apiBase: config.BIGCOMMERCE_API_BASE,
      storeHash: config.BIGCOMMERCE_STORE_HASH,
      accessToken: config.BIGCOMMERCE_ACCESS_TOKEN,
      // Waiting out a spent quota window is fine within the run; longer, and the next run resumes.
      maxWaitMs: Math.min(10_000, budgetMs),
      fetch: (input, init) => {
        budget.spend()
        return fetch(input, init)
      },
      // The run's clock: rate-limit readings age with the time the run sees.
      now: () => clock().getTime(),
      sleep,
    })
    const ctx: PhaseContext = {
      env,
      client,
      lookups: createCatalogLookups(env.DB, client, clock, { remember: true }),
      since: job.since,
      budget,
      now: clock,
    }

    if (!state.counted) {
      for (const name of BACKFILL_PHASES) state.progress[name].total = await PHASES[name].count(ctx)
      state.counted = true
      await save()
    }

    await giveWay()
    while (state.phase !== 'done' && !budget.exhausted()) {
      const phase: BackfillPhase = state.phase
      const checkpoint = async (chunk: ChunkDone) => {
        const progress = state.progress[phase]
        progress.done += chunk.processed
        progress.total = Math.max(progress.total, progress.done)
        state.skipped += chunk.skipped
        state.cursor = chunk.cursor
        await save()
        chunks++
        if (options.maxChunks !== undefined && chunks >= options.maxChunks) budget.stop()
        else await giveWay()
      }
      const finished = await PHASES[phase].run(ctx, state.cursor, checkpoint)
      if (!finished) break
      // What the walk found is the exact total (BigCommerce's count may include records we skip or miss).
      state.progress[phase].total = state.progress[phase].done
      state.phase = BACKFILL_PHASES[BACKFILL_PHASES.indexOf(phase) + 1] ?? 'done'
      state.cursor = null
      await save()
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
    const now = clock().getTime()
    let outcome: 'running' | 'failed'
    if (await pauseOnRefusal(env.DB, err, now)) {
      // A refused token or scope pauses BigCommerce: the job waits for the resume instead of failing.
      await recordFailure(env.DB, job.id, owner, message, now, Number.MAX_SAFE_INTEGER)
      outcome = 'running'
    } else {
      const max = retryable ? MAX_RETRYABLE_FAILURES : MAX_PERMANENT_FAILURES
      outcome = (await recordFailure(env.DB, job.id, owner, message, now, max)) === 'failed' ? 'failed' : 'running'
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
