import { describe, expect, it } from 'vitest'
import { queueKind } from '../../src/queues/names'

describe('queueKind', () => {
  it("tells the worker's queues apart by the names wrangler.toml and the per-store example give them", () => {
    expect(queueKind('bc-hubspot-webhooks')).toBe('webhooks')
    expect(queueKind('bc-hubspot-webhooks-dlq')).toBe('webhook-dead-letters')
    expect(queueKind('bc-hubspot-backfill')).toBe('backfill')
    expect(queueKind('bc-hubspot-webhooks-acme')).toBe('webhooks')
    expect(queueKind('bc-hubspot-webhooks-acme-dlq')).toBe('webhook-dead-letters')
    expect(queueKind('bc-hubspot-backfill-acme')).toBe('backfill')
  })

  it('does not take a store named like a queue for the backfill queue', () => {
    expect(queueKind('bc-hubspot-webhooks-backfiller')).toBe('webhooks')
    expect(queueKind('bc-hubspot-webhooks-backfiller-dlq')).toBe('webhook-dead-letters')
  })
})
