import type { HubSpotResponse } from '../hubspot-client'
import { STORE_KEYS, type EngineOptions, type Pause, type WriterClock } from './options'
import type { RateBudget } from './rate-budget'
import type { WriterStats } from './writer-status'
import type { WriterStore } from './store'

export type StopReason = 'daily_limit' | 'rate_budget' | 'transient' | 'deadline' | 'setup'

/** Consecutive transient failures (5xx, timeouts) that make the writer report HubSpot as down. */
export const OUTAGE_RUN = 5

/**
 * The calls of one flush under the account's rate budget: each waits for room in the rolling window, is
 * repeated through ten-secondly 429s and short transient failures, and the flush stops (with the moment to
 * resume) on a daily limit, a long wait or the end of its time slice. Shared by the record, association and
 * event writers of the flush.
 */
export class FlushControl {
  stop: StopReason | null = null
  resumeAt = 0
  deadline = Infinity
  /** Calls sent since the writer started. */
  calls = 0
  /** After a transient failure too long to wait for inline, no call goes out before this. */
  backoffUntil = 0
  /** Setup waits for the budget as long as the slice allows: it is short, and everything else waits for it. */
  inSetup = false
  private transientStreak = 0

  /** The part of the writer's context (./context.ts) the calls use: the context is completed with them. */
  constructor(
    private readonly ctx: { store: WriterStore; clock: WriterClock; options: EngineOptions; stats: WriterStats },
    readonly budget: RateBudget,
  ) {}

  /** Starts a slice of work: no stop, a fresh deadline. */
  begin(): void {
    this.stop = null
    this.deadline = this.ctx.clock.now() + this.ctx.options.sliceMs
  }

  halt(reason: StopReason, resumeAt: number): void {
    if (this.stop) return
    this.stop = reason
    this.resumeAt = resumeAt
  }

  /** Halts the flush once its slice is used up. */
  checkDeadline(): void {
    if (this.ctx.clock.now() >= this.deadline) this.halt('deadline', this.ctx.clock.now())
  }

  /**
   * One call under the rate budget, repeated through ten-secondly 429s and transient failures while the
   * waits are short. Returns null when the flush must stop (daily limit, long wait, deadline).
   */
  async send<T>(call: () => Promise<HubSpotResponse<T>>): Promise<HubSpotResponse<T> | null> {
    for (;;) {
      if (!(await this.acquire())) return null
      const res = await call()
      const now = this.ctx.clock.now()
      this.budget.observe(res.rateLimit, now)
      if (res.ok) {
        this.budget.accepted()
        this.transientStreak = 0
        return res
      }
      const error = res.error
      this.ctx.stats.lastError = { at: now, message: `HTTP ${error.status}: ${error.message}` }
      if (error.kind === 'rate_limit') {
        this.ctx.stats.rateLimited++
        if (error.policyName === 'DAILY') {
          const until = error.retryAfterMs ? now + error.retryAfterMs : nextUtcMidnight(now)
          this.ctx.store.setValue(STORE_KEYS.pause, { until, reason: `HubSpot daily API limit reached: ${error.message}` } satisfies Pause)
          this.halt('daily_limit', until)
          return null
        }
        this.budget.rejected(now, error)
        continue
      }
      if (error.retryable) {
        this.ctx.stats.transientErrors++
        this.transientStreak++
        if (this.transientStreak >= OUTAGE_RUN) this.pausedBy('outage', error.status, error.message)
        const wait = Math.min(
          error.retryAfterMs ?? this.ctx.options.transientBaseMs * 2 ** (this.transientStreak - 1),
          this.ctx.options.transientMaxMs,
        )
        if (wait > this.ctx.options.maxInlineWaitMs || now + wait > this.deadline) {
          this.backoffUntil = now + wait
          this.halt('transient', now + wait)
          return null
        }
        await this.ctx.clock.sleep(wait)
        continue
      }
      return res
    }
  }

  /**
   * HubSpot refused the token or scope for a write (the type waits `authBackoffMs`, then tries again: the
   * probe), or a run of calls failed: the writer is paused, and its status says since when, until a write
   * is accepted again. A refusal during an outage says more than the outage and replaces it.
   */
  pausedBy(cause: 'auth' | 'outage', status: number, message: string): void {
    const current = this.ctx.stats.paused
    if (current && (current.cause === 'auth' || cause === 'outage')) return
    this.ctx.stats.paused = { cause, status, since: this.ctx.clock.now(), detail: message.slice(0, 200) }
  }

  /** HubSpot accepted a write: whatever paused the writer is over. */
  wrote(): void {
    this.ctx.stats.lastSuccessAt = this.ctx.clock.now()
    this.ctx.stats.paused = null
  }

  private async acquire(): Promise<boolean> {
    for (;;) {
      if (this.stop) return false
      const now = this.ctx.clock.now()
      const wait = this.budget.waitMs(now)
      if (wait === 0) {
        this.budget.take(now)
        this.calls++
        return true
      }
      const limit = this.inSetup ? Infinity : this.ctx.options.maxInlineWaitMs
      if (wait > limit || now + wait > this.deadline) {
        this.halt('rate_budget', now + wait)
        return false
      }
      await this.ctx.clock.sleep(wait)
    }
  }
}

export function nextUtcMidnight(now: number): number {
  return (Math.floor(now / 86_400_000) + 1) * 86_400_000
}

/** The answer of a call the stopped flush did not send (setup reads it as a retryable failure). */
export function stoppedResponse(reason: StopReason | null): HubSpotResponse<never> {
  return {
    ok: false,
    status: 0,
    rateLimit: {},
    error: {
      kind: 'other',
      status: 0,
      message: `not sent: the writer stopped (${reason ?? 'unknown'})`,
      retryable: true,
      propertyErrors: [],
      inputRefs: [],
    },
  }
}
