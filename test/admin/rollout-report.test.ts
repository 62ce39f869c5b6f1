import { env } from 'cloudflare:workers'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { adminCall, signIn } from '../support/admin'
import { callWorker, flushHubSpot, freshWorld, subscribe, wakeContact, type useStandins } from '../support/worker'
import { contactProperties, decisions, MINUTE, openCart } from '../support/scenarios'

/**
 * Rolling out one trigger family at a time: an admin sets cart_abandoned to shadow (API and dashboard), its
 * decisions are listed as shadowed with what they would have written, nothing reaches HubSpot, the rollout
 * report counts them, and turning the family live fires none of that history.
 */
type Standins = ReturnType<typeof useStandins>
let bigcommerce: Standins['bigcommerce']
let hubspot: Standins['hubspot']

beforeEach(async () => {
  ;({ bigcommerce, hubspot } = await freshWorld())
})
afterEach(async () => {
  await adminCall('PUT', '/admin/api/overrides', { role: 'admin', body: {} })
})

const setMode = (family: string, mode: string) => adminCall('PUT', `/admin/api/rollout/${family}`, { role: 'admin', body: { mode } })

interface ListedDecision {
  trigger: string
  decision: string
  reason: string
  shadow?: { outcome: string; wouldWrite: Record<string, unknown> | null }
}

describe('a trigger family in shadow', () => {
  it('writes nothing to HubSpot and its shadowed decisions are listed with what they would have written', async () => {
    expect((await setMode('cart_abandoned', 'shadow')).status).toBe(200)
    const email = 'shadowed@example.com'
    await subscribe(bigcommerce, email)
    const cart = await openCart(bigcommerce, email)
    await wakeContact(email, Date.now() + 46 * MINUTE)

    const listed = (await (await adminCall('GET', `/admin/api/decisions?email=${email}&decision=shadowed`, { role: 'viewer' })).json()) as ListedDecision[]
    expect(listed).toEqual([expect.objectContaining({
      trigger: 'cart_abandoned', decision: 'shadowed',
      reason: expect.stringMatching(/^shadow mode \(TRIGGER_FAMILIES cart_abandoned\): would have fired: cart /),
      shadow: { outcome: 'fired', wouldWrite: expect.objectContaining({ bc_cart_abandoned_at: expect.any(String), bc_abandoned_cart_value: expect.any(Number) }) },
    })])
    expect(String(listed[0]!.shadow!.wouldWrite!.bc_abandoned_cart_url)).toContain(cart.id)
    // The full list has it too, with the real decisions.
    const all = (await (await adminCall('GET', `/admin/api/decisions?email=${email}`, { role: 'viewer' })).json()) as ListedDecision[]
    expect(all.map((d) => d.decision)).toContain('shadowed')
    expect(await decisions(email, 'cart_abandoned')).toEqual([])

    await flushHubSpot()
    expect(contactProperties(hubspot, email).bc_cart_abandoned_at ?? '').toBe('')
    expect(hubspot.portal.records('tasks')).toEqual([])

    const report = (await (await adminCall('GET', '/admin/api/rollout', { role: 'viewer' })).json()) as {
      families: { family: string; mode: string; override: string | null; wouldHaveFired: { days7: number; days14: number } }[]
    }
    expect(report.families.find((f) => f.family === 'cart_abandoned')).toMatchObject({ mode: 'shadow', override: 'shadow', wouldHaveFired: { days7: 1, days14: 1 } })
    expect(report.families.find((f) => f.family === 'order_placed')).toMatchObject({ mode: 'live', wouldHaveFired: { days7: 0, days14: 0 } })
  })

  it('turning it live does not fire what was shadowed; what comes after fires', async () => {
    await setMode('cart_abandoned', 'shadow')
    const email = 'goes-live@example.com'
    await subscribe(bigcommerce, email)
    await openCart(bigcommerce, email)
    await wakeContact(email, Date.now() + 46 * MINUTE)

    expect((await setMode('cart_abandoned', 'live')).status).toBe(200)
    await wakeContact(email, Date.now() + 90 * MINUTE)
    expect(await decisions(email, 'cart_abandoned')).toEqual([])
    await flushHubSpot()
    expect(contactProperties(hubspot, email).bc_cart_abandoned_at ?? '').toBe('')

    await openCart(bigcommerce, email)
    await wakeContact(email, Date.now() + 46 * MINUTE)
    expect((await decisions(email, 'cart_abandoned')).map((d) => d.decision)).toEqual(['fired'])
    await flushHubSpot()
    expect(contactProperties(hubspot, email).bc_cart_abandoned_at).toBeTruthy()
  })

  it('a mode change is audited with the overrides before and after', async () => {
    await setMode('winback', 'off')
    const { entries } = (await (await adminCall('GET', '/admin/api/audit', { role: 'viewer' })).json()) as {
      entries: { action: string; before: unknown; after: unknown }[]
    }
    expect(entries[0]).toMatchObject({ action: 'overrides.update', before: {}, after: { triggerFamilies: { winback: 'off' } } })
    const put = await adminCall('PUT', '/admin/api/overrides', { role: 'admin', body: { triggerFamilies: { winback: 'sleepy' } } })
    expect(put.status).toBe(400)
    expect(await put.text()).toContain('triggerFamilies')
    expect((await setMode('winbacks', 'off')).status).toBe(400)
  })
})

