import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test'
import worker from '../../src/index'
import type { Env } from '../../src/env'
import type { InvocationOptions } from '../../src/invocation/invocation'
import type { WebhookMessage } from '../../src/queues/messages'
import { consumeWebhookBatch } from '../../src/pipeline/queue'

export const WEBHOOK_QUEUE = 'bc-hubspot-webhooks'

/** A queue's producer in tests: keeps what the worker sends (and the delay asked), for the test to deliver. */
export class CapturingQueue<T = WebhookMessage> implements Queue<T> {
  private sent: T[] = []
  /** The delay each message was sent with, in send order (never taken). */
  readonly delays: (number | undefined)[] = []

  async send(body: T, options?: QueueSendOptions): Promise<QueueSendResponse> {
    this.sent.push(body)
    this.delays.push(options?.delaySeconds)
    return { metadata: { metrics: await this.metrics() } }
  }

  async sendBatch(messages: Iterable<MessageSendRequest<T>>): Promise<QueueSendBatchResponse> {
    for (const m of messages) await this.send(m.body, m)
    return { metadata: { metrics: await this.metrics() } }
  }

  /** The backlog: what was sent and not yet taken (bytes as JSON text). */
  async metrics(): Promise<QueueMetrics> {
    return { backlogCount: this.sent.length, backlogBytes: JSON.stringify(this.sent).length }
  }

  /** What was sent since the last take. */
  take(): T[] {
    const taken = this.sent
    this.sent = []
    return taken
  }

}

/**
 * Runs the worker's queue consumer on one batch, as Cloudflare would, and returns what it acked or retried,
 * with the delay it asked for each retried message (by message body id). `invocation` sets the consumer's
 * budget limits or client tuning (the consumer is then called directly rather than through the worker's export).
 */
export async function consumeBatch(
  messages: WebhookMessage[],
  workerEnv: Env,
  options: { attempts?: number; queue?: string; invocation?: InvocationOptions } = {},
) {
  const batch = createMessageBatch<WebhookMessage>(
    options.queue ?? WEBHOOK_QUEUE,
    messages.map((body, i) => ({ id: `message-${i}`, timestamp: new Date(), body, attempts: options.attempts ?? 1 })),
  )
  // The pool's result does not say how long a retry asked to wait: the consumer sees messages that note it.
  const delays = new Map<string, number | undefined>()
  const noting: MessageBatch<WebhookMessage> = {
    queue: batch.queue,
    metadata: batch.metadata,
    messages: batch.messages.map((m) => ({
      id: m.id,
      timestamp: m.timestamp,
      body: m.body,
      attempts: m.attempts,
      ack: () => m.ack(),
      retry: (retry?: QueueRetryOptions) => {
        delays.set(m.body.id, retry?.delaySeconds)
        m.retry(retry)
      },
    })),
    ackAll: () => batch.ackAll(),
    retryAll: (retry?: QueueRetryOptions) => batch.retryAll(retry),
  }
  if (options.invocation) await consumeWebhookBatch(noting, workerEnv, options.invocation)
  else await worker.queue(noting, workerEnv)
  return { ...(await getQueueResult(batch, createExecutionContext())), delays }
}
