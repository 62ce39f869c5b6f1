import type { BackfillStepMessage, WebhookMessage } from './queues/messages'

/**
 * The worker's bindings and variables: `Cloudflare.Env`, which `npm run types` generates from wrangler.toml into
 * worker-configuration.d.ts (the Durable Object namespaces typed with their classes; a global declaration, so no
 * import runs from here back up to durable/), with the queues' message types, which wrangler cannot know.
 * The secrets are not in wrangler.toml: config.ts reads every variable, secrets included, and parses them.
 */
export interface Env extends Omit<Cloudflare.Env, 'WEBHOOK_QUEUE' | 'BACKFILL_QUEUE'> {
  /** Webhook processing (wrangler.toml `[[queues.producers]]`). */
  WEBHOOK_QUEUE: Queue<WebhookMessage>
  /** The backfill's steps (wrangler.toml); absent, the cron runs the backfill a slice a minute instead. */
  BACKFILL_QUEUE?: Queue<BackfillStepMessage>
  /** The beacon's channel rules (JSON; contract section 2), unset by default and so not in wrangler.toml. */
  CHANNEL_RULES?: string
}
