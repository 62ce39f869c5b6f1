import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { runLiveChecks } from '../../src/admin/live-checks'
import { requireConfig } from '../../src/config'
import { createHubSpotStandin, type HubSpotStandin, type HubSpotStandinOptions } from '../../standins/hubspot'
import type { BigCommerceStandin } from '../../standins/bigcommerce'
import { B2B_ENV, useB2B } from '../support/b2b'
import { serveHost } from '../support/network'
import { signIn, TOKENS } from '../support/admin'
import { callWorker, freshWorld } from '../support/worker'

/** `npm run check:live`'s checks, against the stand-ins as CI runs them (scripts/check-live.ts prints these). */
let bigcommerce: BigCommerceStandin
let hubspot: HubSpotStandin

async function world(options: HubSpotStandinOptions = {}, b2b = false) {
  ;({ bigcommerce } = await freshWorld())
  hubspot = createHubSpotStandin({ accessToken: 'hs-test-token', customEvents: true, ...options })
  serveHost('hubspot.standin', (request) => hubspot.fetch(request))
  bigcommerce.store.createOrder({ email: 'ada@example.com', lines: [{ productId: 1, quantity: 1 }] })
  if (b2b) {
    useB2B(bigcommerce).store.createCompany({
      companyName: 'Acme',
      companyPhone: '+1 555 0100',
      companyEmail: 'office@acme.example',
      country: 'US',
      adminFirstName: 'Ada',
      adminLastName: 'Admin',
      adminEmail: 'ada@acme.example',
    })
  }
  const setup = await callWorker(
    new Request('https://worker.example.com/admin/api/setup', { method: 'POST', headers: { authorization: `Bearer ${TOKENS.admin}` } }),
    b2b ? B2B_ENV : env,
  )
  return setup
}

const config = () => requireConfig({ ...env, HUBSPOT_CUSTOM_EVENTS: 'on' })

describe('check:live against the stand-ins', () => {
  it('passes every check after setup, and round-trips one record of each object with --write', async () => {
    expect((await world()).status).toBe(200)
    const report = await runLiveChecks(config(), { now: new Date(), write: true })
    const notPassing = report.checks.filter((c) => c.level !== 'pass')
    expect(notPassing, JSON.stringify(notPassing, null, 1)).toEqual([])
    expect(report.blockers).toBe(0)
    const ids = report.checks.map((c) => c.id)
    for (const id of ['scopes', 'properties.line_items', 'consent', 'associations', 'lists', 'custom_events', 'orders', 'hooks', 'subscribers', 'carts', 'write.orders.create', 'write.associate.orders.contacts', 'write.tasks.archive']) {
      expect(ids, id).toContain(id)
    }
    // Archived: nothing of the round trip is left in the portal.
    expect(hubspot.portal.records('orders').filter((r) => r.properties.bc_order_id?.startsWith('check-live-'))).toEqual([])
  })

  it('names e-commerce and counts a blocker for a token without it', async () => {
    await world({ scopes: { eCommerce: false } })
    const report = await runLiveChecks(config(), { now: new Date() })
    const scopes = report.checks.find((c) => c.id === 'scopes')!
    expect(scopes.level).toBe('fail')
    expect(scopes.detail).toContain('e-commerce')
    expect(report.blockers).toBeGreaterThan(0)
  })

  it('fails on a wrong BigCommerce token and warns when custom events are off but not wanted', async () => {
    await world({ customEvents: false })
    const report = await runLiveChecks(requireConfig({ ...env, BIGCOMMERCE_ACCESS_TOKEN: 'wrong-token' }), { now: new Date() })
    expect(report.checks.find((c) => c.id === 'store')).toMatchObject({ level: 'fail', detail: expect.stringContaining('401') })
    expect(report.checks.find((c) => c.id === 'custom_events')).toMatchObject({ level: 'warn' })
  })
})

describe('check:live and consent', () => {
  it('fails on a subscription type the portal lacks and on a write-back the API account may not make; passes once both are right', async () => {
    await world()
    const customersBefore = JSON.stringify([...bigcommerce.store.customers.values()])
    bigcommerce.scopes.customers = 'read-only'
    const wrong = await runLiveChecks(requireConfig({ ...env, HUBSPOT_MARKETING_SUBSCRIPTION_TYPES: '1001,4242', CONSENT_WRITE_BACK: 'on' }), { now: new Date() })
    expect(wrong.checks.find((c) => c.id === 'consent')).toMatchObject({ level: 'fail', detail: expect.stringContaining('4242') })
    expect(wrong.checks.find((c) => c.id === 'consent')!.detail).not.toContain('1001')
    expect(wrong.checks.find((c) => c.id === 'consent_write_back')).toMatchObject({ level: 'fail', detail: expect.stringContaining('store_v2_customers') })
    expect(wrong.blockers).toBeGreaterThanOrEqual(2)

    bigcommerce.scopes.customers = 'modify'
    const right = await runLiveChecks(requireConfig({ ...env, HUBSPOT_MARKETING_SUBSCRIPTION_TYPES: '1001', CONSENT_WRITE_BACK: 'on' }), { now: new Date() })
    expect(right.checks.find((c) => c.id === 'consent')).toMatchObject({ level: 'pass', detail: expect.stringContaining('hs_email_optout_1001') })
    expect(right.checks.find((c) => c.id === 'consent_write_back')).toMatchObject({ level: 'pass' })
    // The check changed nothing in the store.
    expect(JSON.stringify([...bigcommerce.store.customers.values()])).toBe(customersBefore)
  })
})

