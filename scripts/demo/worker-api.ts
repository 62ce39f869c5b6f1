/** The demo's calls to the worker: admin API with a bearer token, and the scheduled handler. */

export interface ApiReply {
  status: number
  // The JSON of whichever admin route was called; the demo only reads a field or prints it.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any
}

export class WorkerApi {
  constructor(
    readonly url: string,
    private readonly token: string,
  ) {}

  async admin(method: 'GET' | 'POST', path: string, body?: unknown, timeoutMs = 60_000): Promise<ApiReply> {
    const response = await fetch(`${this.url}/admin/api${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(timeoutMs),
    })
    const text = await response.text()
    let parsed: unknown = text
    try {
      parsed = text ? JSON.parse(text) : null
    } catch {
      // Not JSON: keep the text.
    }
    return { status: response.status, body: parsed }
  }

  /** Fires the scheduled handler for one of wrangler.toml's crons (`wrangler dev --test-scheduled`). */
  async scheduled(cron: string, timeoutMs = 90_000): Promise<number> {
    const response = await fetch(`${this.url}/__scheduled?cron=${encodeURIComponent(cron)}`, {
      signal: AbortSignal.timeout(timeoutMs),
    })
    await response.body?.cancel()
    return response.status
  }
}

/**
 * Fires the crons on a schedule while the demo runs (wrangler dev does not run them by itself): the
 * every-minute one often, so the backfill and retries move along, the others now and then.
 */
export class CronDriver {
  private stopped = false
  private running: Promise<void> | null = null
  runs = 0

  constructor(
    private readonly api: WorkerApi,
    private readonly log: (line: string) => void,
  ) {}

  start(): void {
    const plan: { cron: string; everyMs: number; last: number }[] = [
      { cron: '* * * * *', everyMs: 10_000, last: 0 },
      { cron: '*/15 * * * *', everyMs: 45_000, last: Date.now() },
      { cron: '7 * * * *', everyMs: 90_000, last: Date.now() },
    ]
    this.running = (async () => {
      while (!this.stopped) {
        const due = plan.find((p) => Date.now() - p.last >= p.everyMs)
        if (due) {
          due.last = Date.now()
          try {
            const status = await this.api.scheduled(due.cron)
            this.runs++
            if (status >= 400) this.log(`scheduled ${due.cron} → ${status}`)
          } catch (err) {
            if (!this.stopped) this.log(`scheduled ${due.cron} failed: ${err instanceof Error ? err.message : String(err)}`)
          }
        }
        await new Promise((resolve) => setTimeout(resolve, 500))
      }
    })()
  }

  async stop(): Promise<void> {
    this.stopped = true
    await this.running
  }
}
