import { runInDurableObject } from 'cloudflare:test'
import { env, exports } from 'cloudflare:workers'
import { beforeEach, describe, expect, it } from 'vitest'
import { readApiPauses } from '../../src/db/api-pauses'
import { hubspotWriter } from '../../src/durable/stubs'
import type { HubSpotRecord } from '../../src/hubspot/records'
import { adminCall } from '../support/admin'
import { freshWorld, type useStandins } from '../support/worker'
import { writerClock } from '../hubspot/support'

/**
 * The HubSpot writer already pauses when HubSpot refuses its token or scope (each object type waits and tries
 * again) or keeps failing: it is shown the same way as BigCommerce's pause (status, /health, dashboard, D1) and
 * an operator resumes it by hand; a write HubSpot accepts again resumes it by itself.
 */
type Standins = ReturnType<typeof useStandins>
let hubspot: Standins['hubspot']

beforeEach(async () => {
  ;({ hubspot } = await freshWorld())
})

const contact = (email: string): HubSpotRecord => ({ objectType: 'contacts', key: email, properties: { email, firstname: 'Ada' } })
const UPSERT = /\/crm\/v3\/objects\/contacts\/batch\/upsert$/

async function tune(options: Record<string, number>) {
  await runInDurableObject(env.HUBSPOT_WRITER.getByName('default'), (instance) => {
    Object.assign(instance.tuning, options)
  })
}

describe('the HubSpot writer paused', () => {
  it('on a 401 says "paused: HubSpot answers 401 since ..." in its status, /health and the sync status; an operator resumes it', async () => {
    const writer = hubspotWriter(env)
    await writer.enqueue([contact('before@example.com')])
    await writer.flush()
    expect(hubspot.portal.findByProperty('contacts', 'email', 'before@example.com')).toBeDefined()

    hubspot.faults.fail({ path: UPSERT }, { status: 401, body: { status: 'error', message: 'Authentication credentials not found.', category: 'INVALID_AUTHENTICATION' } }, Infinity)
    await writer.enqueue([contact('during@example.com')])
    await writer.flush()
    const status = await writer.status()
    expect(status.paused).toMatchObject({ cause: 'auth', status: 401, since: expect.any(String), retryAt: expect.any(String) })
    expect(Date.parse(status.paused!.retryAt!)).toBeGreaterThan(Date.now() + 60_000)
    expect(status.queue.contacts).toBe(1)
    expect(status.errors.deadLettered).toBe(0)
    const row = (await readApiPauses(env.DB)).hubspot
    expect(row).toMatchObject({ paused: true, cause: 'auth', status: 401, since: Date.parse(status.paused!.since) })

    const health = await (await exports.default.fetch('http://worker/health')).json<{ status: string; checks: { hubspot: { message: string } } }>()
    expect(health.status).toBe('degraded')
    expect(health.checks.hubspot.message).toMatch(/^paused: HubSpot answers 401 .*since \d{4}-/)
    const sync = (await (await adminCall('GET', '/admin/api/status', { role: 'viewer' })).json()) as { problems: string[] }
    expect(sync.problems).toContainEqual(expect.stringMatching(/^paused: HubSpot answers 401/))

    // Still refused: a flush before the retry time sends nothing for the paused type.
    const upserts = () => hubspot.requests.filter((r) => UPSERT.test(r.path)).length
    const sent = upserts()
    await writer.flush()
    expect(upserts()).toBe(sent)

    // The token is fixed; the operator does not wait for the retry.
    hubspot.faults.clear()
    const resumed = await adminCall('POST', '/admin/api/pauses/hubspot/resume', { role: 'operator' })
    expect(await resumed.json()).toEqual({ api: 'hubspot', resumed: true, handedOver: 0 })
    await writer.flush()
    expect(hubspot.portal.findByProperty('contacts', 'email', 'during@example.com')).toBeDefined()
    expect((await writer.status()).paused).toBeNull()
    expect((await readApiPauses(env.DB)).hubspot).toMatchObject({ paused: false, resumedBy: 'operator' })
  })

  it('resumes by itself once HubSpot accepts a write again, and reports a run of 5xx as an outage', async () => {
    await tune({ transientBaseMs: 1, maxInlineWaitMs: 10, authBackoffMs: 30 })
    const writer = hubspotWriter(env)
    const clock = await writerClock(writer)
    await writer.enqueue([contact('first@example.com')])
    await writer.flush()

    hubspot.faults.fail({ path: UPSERT }, { status: 502 }, Infinity)
    await writer.enqueue([contact('outage@example.com')])
    for (let i = 0; i < 3 && !(await writer.status()).paused; i++) await writer.flush()
    expect((await writer.status()).paused).toMatchObject({ cause: 'outage', status: 502 })
    expect((await readApiPauses(env.DB)).hubspot).toMatchObject({ paused: true, cause: 'outage', status: 502 })

    hubspot.faults.clear()
    clock.advance(50)
    for (let i = 0; i < 5 && (await writer.status()).queue.contacts > 0; i++) await writer.flush()
    expect(hubspot.portal.findByProperty('contacts', 'email', 'outage@example.com')).toBeDefined()
    expect((await writer.status()).paused).toBeNull()
    expect((await readApiPauses(env.DB)).hubspot).toMatchObject({ paused: false, resumedBy: 'writer' })

    // A refused scope the same way: the type's retry (here after 30 ms) is the probe.
    hubspot.faults.fail({ path: UPSERT }, { status: 403, body: { status: 'error', message: 'This app lacks a scope.', category: 'MISSING_SCOPES' } }, Infinity)
    await writer.enqueue([contact('scope@example.com')])
    await writer.flush()
    expect((await readApiPauses(env.DB)).hubspot).toMatchObject({ paused: true, cause: 'auth', status: 403 })
    hubspot.faults.clear()
    clock.advance(40)
    for (let i = 0; i < 5 && (await writer.status()).queue.contacts > 0; i++) await writer.flush()
    expect(hubspot.portal.findByProperty('contacts', 'email', 'scope@example.com')).toBeDefined()
    expect((await readApiPauses(env.DB)).hubspot).toMatchObject({ paused: false, resumedBy: 'writer' })
  })
})
