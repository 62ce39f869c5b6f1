import type { RateLimitInfo } from '../hubspot-client'

/**
 * The account's rolling request budget (HubSpot: 100 or 190 requests per 10 s per app). We count our own
 * requests in the window and read `X-HubSpot-RateLimit-Max/-Remaining/-Interval-Milliseconds` from every
 * response: the headers correct the limits, and reveal requests others made with the same app, which we
 * leave room for. The aim is never to see a ten-secondly 429, not to recover from one.
 */
export interface RateBudgetOptions {
  max?: number
  intervalMs?: number
  /** Requests kept in reserve below the limit (for other callers and clock skew). */
  reserve?: number
}

export class RateBudget {
  max: number
  intervalMs: number
  private readonly reserve: number
  private sent: number[] = []
  private blockedUntil = 0
  /** 429s since the last accepted request. */
  private rejectedInARow = 0
  /** Requests others made in the window, seen through the headers; forgotten once that window has passed. */
  private others = 0
  private othersUntil = 0
  last: (RateLimitInfo & { at: number }) | null = null

  constructor(options: RateBudgetOptions = {}) {
    this.max = options.max ?? 100
    this.intervalMs = options.intervalMs ?? 10_000
    this.reserve = options.reserve ?? 1
  }

  /** Milliseconds to wait before the next request may go out (0: now). */
  waitMs(now: number): number {
    this.prune(now)
    if (now < this.blockedUntil) return this.blockedUntil - now
    const others = now < this.othersUntil ? this.others : 0
    const limit = Math.max(1, this.max - this.reserve - others)
    if (this.sent.length < limit) return 0
    // The window frees up as our oldest requests age out of it.
    const freeing = this.sent[this.sent.length - limit]!
    return Math.max(1, freeing + this.intervalMs - now)
  }

  /** Counts a request sent at `now`. */
  take(now: number): void {
    this.sent.push(now)
  }

  /** Learns from a response's rate-limit headers. */
  observe(info: RateLimitInfo, now: number): void {
    if (info.max !== undefined && info.max > 0) this.max = info.max
    if (info.intervalMs !== undefined && info.intervalMs > 0) this.intervalMs = info.intervalMs
    if (Object.keys(info).length) this.last = { ...info, at: now }
    if (info.remaining === undefined) return
    this.prune(now)
    const usedByServer = this.max - info.remaining
    const foreign = usedByServer - this.sent.length
    if (foreign > 0) {
      this.others = foreign
      this.othersUntil = now + this.intervalMs
    } else if (now >= this.othersUntil) {
      this.others = 0
    }
  }

  /**
   * After a rate-limit 429 (not the daily one), nothing goes out for a while. `Retry-After` when HubSpot sends
   * it; the search API's secondly limit, a second. HubSpot's ten-secondly window rolls: a slot frees when the
   * oldest request in it is `intervalMs` old. So a first 429 waits until our oldest request in the window ages
   * out (at least a second): enough when the window was full of ours, and short when the 429 was a blip under
   * a steady flow. A 429 again before any request is accepted waits the whole interval, as HubSpot's own
   * client does.
   */
  rejected(now: number, answer: { policyName?: string; retryAfterMs?: number }): void {
    this.prune(now)
    const repeated = this.rejectedInARow++ > 0
    let wait: number
    if (answer.retryAfterMs !== undefined) wait = answer.retryAfterMs
    else if (answer.policyName === 'SECONDLY') wait = 1_000
    else if (repeated || !this.sent.length) wait = this.intervalMs
    else wait = Math.max(1_000, this.sent[0]! + this.intervalMs - now)
    this.blockedUntil = Math.max(this.blockedUntil, now + wait)
  }

  /** A request went through: the next 429 starts a new streak. */
  accepted(): void {
    this.rejectedInARow = 0
  }

  private prune(now: number): void {
    const since = now - this.intervalMs
    let drop = 0
    while (drop < this.sent.length && this.sent[drop]! <= since) drop++
    if (drop) this.sent = this.sent.slice(drop)
  }
}
