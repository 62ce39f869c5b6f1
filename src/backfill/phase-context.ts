import type { BigCommerceClient } from '../bigcommerce/bigcommerce-client'
import type { CatalogLookups } from '../domain/catalog-lookups'
import type { BackfillPhase } from '../db/backfill-jobs'
import type { Env } from '../env'
import type { InvocationBudget } from '../invocation/budget'

/**
 * What a backfill phase works with. A phase walks one BigCommerce collection a page at a time: `list` reads
 * the page at a cursor (and what its records need besides: refunds, emails, variants) into records the run
 * stages in D1 with the next cursor, then `apply` imports staged records a chunk at a time. A step cut short
 * resumes from what is staged: no page is listed twice.
 */
export interface PhaseContext {
  env: Env
  client: BigCommerceClient
  lookups: CatalogLookups
  /** ISO-8601: only records modified since then; null for all history. */
  since: string | null
  /**
   * Orders still in transit when the job started (the install), shipped within BACKFILL_SHIPMENTS_WINDOW
   * before it, are read with their shipments. One moment for the whole job, however many steps it takes.
   */
  inTransit: { at: number; windowMs: number }
  budget: Budget
  now(): Date
}

export interface PageListed<R> {
  /** The page's records, in walk order, as `apply` takes them (JSON: they are staged in D1). */
  records: R[]
  /** Rows of the page that can never be imported (no id): counted as examined and skipped at once. */
  unusable: number
  /** The cursor of the next page; null when this page was the phase's last. */
  next: string | null
  /** BigCommerce's count of the whole collection, where its pages say it (v3 `meta.pagination.total`). */
  total?: number
}

export interface Phase<R = unknown> {
  name: BackfillPhase
  /**
   * How many records the phase will walk (BigCommerce's own count), read when the job starts, for a collection
   * whose pages do not say it (v2 orders); a v3 collection's first page gives it at no extra call.
   */
  count?(ctx: PhaseContext): Promise<number>
  /** BigCommerce calls listing a page usually takes (reserved from the store's quota first). */
  listCalls: number
  list(ctx: PhaseContext, cursor: string | null): Promise<PageListed<R>>
  /** Staged records applied between two checkpoints. */
  chunk: number
  /** BigCommerce calls and Durable Object calls applying `records` takes (the quota and the budget). */
  applyCalls(records: readonly R[]): { bigcommerce: number; outbound: number }
  /** Imports staged records; returns how many could not be (skipped and counted). */
  apply(ctx: PhaseContext, records: readonly R[]): Promise<{ skipped: number }>
}

/**
 * A run's bounds: wall time and outbound calls (Workers limit subrequests per invocation; Durable Object
 * and BigCommerce calls both count), and in a cron tick what the tick's invocation has left (the retry sweep
 * and the other jobs spend from it too). Checked between chunks, so a chunk in flight may overrun a little.
 */
export class Budget {
  private calls = 0
  private stopped = false

  constructor(
    private readonly deadline: number,
    private readonly maxCalls: number,
    private readonly clock: () => number = Date.now,
    private readonly shared?: InvocationBudget,
  ) {}

  spend(calls = 1): void {
    this.calls += calls
  }

  get used(): number {
    return this.calls
  }

  /** Ends the run at the next check (a chunk limit). */
  stop(): void {
    this.stopped = true
  }

  /** True once stopped, the time is up, or fewer than `reserve` calls are left for the next chunk. */
  exhausted(reserve = 0): boolean {
    // A call of the backfill is a BigCommerce request or a contact's, with a few D1 queries each.
    const invocationSpent = this.shared !== undefined && !this.shared.fits({ subrequests: reserve + 1, queries: 3 * (reserve + 1) })
    return this.stopped || this.clock() >= this.deadline || this.calls + reserve >= this.maxCalls || invocationSpent
  }

  /** Wall time left to start chunks in. */
  get remainingMs(): number {
    return Math.max(0, this.deadline - this.clock())
  }
}

/**
 * Before work that needs `calls` BigCommerce requests: waits for the store's rate window to reset if the
 * requests left would run into the reserve kept for other apps and the run has the time; false when it has
 * not (the run then ends at its checkpoint and the next one starts in a fresh window, instead of giving up
 * half-way through a chunk and spending its calls again).
 */
export function quotaFor(ctx: PhaseContext, calls: number): Promise<boolean> {
  return ctx.client.reserveQuota(calls, ctx.budget.remainingMs)
}

/** The `since` filter under the name a collection uses for it (`date_modified:min`, `min_date_modified`). */
export function modifiedSince(ctx: PhaseContext, parameter: string): Record<string, string> {
  return ctx.since ? { [parameter]: ctx.since } : {}
}
