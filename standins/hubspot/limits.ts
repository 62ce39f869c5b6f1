/** HubSpot's request budgets: a rolling window (10 s burst, or 1 s for search) and a daily count. */

export class RollingWindow {
  private hits: number[] = []

  constructor(
    public max: number,
    public intervalMs: number,
  ) {}

  /** Counts a request at `now` if the window has room; false when it is full. */
  take(now: number): boolean {
    this.prune(now)
    if (this.hits.length >= this.max) return false
    this.hits.push(now)
    return true
  }

  remaining(now: number): number {
    this.prune(now)
    return Math.max(0, this.max - this.hits.length)
  }

  private prune(now: number): void {
    const since = now - this.intervalMs
    let drop = 0
    while (drop < this.hits.length && this.hits[drop]! <= since) drop++
    if (drop) this.hits = this.hits.slice(drop)
  }
}

/** Requests per UTC day (HubSpot resets at midnight in the account's time zone; the stand-in's is UTC). */
export class DailyBudget {
  private day = -1
  private used = 0

  constructor(public limit: number) {}

  take(now: number): boolean {
    this.roll(now)
    if (this.used >= this.limit) return false
    this.used++
    return true
  }

  remaining(now: number): number {
    this.roll(now)
    return Math.max(0, this.limit - this.used)
  }

  private roll(now: number): void {
    const day = Math.floor(now / 86_400_000)
    if (day !== this.day) {
      this.day = day
      this.used = 0
    }
  }
}
