/** A webhook queue message: the id of an event the route recorded in D1 (its idempotency key). */
export interface WebhookMessage {
  id: string
}
