import type { Env } from '../env'
import type { Invocation } from '../invocation/invocation'

/** A periodic job: does only what is due at `now`, and is safe to repeat. */
export interface CronJob {
  name: string
  /** The wrangler.toml cron expressions that run it. */
  crons: string[]
  /**
   * `env` counts every call in the tick's invocation budget, shared by all the tick's jobs; a job that works
   * through a backlog checks `invocation.budget` before each step and leaves the rest for the next tick.
   * The dispatcher always passes the tick's invocation (a test running one job alone may not).
   */
  run(env: Env, now: Date, invocation?: Invocation): Promise<void>
}
