/**
 * A fixed-window counter per key, in the isolate's memory. Why not D1 or a Durable Object: a busy store's
 * every hit would then pay a write or a round trip before its 204, for a limit whose job is only to stop a
 * runaway script or a single abusive client from filling the touch tables. The cost is that the limit is per
 * isolate, not global: a distributed flood is for a Cloudflare WAF rate-limiting rule in front of the route.
 * Memory stays bounded: the whole table is dropped when the window turns, and capped within a window.
 */
export class FixedWindowLimiter {
  private windowStart = 0
  private counts = new Map<string, number>()

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly maxKeys = 50_000,
  ) {}

  /** Counts one hit for `key` at `now`; false when the key is over its limit in this window. */
  allow(key: string, now: number): boolean {
    const start = now - (now % this.windowMs)
    if (start !== this.windowStart || this.counts.size >= this.maxKeys) {
      this.windowStart = start
      this.counts = new Map()
    }
    const count = (this.counts.get(key) ?? 0) + 1
    this.counts.set(key, count)
    return count <= this.limit
  }

  /** Seconds until the current window ends, for Retry-After. */
  retryAfter(now: number): number {
    return Math.max(1, Math.ceil((this.windowStart + this.windowMs - now) / 1000))
  }
}
