import type { Config } from '../config'
import { claimEvent, eventState, giveUpEvent, type WebhookEventRow } from '../db/events'
import type { Env } from '../env'
import type { WebhookMessage } from './message'
import { processEventNow, processEvents } from './process-event'

/**
 * Webhook processing on Cloudflare Queues. The route records each delivery in D1 (the durable inbox), answers
 * 200, then sends the event's id here. The consumer claims the batch's events (a lease, so the cron sweep never
 * runs the same attempt), processes them with one re-fetch per resource, and settles each message: ack when
 * done or dead-lettered, retry with a delay when the event's next attempt is due later (a BigCommerce 429's
 * `X-Rate-Limit-Time-Reset-Ms` included). What the queue gives up on lands in the dead-letter queue, whose
 * consumer moves it to the dead letters (with replay), as the sweep does after its last attempt.
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

/** The dead-letter queue's name ends so (wrangler.toml: `dead_letter_queue`). */
const DEAD_LETTER_SUFFIX = '-dlq'

export async function consumeWebhookBatch(batch: MessageBatch<WebhookMessage>, env: Env): Promise<void> {
  if (batch.queue.endsWith(DEAD_LETTER_SUFFIX)) return giveUp(batch, env)
  const now = Date.now()
  const claimed: { message: Message<WebhookMessage>; row: WebhookEventRow }[] = []
  for (const message of batch.messages) {
    const row = await claimEvent(env.DB, message.body.id, now)
    if (row) claimed.push({ message, row })
    else await settleUnclaimed(env, message, now)
  }
  const outcomes = await processEvents(env, claimed.map((c) => c.row))
  for (const { message, row } of claimed) {
    const outcome = outcomes.get(row.id)
    if (outcome?.outcome === 'retry') message.retry({ delaySeconds: delaySeconds(outcome.at, Date.now()) })
    else message.ack()
  }
}

/** Done, dead, ignored or gone: nothing to do. Leased or waiting for its retry: come back when it is due. */
async function settleUnclaimed(env: Env, message: Message<WebhookMessage>, now: number): Promise<void> {
  const state = await eventState(env.DB, message.body.id)
  if (state?.status === 'pending') message.retry({ delaySeconds: delaySeconds(state.nextAttemptAt, now) })
  else message.ack()
}

async function giveUp(batch: MessageBatch<WebhookMessage>, env: Env): Promise<void> {
  for (const message of batch.messages) {
    await giveUpEvent(env.DB, message.body.id, 'the webhook queue gave up on it (max_retries reached)', Date.now())
    message.ack()
  }
}

/** Queues take whole seconds, at most 12 hours. */
function delaySeconds(at: number, now: number): number {
  return Math.min(Math.max(1, Math.ceil((at - now) / 1000)), 12 * 3600)
}
