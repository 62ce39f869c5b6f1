import { webcrypto } from 'node:crypto'

/**
 * Simulated time for benchmarks that drive the worker's own code in Node: `now` moves only when every task
 * is waiting on `sleep` (or on a timer set with `at`), and then jumps to the earliest wake-up. Requests to
 * in-process stand-ins take no simulated time; they are tracked so that time never moves while one is in
 * flight. Rate windows, backoffs, reserve pauses and cron ticks then cost nothing in wall time.
 */
interface Timer {
  at: number
  seq: number
  fire: () => void
}

export class VirtualTime {
  private timers: Timer[] = []
  private seq = 0
  private inFlight = 0

  constructor(public now: number) {}

  /** Resolves once simulated time has moved `ms` forward. */
  sleep = (ms: number): Promise<void> => new Promise((resolve) => this.at(this.now + Math.max(0, ms), resolve))

  /** Calls `fire` when simulated time reaches `at`. */
  at(at: number, fire: () => void): void {
    this.timers.push({ at, seq: this.seq++, fire })
    this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq)
  }

  /** Marks `work` (a request to a stand-in) as in flight until it settles. */
  track<T>(work: Promise<T>): Promise<T> {
    this.inFlight++
    return work.finally(() => this.inFlight--)
  }

  /**
   * Web Crypto completes off the event loop in Node (libuv's pool), so a digest or an HMAC (the erasure check's
   * fingerprint of every imported email) can outlast the quiet turns `settle` waits: until the returned undo is
   * called, its calls count as in flight, or simulated time would jump while one runs.
   */
  trackWebCrypto(): () => void {
    const subtle = webcrypto.subtle as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>
    const names = ['digest', 'sign', 'verify', 'importKey', 'deriveKey', 'deriveBits'] as const
    const originals = names.map((name) => [name, subtle[name]!] as const)
    for (const [name, original] of originals) subtle[name] = (...args) => this.track(original.apply(webcrypto.subtle, args))
    return () => {
      for (const [name, original] of originals) subtle[name] = original
    }
  }

  /** Runs until `done()`: whenever all tasks wait, fires the next timer. */
  async run(done: () => boolean): Promise<void> {
    for (;;) {
      await this.settle()
      if (done()) return
      const next = this.timers.shift()
      if (!next) throw new Error('simulated time: nothing left to wait for, but not done')
      this.now = Math.max(this.now, next.at)
      next.fire()
    }
  }

  /** Lets every runnable task reach its next wait (promise jobs, then a few turns of the event loop). */
  private async settle(): Promise<void> {
    let quiet = 0
    while (quiet < 3) {
      await new Promise((resolve) => setImmediate(resolve))
      quiet = this.inFlight === 0 ? quiet + 1 : 0
    }
  }
}
