import { Invocation } from '../invocation/invocation'
import { checkWebhookHealth } from '../upkeep/webhook-health'
import type { CronJob } from './cron-job'

export const webhookHealthJob: CronJob = {
  name: 'webhook-health',
  crons: ['* * * * *'],
  async run(env, now, invocation = new Invocation(env)) {
    // While BigCommerce is paused the check could only fail; the probe asks instead.
    if ((await invocation.pauseWatch()).paused) return
    await checkWebhookHealth(env, now, { client: invocation.bigcommerce })
  },
}
