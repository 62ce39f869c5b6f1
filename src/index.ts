import { app } from './app'
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
    await consumeWebhookBatch(batch, env)
  },
} satisfies ExportedHandler<Env, WebhookMessage>
