import { runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../../src/config'
import { contactObject, hubspotWriter } from '../../../src/durable/stubs'
import { EVENT_DEFINITIONS } from '../../../src/hubspot/custom-event-definitions'
import { createHubSpotStandin, type HubSpotStandin } from '../../../standins/hubspot'
import { serveHost } from '../../support/network'
import { callWorker, deliverEvents, flushHubSpot, freshWorld, type useStandins } from '../../support/worker'

/**
 * HUBSPOT_CUSTOM_EVENTS end to end: a fired trigger reaches the HubSpot stand-in as one custom event
 * occurrence (`pe{portalId}_bc_<trigger>`), after its contact; a replay sends nothing more; with the flag
 * off (the default) or on an account without custom events, no occurrence and no wasted calls.
 */
type Standins = ReturnType<typeof useStandins>
let bigcommerce: Standins['bigcommerce']
let hubspot: HubSpotStandin

const MINUTE = 60_000

/** A portal with (or without) the Enterprise custom events, served where the worker sends HubSpot calls. */
function portal(customEvents: boolean) {
  hubspot = createHubSpotStandin({ accessToken: 'hs-test-token', customEvents })
  serveHost('hubspot.standin', (request) => hubspot.fetch(request))
}

/** HUBSPOT_CUSTOM_EVENTS as the writer sees it (its engine takes it from the configuration). */
async function customEvents(on: boolean) {
  await runInDurableObject(hubspotWriter(env), (instance) => {
    ;instance.tuning.customEvents = on
  })
}

beforeEach(async () => {
  ;({ bigcommerce } = await freshWorld())
})

/** An opted-in contact whose cart goes idle: exactly one trigger fires (cart_abandoned). */
async function abandonCart(email: string) {
  await deliverEvents(bigcommerce.store.upsertSubscriber(email, ['marketing_newsletter']).events)
  const { value, events } = bigcommerce.store.createCart({ email, lines: [{ productId: 1, quantity: 1 }] })
  await deliverEvents(events)
  await contactObject(env, email).wake(new Date(Date.now() + 46 * MINUTE).toISOString())
  return { cartId: value.id, events }
}

async function fired(email: string) {
  const { results } = await env.DB.prepare(
    "SELECT trigger, trigger_key FROM trigger_decisions WHERE email = ? AND decision = 'fired' ORDER BY id",
  )
    .bind(email)
    .all<{ trigger: string; trigger_key: string }>()
  return results
}

const eventCalls = () => hubspot.requests.filter((r) => r.path.startsWith('/events/'))

describe('HubSpot custom events', () => {
  it('is off unless HUBSPOT_CUSTOM_EVENTS=on', () => {
    const base = { BIGCOMMERCE_STORE_HASH: 'teststore', BIGCOMMERCE_ACCESS_TOKEN: 'x', HUBSPOT_ACCESS_TOKEN: 'y' }
    const parsed = (extra: Record<string, string>) => loadConfig({ ...base, ...extra })
    expect(parsed({})).toMatchObject({ ok: true, config: { HUBSPOT_CUSTOM_EVENTS: false } })
    expect(parsed({ HUBSPOT_CUSTOM_EVENTS: 'on' })).toMatchObject({ ok: true, config: { HUBSPOT_CUSTOM_EVENTS: true } })
    const bad = parsed({ HUBSPOT_CUSTOM_EVENTS: 'yes' })
    expect(bad.ok).toBe(false)
    expect(!bad.ok && bad.errors[0]!.variable).toBe('HUBSPOT_CUSTOM_EVENTS')
  })

  it('sends one event per fired trigger, after the contact exists, and a replay sends none', async () => {
    portal(true)
    await customEvents(true)
    const email = 'events@example.com'
    const cart = await abandonCart(email)
    const [trigger] = await fired(email)
    expect(trigger?.trigger).toBe('cart_abandoned')
    await flushHubSpot()

    const contact = hubspot.portal.findByProperty('contacts', 'email', email)!
    expect(hubspot.portal.customEvents).toHaveLength(1)
    const [event] = hubspot.portal.customEvents
    expect(event).toMatchObject({
      eventName: `pe${hubspot.portal.portalId}_bc_cart_abandoned`,
      objectType: 'contacts',
      objectId: contact.id,
      occurredAt: new Date(contact.properties.bc_cart_abandoned_at!).toISOString(),
      properties: {
        bc_trigger_key: trigger!.trigger_key,
        bc_abandoned_cart_url: contact.properties.bc_abandoned_cart_url,
        bc_abandoned_cart_value: contact.properties.bc_abandoned_cart_value,
      },
    })
    // Every trigger has its definition, made once.
    expect([...hubspot.portal.eventDefinitions.values()].map((d) => d.name).sort()).toEqual(
      EVENT_DEFINITIONS.map((d) => d.name).sort(),
    )
    const definitionsMade = eventCalls().filter((r) => r.method === 'POST' && r.path.endsWith('/event-definitions')).length
    expect(definitionsMade).toBe(EVENT_DEFINITIONS.length)
    // The contact was written before the event was sent.
    const upsert = hubspot.requests.findIndex((r) => r.path.endsWith('/objects/contacts/batch/upsert'))
    const send = hubspot.requests.findIndex((r) => r.path === '/events/v3/send')
    expect(upsert).toBeGreaterThanOrEqual(0)
    expect(send).toBeGreaterThan(upsert)

    // A replay: the same webhooks, and the contact fires the same trigger again after losing its save.
    await deliverEvents(cart.events)
    await runInDurableObject(contactObject(env, email), async (_instance, state) => {
      const core = (await state.storage.get<{ automation: { handled: Record<string, unknown> } }>('core'))!
      delete core.automation.handled[trigger!.trigger_key]
      await state.storage.put('core', core)
    })
    await contactObject(env, email).wake(new Date(Date.now() + 46 * MINUTE).toISOString())
    expect((await fired(email)).map((f) => f.trigger_key)).toEqual([trigger!.trigger_key, trigger!.trigger_key])
    await flushHubSpot()
    expect(hubspot.portal.customEvents).toHaveLength(1)
    expect(eventCalls().filter((r) => r.path === '/events/v3/send')).toHaveLength(1)
    expect(eventCalls().filter((r) => r.method === 'POST' && r.path.endsWith('/event-definitions'))).toHaveLength(definitionsMade)
    const status = await hubspotWriter(env).status()
    expect(status.customEvents).toMatchObject({ enabled: true, available: true, pending: 0, sent: 1 })
  })

  it('sends nothing, and calls no event API, when HUBSPOT_CUSTOM_EVENTS is off', async () => {
    portal(true)
    const email = 'no-events@example.com'
    await abandonCart(email)
    expect(await fired(email)).toHaveLength(1)
    await flushHubSpot()
    expect(hubspot.portal.findByProperty('contacts', 'email', email)?.properties.bc_cart_abandoned_at).toBeTruthy()
    expect(hubspot.portal.customEvents).toEqual([])
    expect(eventCalls()).toEqual([])
    const status = await hubspotWriter(env).status()
    expect(status.customEvents).toMatchObject({ enabled: false, pending: 0, sent: 0, dropped: 1 })
  })

  it('on an account without custom events: asks once, reports why, and keeps nothing pending', async () => {
    portal(false)
    await customEvents(true)
    const email = 'not-enterprise@example.com'
    await abandonCart(email)
    await flushHubSpot()
    expect(hubspot.portal.findByProperty('contacts', 'email', email)?.properties.bc_cart_abandoned_at).toBeTruthy()
    expect(eventCalls().map((r) => [r.method, r.path, r.status])).toEqual([['GET', '/events/v3/event-definitions', 403]])
    const status = await hubspotWriter(env).status()
    expect(status.customEvents).toMatchObject({ enabled: true, available: false, pending: 0, sent: 0, dropped: 1 })
    expect(status.customEvents.reason).toMatch(/not available/)

    // Within the hour, the next trigger does not ask again.
    await deliverEvents(bigcommerce.store.createOrder({ email, statusId: 11 }).events)
    await flushHubSpot()
    expect(eventCalls()).toHaveLength(1)
  })

  it('the admin setup defines the events when HUBSPOT_CUSTOM_EVENTS is on', async () => {
    portal(true)
    await customEvents(true)
    const response = await callWorker(
      new Request('https://worker.example.com/admin/api/setup', { method: 'POST', headers: { authorization: 'Bearer admin-token-0123456789abcdef0123456789' } }),
    )
    expect(response.status).toBe(200)
    const body = (await response.json()) as { hubspot: { customEvents?: { available: boolean; defined: string[] } } }
    expect(body.hubspot.customEvents).toMatchObject({ available: true, defined: EVENT_DEFINITIONS.map((d) => d.name).sort() })
    const definition = hubspot.portal.eventDefinitions.get(`pe${hubspot.portal.portalId}_bc_cart_abandoned`)
    expect(definition).toMatchObject({ primaryObject: 'CONTACT', includeDefaultProperties: false })
    expect(definition!.properties.map((p) => [p.name, p.type])).toEqual([
      ['bc_trigger_key', 'string'],
      ['bc_abandoned_cart_url', 'string'],
      ['bc_abandoned_cart_value', 'number'],
    ])
  })
})
