import { dueEvents } from '../db/webhook-inbox'
import type { Env } from '../env'
import type { ClientTuning } from '../clients'
import { Invocation } from '../invocation/invocation'
import { processEvents } from './process-event'
import { handBacklogToQueue } from './queue'

export interface SweepResult {
  /** Due events taken on by the sweep itself (done, failed again, or left to the budget). */
  taken: number
  /** Further due events handed to the webhook queue. */
  handedOver: number
  /** BigCommerce is paused: nothing was taken. */
  paused: boolean
}

/**
 * The cron sweep, the inbox's own retry: while BigCommerce is not paused, takes the oldest pending events whose
 * time has come (a failed attempt's retry, an attempt cut short, a send that never reached the queue), a bounded
 * number within the invocation's budget, and hands the rest of the due backlog to the queue.
 */
export async function sweepDueEvents(
  env: Env,
  now: Date,
  options: { limit?: number; tuning?: ClientTuning; invocation?: Invocation } = {},
): Promise<SweepResult> {
  const invocation = options.invocation ?? new Invocation(env, { tuning: options.tuning })
  if ((await invocation.pauseWatch()).paused) return { taken: 0, handedOver: 0, paused: true }
  const rows = await dueEvents(invocation.env.DB, now.getTime(), options.limit ?? 50)
  await processEvents(invocation, rows, now.getTime())
  if ((await invocation.pauseWatch()).paused) return { taken: rows.length, handedOver: 0, paused: true }
  return { taken: rows.length, handedOver: await handBacklogToQueue(invocation, now.getTime()), paused: false }
}
