import type { Config } from '../config'
import { markQueued, queueBacklog, readEvents } from '../db/webhook-inbox'
import type { Env } from '../env'
import { Invocation, type InvocationOptions } from '../invocation/invocation'
import type { WebhookMessage } from '../queues/messages'
import { processEventNow, processEvents } from './process-event'

/**
 * Webhook processing on Cloudflare Queues. The route records each delivery in D1 (the durable inbox), answers
 * 200, then sends the event's id here. Queue and sweep follow one protocol: the inbox owns each event's state
 * and retries, a message is only a prompt. The consumer claims each resource's events under a lease when it
 * takes them on (so the cron sweep never runs the same attempt), processes them with one re-fetch per resource,
 * and settles each message: ack when done, dead-lettered, or not claimable (it waits for its retry, or
 * BigCommerce is paused: the inbox and the sweep take it from there); retry with a delay when the event's next
 * attempt is due (a BigCommerce 429's `X-Rate-Limit-Time-Reset-Ms` included), when the invocation's budget
 * left it for the next delivery, or when another attempt holds it or its resource (one attempt per resource).
 */

/**
 * Right after the route's answer: the event goes to the queue, or with `WEBHOOK_PROCESSING=inline` is
 * processed in the request's `waitUntil`. A failed send is not lost: the cron sweep takes every event whose
 * first attempt has not started within its lease.
 */
export async function handOver(env: Env, config: Config, id: string): Promise<void> {
  if (config.WEBHOOK_PROCESSING === 'inline') {
    await processEventNow(env, id)
    return
  }
  try {
    await env.WEBHOOK_QUEUE.send({ id })
  } catch (err) {
    console.error(`webhook event ${id}: not queued, the retry sweep will take it:`, err instanceof Error ? err.message : String(err))
  }
}

/** A message the budget left over comes back this soon, in a fresh invocation. */
const DEFERRED_DELAY_SECONDS = 1
/** A message whose resource another attempt holds comes back once that attempt has likely ended. */
const HELD_DELAY_SECONDS = 3

export async function consumeWebhookBatch(batch: MessageBatch<WebhookMessage>, env: Env, options: InvocationOptions = {}): Promise<void> {
  const invocation = new Invocation(env, options)
  if ((await invocation.pauseWatch()).paused) {
    // The events stay pending, no attempt spent; the resume hands them back to the queue.
    for (const message of batch.messages) message.ack()
    return
  }
  const rows = await readEvents(invocation.env.DB, batch.messages.map((m) => m.body.id))
  const outcomes = await processEvents(invocation, rows)
  let deferred = 0
  for (const message of batch.messages) {
    const outcome = outcomes.get(message.body.id)
    if (outcome?.outcome === 'retry') message.retry({ delaySeconds: delaySeconds(outcome.at, Date.now()) })
    else if (outcome?.outcome === 'deferred') {
      message.retry({ delaySeconds: DEFERRED_DELAY_SECONDS })
      deferred++
    } else if (outcome?.outcome === 'held') message.retry({ delaySeconds: HELD_DELAY_SECONDS })
    else message.ack()
  }
  if (deferred) console.log(`webhook batch: ${deferred} events deferred to the next delivery (the invocation's budget)`)
}

/** Events handed to the queue per call at most (each send of 100 is one subrequest). */
const HANDOVER_LIMIT = 1_000
const SEND_BATCH = 100

/**
 * Hands pending events whose time has come to the queue, oldest first, so a backlog (after a pause, a lost
 * send, a restart mid-batch) drains at the queue's pace rather than the sweep's. `fresh` includes events never
 * attempted (a resume: their messages were acknowledged while paused). Returns how many were handed over.
 */
export async function handBacklogToQueue(invocation: Invocation, now: number, options: { fresh?: boolean } = {}): Promise<number> {
  if (invocation.config.WEBHOOK_PROCESSING !== 'queue') return 0
  return queueEvents(invocation, await queueBacklog(invocation.env.DB, now, HANDOVER_LIMIT, options), now)
}

/**
 * Sends these events' ids to the queue, 100 a call, within the invocation's budget; marks them handed over.
 * Returns how many went (with `WEBHOOK_PROCESSING=inline` none: the sweep takes them).
 */
export async function queueEvents(invocation: Invocation, ids: readonly string[], now: number): Promise<number> {
  if (invocation.config.WEBHOOK_PROCESSING !== 'queue') return 0
  const sent: string[] = []
  for (let i = 0; i < ids.length; i += SEND_BATCH) {
    if (!invocation.budget.fits({ subrequests: 1, queries: 2 })) break
    const chunk = ids.slice(i, i + SEND_BATCH)
    try {
      await invocation.env.WEBHOOK_QUEUE.sendBatch(chunk.map((id) => ({ body: { id } })))
    } catch (err) {
      console.error(`webhook backlog: not queued (the sweep tries again): ${err instanceof Error ? err.message : String(err)}`)
      break
    }
    sent.push(...chunk)
  }
  await markQueued(invocation.env.DB, sent, now)
  return sent.length
}

/** Queues take whole seconds, at most 12 hours. */
function delaySeconds(at: number, now: number): number {
  return Math.min(Math.max(1, Math.ceil((at - now) / 1000)), 12 * 3600)
}
