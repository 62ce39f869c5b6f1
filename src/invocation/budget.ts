/**
 * What one Worker invocation may spend (research/cloudflare.md): D1 answers 1,000 queries per invocation and
 * the runtime counts subrequests (outbound fetches, Durable Object and queue calls). One budget is shared by
 * everything an invocation runs (a queue batch; a cron tick's retry sweep, backfill, tiers and retention), so
 * no job can take what another already used. Work is admitted with an estimate of what it may cost: it starts
 * only when what was spent, what running work may still spend and the estimate fit under the limit; the rest
 * is left for a later invocation. Work that would fit once running work ends waits for it rather than being
 * left over: estimates are generous (a 20-line order of new products), so what runs usually spends far less.
 */
export interface Cost {
  subrequests: number
  queries: number
}

/**
 * Workers Paid allows 10,000 subrequests per invocation today (1,000 until 2025, 50 on Free); D1 allows 1,000
 * queries. Both are held to 1,000, and admission stops at 90% of that: the last tenth is for the bookkeeping
 * that follows admitted work (settling events, deferring the rest) and for estimates that ran short.
 */
export const INVOCATION_LIMITS: Cost = { subrequests: 1_000, queries: 1_000 }
const ADMISSION_SHARE = 0.9

/** A unit of admitted work: what it was estimated to cost, until it ends. */
export interface Admission {
  /** The work ended: its estimate is no longer held (what it really spent is counted as it went). */
  end(): void
}

export class InvocationBudget {
  readonly spent: Cost = { subrequests: 0, queries: 0 }
  private readonly held: Cost = { subrequests: 0, queries: 0 }
  private readonly ceiling: Cost
  /** Work waiting for running work to end (`admitWhenFree`), woken at each end. */
  private waiting: (() => void)[] = []

  constructor(readonly limits: Cost = INVOCATION_LIMITS) {
    this.ceiling = {
      subrequests: Math.floor(limits.subrequests * ADMISSION_SHARE),
      queries: Math.floor(limits.queries * ADMISSION_SHARE),
    }
  }

  spendSubrequests(n = 1): void {
    this.spent.subrequests += n
  }

  spendQueries(n = 1): void {
    this.spent.queries += n
  }

  /** What is left to admit work with: the admission ceiling less what was spent and what running work holds. */
  remaining(): Cost {
    return {
      subrequests: Math.max(0, this.ceiling.subrequests - this.spent.subrequests - this.held.subrequests),
      queries: Math.max(0, this.ceiling.queries - this.spent.queries - this.held.queries),
    }
  }

  /** True when work estimated at `cost` can still start. */
  fits(cost: Partial<Cost>): boolean {
    const left = this.remaining()
    return (cost.subrequests ?? 0) <= left.subrequests && (cost.queries ?? 0) <= left.queries
  }

  /**
   * Admits work estimated at `cost`, holding the estimate while it runs (concurrent work cannot take it);
   * null when it does not fit.
   */
  admit(cost: Cost): Admission | null {
    if (!this.fits(cost)) return null
    this.held.subrequests += cost.subrequests
    this.held.queries += cost.queries
    let ended = false
    return {
      end: () => {
        if (ended) return
        ended = true
        this.held.subrequests -= cost.subrequests
        this.held.queries -= cost.queries
        const woken = this.waiting
        this.waiting = []
        for (const wake of woken) wake()
      },
    }
  }

  /**
   * Admits work estimated at `cost` as soon as it fits: at once, or when running work has ended and given back
   * what it held but did not spend. Null only when it cannot fit in this invocation (what was spent already
   * leaves no room for it, whatever ends).
   */
  async admitWhenFree(cost: Cost): Promise<Admission | null> {
    for (;;) {
      const admission = this.admit(cost)
      if (admission) return admission
      const unheld = this.spent.subrequests + cost.subrequests <= this.ceiling.subrequests && this.spent.queries + cost.queries <= this.ceiling.queries
      const running = this.held.subrequests > 0 || this.held.queries > 0
      if (!unheld || !running) return null
      await new Promise<void>((resolve) => this.waiting.push(resolve))
    }
  }
}
