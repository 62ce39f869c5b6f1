/**
 * Which of the worker's queues a batch comes from, by its name (wrangler.toml; one set per store in
 * deploy/wrangler.stores.example.toml): the backfill queue's name holds `backfill`, the webhook queue's
 * dead-letter queue ends in `-dlq`, the webhook queue is the rest.
 */
export type QueueKind = 'backfill' | 'webhook-dead-letters' | 'webhooks'

export function queueKind(name: string): QueueKind {
  if (/(^|-)backfill(-|$)/.test(name)) return 'backfill'
  if (name.endsWith('-dlq')) return 'webhook-dead-letters'
  return 'webhooks'
}
