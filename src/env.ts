import type { BackfillStepMessage, WebhookMessage } from './queues/messages'

/**
 * The worker's bindings: D1, the Durable Objects, and the raw configuration variables (see config.ts).
 * The namespaces are left open here so that the Durable Object classes, which need `Env`, are not imported
 * back (an import circle): `durable/stubs.ts` and `durable/writer-stub.ts` give the typed stubs.
 */
export interface Env {
  DB: D1Database
  /** Webhook processing (wrangler.toml `[[queues.producers]]`). */
  WEBHOOK_QUEUE: Queue<WebhookMessage>
  /** The backfill's steps (wrangler.toml); absent, the cron runs the backfill a slice a minute instead. */
  BACKFILL_QUEUE?: Queue<BackfillStepMessage>
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- typed by the stub helpers
  CONTACT: DurableObjectNamespace<any>
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- typed by the stub helpers
  HUBSPOT_WRITER: DurableObjectNamespace<any>
  /** Rate limiting bindings (wrangler.toml `[[ratelimits]]`); see rate-limits.ts. */
  BEACON_CLIENT_LIMITER: RateLimit
  BEACON_VISITOR_LIMITER: RateLimit
  ADMIN_AUTH_LIMITER: RateLimit
  [variable: string]: unknown
}
