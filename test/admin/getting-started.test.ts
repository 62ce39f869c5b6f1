import { describe, expect, it } from 'vitest'
import { setupChecklist, type SetupFacts } from '../../src/admin/getting-started'
import { adminCall } from '../support/admin'
import { freshWorld } from '../support/worker'

const setup = { ok: true, ranAt: '2026-12-01T00:00:00.000Z', groupsCreated: [], created: {}, conflicts: [], missing: {}, available: {}, blocked: [], errors: [] }
const writer = { setup, missingProperties: {}, blockedObjects: [] }
const hooks = { destination: 'https://w.example.com/webhooks/bigcommerce', hooks: [{ active: true }], missingScopes: [], deactivated: 0 }
const lists = { available: true, reason: null, created: ['a'], unchanged: [], repaired: [], drifted: [], failed: [] }

function facts(over: Partial<SetupFacts> = {}): SetupFacts {
  return {
    hubspot: writer as never,
    webhooks: hooks as never,
    backfill: { state: 'done', done: 10, total: 10 } as never,
    lists: lists as never,
    beaconHitAt: Date.UTC(2026, 11, 1),
    liveWebhookAt: Date.UTC(2026, 11, 1),
    webhookSignatures: true,
    ...over,
  }
}

describe('getting started', () => {
  it('is complete when every step is done, and names the next step of each that is not', () => {
    expect(setupChecklist(facts())).toMatchObject({ complete: true })
    const fresh = setupChecklist(
      facts({
        hubspot: { ...writer, setup: { ...setup, errors: [{ objectType: 'contacts', step: 'read', message: 'HTTP 403: missing scopes', retryable: false }] } } as never,
        webhooks: { ...hooks, missingScopes: ['store/order/*'] } as never,
        backfill: { state: 'running', done: 3, total: 10 } as never,
        lists: { ...lists, available: false, reason: 'HubSpot refused list access (403)' } as never,
        beaconHitAt: null,
        liveWebhookAt: null,
        webhookSignatures: false,
      }),
    )
    expect(fresh.complete).toBe(false)
    expect(fresh.checks.filter((c) => !c.done).map((c) => c.id)).toEqual(['hubspot_token', 'webhooks', 'webhook_signatures', 'beacon', 'backfill', 'live_webhook', 'lists'])
    for (const check of fresh.checks.filter((c) => !c.done)) expect(check.next, check.id).toBeTruthy()
    expect(fresh.checks.find((c) => c.id === 'backfill')!.detail).toBe('running: 3 of 10')
  })

  it('is in the status answer: a fresh install has everything to do', async () => {
    await freshWorld()
    const status = (await (await adminCall('GET', '/admin/api/status', { role: 'viewer' })).json()) as { setup: ReturnType<typeof setupChecklist> }
    expect(status.setup.complete).toBe(false)
    expect(status.setup.checks.map((c) => c.id)).toEqual(['hubspot_token', 'properties', 'webhooks', 'webhook_signatures', 'beacon', 'backfill', 'live_webhook', 'lists'])
    expect(status.setup.checks.find((c) => c.id === 'lists')).toMatchObject({ done: false, detail: 'setup has not created them yet' })
  })
})
