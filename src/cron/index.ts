import type { Env } from '../env'

/**
 * The scheduled handler's dispatcher. Every job does only what is due and is safe to repeat, so firing
 * any listed cron expression at any time is harmless.
 */
export async function runScheduled(cron: string, scheduledTime: number, env: Env): Promise<void> {
  void cron
  void scheduledTime
  void env
}
