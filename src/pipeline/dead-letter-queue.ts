import { settleAbandonedEvent } from '../db/webhook-inbox'
import type { Env } from '../env'
import { Invocation, type InvocationOptions } from '../invocation/invocation'
import type { WebhookMessage } from '../queues/messages'

/**
 * The consumer of the webhook queue's dead-letter queue (wrangler.toml: `dead_letter_queue`): what the queue
 * gave up on. The inbox decides: an event with attempts left, or leased, stays for the sweep; one whose
 * attempts are spent becomes a dead letter.
 */
export async function consumeWebhookDeadLetters(batch: MessageBatch<WebhookMessage>, env: Env, options: InvocationOptions = {}): Promise<void> {
  const invocation = new Invocation(env, options)
  for (const message of batch.messages) {
    await settleAbandonedEvent(invocation.env.DB, message.body.id, Date.now())
    message.ack()
  }
}
