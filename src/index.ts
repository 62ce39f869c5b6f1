import { app } from './app'
import { consumeBackfillBatch, isBackfillQueue } from './backfill/steps'
import type { Env } from './env'
import { runScheduled } from './cron'
import type { WebhookMessage } from './pipeline/message'
import { consumeWebhookBatch } from './pipeline/queue'

export { ContactObject } from './durable/contact'
export { HubSpotWriter } from './durable/hubspot-writer'

export default {
  fetch: app.fetch,
  async scheduled(controller, env, ctx) {
    ctx.waitUntil(runScheduled(controller.cron, controller.scheduledTime, env))
  },
  async queue(batch, env) {
    if (isBackfillQueue(batch.queue) && env.BACKFILL_QUEUE) await consumeBackfillBatch(batch, env, env.BACKFILL_QUEUE)
    else await consumeWebhookBatch(batch as MessageBatch<WebhookMessage>, env)
  },
} satisfies ExportedHandler<Env, unknown>