describe('check:live with BIGCOMMERCE_B2B=on', () => {
  const b2bConfig = () => requireConfig({ ...B2B_ENV, HUBSPOT_CUSTOM_EVENTS: 'on' })

  it('leaves companies out while B2B is off: their scopes, properties and associations are not asked for', async () => {
    await world({ scopes: { companies: false } })
    const report = await runLiveChecks(config(), { now: new Date(), write: true })
    expect(report.checks.filter((c) => c.level !== 'pass')).toEqual([])
    expect(report.checks.map((c) => c.id).filter((id) => id.includes('compan') || id === 'b2b')).toEqual([])
  })

  it('with B2B on: checks company properties, the contact and order associations to companies, B2B Edition, and round-trips a company', async () => {
    expect((await world({}, true)).status).toBe(200)
    const report = await runLiveChecks(b2bConfig(), { now: new Date(), write: true })
    const notPassing = report.checks.filter((c) => c.level !== 'pass')
    expect(notPassing, JSON.stringify(notPassing, null, 1)).toEqual([])
    const ids = report.checks.map((c) => c.id)
    for (const id of ['properties.companies', 'write.companies.create', 'write.associate.contacts.companies', 'write.associate.orders.companies', 'write.companies.archive']) {
      expect(ids, id).toContain(id)
    }
    expect(report.checks.find((c) => c.id === 'b2b')).toMatchObject({ level: 'pass', detail: 'readable (1 companies)' })
    expect(hubspot.portal.records('companies').filter((r) => r.properties.bc_company_id?.startsWith('check-live-'))).toEqual([])
  })

  it('with B2B on, a token without the company scopes is a blocker naming them', async () => {
    await world({ scopes: { companies: false } }, true)
    const report = await runLiveChecks(b2bConfig(), { now: new Date() })
    const scopes = report.checks.find((c) => c.id === 'scopes')!
    expect(scopes.level).toBe('fail')
    expect(scopes.detail).toContain('crm.objects.companies.write')
    expect(report.checks.find((c) => c.id === 'properties.companies')?.level).toBe('fail')
  })

  it('with B2B on, a token B2B Edition refuses fails the b2b check', async () => {
    await world({}, true)
    const report = await runLiveChecks(requireConfig({ ...B2B_ENV, BIGCOMMERCE_ACCESS_TOKEN: 'wrong-token' }), { now: new Date() })
    expect(report.checks.find((c) => c.id === 'b2b')).toMatchObject({ level: 'fail', detail: expect.stringContaining('B2B Edition scope') })
  })
})

describe('the deploy checks in the admin API and the dashboard', () => {
  it('an operator runs them; the status and the getting-started panel show the last run', async () => {
    await world()
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
    const viewerRun = await callWorker(new Request('https://worker.example.com/admin/api/live-checks', { method: 'POST', headers: bearer(TOKENS.viewer) }))
    expect(viewerRun.status).toBe(403)
    const run = await callWorker(new Request('https://worker.example.com/admin/api/live-checks', { method: 'POST', headers: bearer(TOKENS.operator) }))
    expect(run.status).toBe(200)
    const report = (await run.json()) as { blockers: number; checks: { id: string; level: string }[] }
    expect(report.blockers).toBe(0)
    expect(report.checks.find((c) => c.id === 'scopes')).toMatchObject({ level: 'pass' })
    const status = (await (await callWorker(new Request('https://worker.example.com/admin/api/status', { headers: bearer(TOKENS.viewer) }))).json()) as {
      liveChecks: { blockers: number; checks: unknown[] }
    }
    expect(status.liveChecks.checks).toHaveLength(report.checks.length)
    const html = await (await callWorker(new Request('https://worker.example.com/admin', { headers: { cookie: await signIn('viewer') } }))).text()
    expect(html).toContain('id="deploy-checks"')
    expect(html).toContain('data-live-check="scopes"')
    expect(html).toContain('data-live-check="carts"')
  })

  it('the dashboard’s button runs them for an operator, from the dashboard’s own page only, and says so by a fixed notice', async () => {
    await world()
    const post = async (cookie: string, origin: string) =>
      callWorker(new Request('https://worker.example.com/admin/live-checks', { method: 'POST', headers: { cookie, origin } }))
    const operator = await signIn('operator')
    expect((await post(operator, 'https://evil.example')).status).toBe(403)
    expect((await post(await signIn('viewer'), 'https://worker.example.com')).status).toBe(403)
    const run = await post(operator, 'https://worker.example.com')
    expect(run.status).toBe(303)
    expect(run.headers.get('location')).toBe('/admin?notice=live_checks_passed#getting-started')
    const page = async (query: string) =>
      (await callWorker(new Request(`https://worker.example.com/admin${query}`, { headers: { cookie: operator } }))).text()
    expect(await page('?notice=live_checks_passed')).toContain('Deploy checks: no blocker.')
    expect(await page('?notice=live_checks_blocked&blockers=2')).toContain('Deploy checks: 2 blocker(s).')
    expect(await page('?notice=live_checks_blocked&blockers=%3Cb%3Eyou%20were%20hacked')).not.toContain('you were hacked')
  })
})
