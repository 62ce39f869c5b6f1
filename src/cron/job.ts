import type { Env } from '../env'

/** A periodic job: does only what is due at `now`, and is safe to repeat. */
export interface CronJob {
  name: string
  /** The wrangler.toml cron expressions that run it. */
  crons: string[]
  run(env: Env, now: Date): Promise<void>
}
