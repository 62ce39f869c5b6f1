import { app } from './app'
import type { Env } from './env'
import { runScheduled } from './cron'

export { ContactObject } from './durable/contact'
export { HubSpotWriter } from './durable/hubspot-writer'

export default {
  fetch: app.fetch,
  async scheduled(controller, env, ctx) {
    ctx.waitUntil(runScheduled(controller.cron, controller.scheduledTime, env))
  },
} satisfies ExportedHandler<Env>