describe('the dashboard panel', () => {
  const page = async (role: 'viewer' | 'operator' | 'admin', query = '') =>
    callWorker(new Request(`https://worker.example.com/admin${query}`, { headers: { cookie: await signIn(role) } }))

  it('shows each family’s mode and evidence, and lets an admin switch one', async () => {
    const viewer = await (await page('viewer')).text()
    expect(viewer).toContain('id="rollout"')
    expect(viewer).toContain('data-family="replenishment"')
    expect(viewer).not.toContain('action="/admin/families/')

    const form = await callWorker(new Request('https://worker.example.com/admin/families/browse_abandoned', {
      method: 'POST',
      headers: { cookie: await signIn('admin'), origin: 'https://worker.example.com' },
      body: new URLSearchParams({ mode: 'shadow' }),
    }))
    expect(form.status).toBe(303)
    // The notice travels as a fixed code; the dashboard writes its text.
    const location = form.headers.get('location')!
    expect(location).toBe('/admin?notice=family_mode_changed&family=browse_abandoned&mode=shadow')
    const admin = await (await page('admin', location.slice('/admin'.length))).text()
    expect(admin).toContain('browse abandoned is now shadow (within a minute for every contact).')
    expect(admin).toMatch(/data-family="browse_abandoned">.*?<span class="pill warn">shadow<\/span>/s)
    expect(admin).toContain('action="/admin/families/browse_abandoned"')

    const asOperator = await callWorker(new Request('https://worker.example.com/admin/families/winback', {
      method: 'POST',
      headers: { cookie: await signIn('operator'), origin: 'https://worker.example.com' },
      body: new URLSearchParams({ mode: 'off' }),
    }))
    expect(asOperator.status).toBe(403)
  })

  it('says when suppression by support tickets is off for want of the scope', async () => {
    hubspot.scopes.tickets = false
    await adminCall('POST', '/admin/api/setup', { role: 'admin' })
    const html = await (await page('viewer')).text()
    expect(html).toMatch(/id="support-tickets">.*suppression by tickets is off: HubSpot refused the ticket read/s)
  })
})

describe('/docs', () => {
  it('documents the new settings, the fail-safes and the families, generated from the code', async () => {
    const mapping = (await (await callWorker(new Request('https://worker.example.com/docs/mapping.json'))).json()) as {
      settings: Record<string, unknown>
      governance: { families: { family: string; configuredMode: string }[]; marketplaceBuyers: { relayDomains: { domains: string[] }[] } }
    }
    expect(mapping.settings).toMatchObject({
      SUPPORT_SUPPRESSION_PRIORITIES: 'HIGH', MARKETING_EXCLUDED_ORDER_CHANNELS: 'marketplace', REVIEW_REQUEST_STEP: '21d',
      TRIGGER_FAMILIES: expect.stringContaining('cart_abandoned:live'),
    })
    expect(mapping.governance.families).toHaveLength(9)
    expect(mapping.governance.marketplaceBuyers.relayDomains.flatMap((m) => m.domains)).toContain('members.ebay.com')
    const html = await (await callWorker(new Request('https://worker.example.com/docs'))).text()
    for (const text of ['id="governance"', 'marketplace.amazon.com', 'metadata.ticketState is OPEN', 'replenishment_due']) expect(html).toContain(text)
  })
})

describe('invalid configuration', () => {
  const health = (vars: Record<string, string>) => callWorker(new Request('https://worker.example.com/admin/api/status'), { ...env, ...vars })

  it.each([
    ['TRIGGER_FAMILIES', 'cart:shadow', 'unknown trigger family "cart"'],
    ['TRIGGER_FAMILIES', 'winback:paused', 'unknown mode "paused"'],
    ['MARKETING_EXCLUDED_ORDER_CHANNELS', 'amazon', 'unknown: amazon'],
    ['REVIEW_REQUEST_STEP', '14d', 'not one of POST_PURCHASE_STEPS'],
    ['REVIEW_REQUEST_STEP', '0d', 'later post-purchase step'],
    ['SUPPORT_SUPPRESSION_PRIORITIES', 'HIGH;URGENT', 'ticket priorities'],
  ])('%s=%s answers 503 naming the variable', async (variable, value, message) => {
    const response = await health({ [variable]: value })
    expect(response.status).toBe(503)
    expect(await response.json()).toMatchObject({ error: 'invalid_configuration', variable, message: expect.stringContaining(message) })
  })

  it('accepts off, none and explicit modes', async () => {
    const response = await callWorker(new Request('https://worker.example.com/health'), {
      ...env, TRIGGER_FAMILIES: 'winback:shadow,replenishment:off', MARKETING_EXCLUDED_ORDER_CHANNELS: 'none',
      REVIEW_REQUEST_STEP: 'off', SUPPORT_SUPPRESSION_PRIORITIES: 'off',
    })
    expect(response.status).toBe(200)
  })
})
