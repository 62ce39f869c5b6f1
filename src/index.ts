// First of all: kysely sets Symbol.asyncDispose when the runtime has none (workerd has none). Set any later, after
// other modules have loaded, a Durable Object call cut off by an eviction never settled
// (test/durable/hubspot-writer-eviction.test.ts hung).
import 'kysely'
import { app } from './app'
import { consumeBackfillBatch } from './backfill/steps'
import type { Env } from './env'
import { runScheduled } from './cron/schedule'
import { consumeWebhookDeadLetters } from './pipeline/dead-letter-queue'
import { consumeWebhookBatch } from './pipeline/queue'
import type { WebhookMessage } from './queues/messages'
import { queueKind } from './queues/names'

export { ContactObject } from './durable/contact-object'
export { HubSpotWriter } from './durable/hubspot-writer'

export default {
  fetch: app.fetch,
  async scheduled(controller, env, ctx) {
    ctx.waitUntil(runScheduled(controller.cron, controller.scheduledTime, env))
  },
  async queue(batch, env) {
    const kind = queueKind(batch.queue)
    if (kind === 'backfill' && env.BACKFILL_QUEUE) await consumeBackfillBatch(batch, env, env.BACKFILL_QUEUE)
    else if (kind === 'webhook-dead-letters') await consumeWebhookDeadLetters(batch as MessageBatch<WebhookMessage>, env)
    else await consumeWebhookBatch(batch as MessageBatch<WebhookMessage>, env)
  },
} satisfies ExportedHandler<Env, unknown>
