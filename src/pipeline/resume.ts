import { closeApiPause } from '../db/api-pauses'
import type { Invocation } from '../invocation/invocation'
import { handBacklogToQueue } from './queue'

/**
 * Resumes BigCommerce processing (a probe got an answer, or an operator resumed it): closes the pause and hands
 * the events that waited to the queue at once, so the backlog drains in minutes rather than at the sweep's
 * pace. Returns whether it was paused and how many events were handed over.
 */
export async function resumeBigCommerce(
  invocation: Invocation,
  by: 'probe' | 'operator',
  now: number,
): Promise<{ resumed: boolean; handedOver: number }> {
  const resumed = await closeApiPause(invocation.env.DB, 'bigcommerce', by, now)
  ;(await invocation.pauseWatch()).resumed()
  const handedOver = await handBacklogToQueue(invocation, now, { fresh: true })
  if (resumed) console.log(`BigCommerce processing resumed by ${by === 'probe' ? 'a probe' : 'an operator'}; ${handedOver} waiting events queued`)
  return { resumed, handedOver }
}
