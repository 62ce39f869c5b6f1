import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it } from 'vitest'
import type { BigCommerceStandin, StoreEvent } from '../../standins/bigcommerce'
import type { B2BStandin } from '../../standins/b2b'
import type { createHubSpotStandin } from '../../standins/hubspot'
import { signIn, TOKENS } from '../support/admin'
import { B2B_ENV, deliverWith, fireCron, flushUntilIdle, useB2B } from '../support/b2b'
import { callWorker, freshWorld } from '../support/worker'

/**
 * Issue 22 (B2B Edition), end to end through the worker: B2B Edition and BigCommerce stand-ins → webhooks →
 * the HubSpot writer → the HubSpot stand-in.
 */
let bigcommerce: BigCommerceStandin
let hubspot: ReturnType<typeof createHubSpotStandin>
let b2b: B2BStandin

beforeEach(async () => {
  ;({ bigcommerce, hubspot } = await freshWorld())
  b2b = useB2B(bigcommerce)
})

const ACME = {
  companyName: 'Acme Wholesale GmbH',
  companyPhone: '+49 30 1234567',
  companyEmail: 'Office@Acme.example',
  country: 'Germany',
  adminFirstName: 'Ada',
  adminLastName: 'Admin',
  adminEmail: 'ada@acme.example',
  customerGroupId: 2,
}

/** A paid order of exactly `total` (no tax, no shipping), placed by this customer. */
function paidOrder(customerId: number, email: string, total: number, at: number) {
  return bigcommerce.store.createOrder({
    customerId,
    email,
    lines: [{ productId: 1, quantity: 1, price: total }],
    taxRate: 0,
    shippingCost: 0,
    statusId: 11,
    at,
  })
}

/** Acme with two users (Ada, the admin, and Bob), a default billing address, and three orders between them. */
function acmeWithOrders() {
  const events: StoreEvent[] = []
  const created = b2b.store.createCompany(ACME)
  events.push(...created.events)
  const companyId = created.value.company.companyId
  const bob = b2b.store.createUser({ companyId, email: 'Bob@Acme.example', firstName: 'Bob', lastName: 'Buyer', role: 1, channelIds: [1] })
  events.push(...bob.events)
  const address = b2b.store.createAddress({
    companyId,
    firstName: 'Ada',
    lastName: 'Admin',
    addressLine1: 'Friedrichstraße 1',
    city: 'Berlin',
    stateName: 'Berlin',
    countryName: 'Germany',
    countryCode: 'DE',
    zipCode: '10117',
    isBilling: true,
    isDefaultBilling: true,
  })
  events.push(...address.events)
  // 0.10 + 0.20 + 1000.05 is 1000.35 exactly; summed as floats it is 1000.3499999999999.
  const orders = [
    paidOrder(created.value.admin.customerId, 'ada@acme.example', 0.1, Date.UTC(2026, 0, 5, 9)),
    paidOrder(bob.value.customerId, 'bob@acme.example', 0.2, Date.UTC(2026, 1, 7, 23, 30)),
    paidOrder(created.value.admin.customerId, 'ada@acme.example', 1000.05, Date.UTC(2026, 2, 9, 12)),
  ]
  return { companyId, orders, events, orderEvents: orders.flatMap((o) => o.events) }
}

function hubspotCompany(companyId: number) {
  return hubspot.portal.findByProperty('companies', 'bc_company_id', String(companyId))
}

function associated(companyRecordId: string, type: 'contacts' | 'orders'): string[] {
  return hubspot.portal
    .associations('companies', companyRecordId, type)
    .map((a) => hubspot.portal.record(type, a.toObjectId)!.properties[type === 'contacts' ? 'email' : 'bc_order_id']!)
    .sort()
}

describe('B2B Edition companies in HubSpot', () => {
  it('syncs a company with two users and three orders as one company, with both contacts, all three orders and exact revenue', async () => {
    const acme = acmeWithOrders()
    await deliverWith([...acme.events, ...acme.orderEvents])
    await flushUntilIdle()

    const companies = hubspot.portal.records('companies')
    expect(companies).toHaveLength(1)
    const company = hubspotCompany(acme.companyId)!
    expect(company.properties).toMatchObject({
      name: 'Acme Wholesale GmbH',
      bc_company_status: 'approved',
      bc_customer_group: 'Distributors',
      bc_customer_group_id: '2',
      bc_catalog: 'Distributor prices',
      bc_order_count: '3',
      bc_lifetime_value: '1000.35',
      bc_first_order_date: '2026-01-05',
      bc_last_order_date: '2026-03-09',
      address: 'Friedrichstraße 1',
      city: 'Berlin',
      state: 'DE-BE',
      zip: '10117',
      country: 'DE',
    })
    expect(associated(company.id, 'contacts')).toEqual(['ada@acme.example', 'bob@acme.example'])
    expect(associated(company.id, 'orders')).toEqual(acme.orders.map((o) => String(o.value.id)).sort())
    // HubSpot's unlabeled types: company → contact 280, company → order (the inverse of order → company 934).
    const toContact = hubspot.portal.associations('companies', company.id, 'contacts')[0]!
    expect(toContact.associationTypes.map((t) => t.typeId)).toEqual([280])
    const order = hubspot.portal.findByProperty('orders', 'bc_order_id', String(acme.orders[0]!.value.id))!
    expect(hubspot.portal.associations('orders', order.id, 'companies')[0]!.associationTypes.map((t) => t.typeId)).toEqual([934])
  })

  it('associates orders that reached HubSpot before their company was known, once the company arrives', async () => {
    const acme = acmeWithOrders()
    // The customers and their orders first (the company's webhooks come later, or B2B was just switched on).
    const customers = acme.events.filter((e) => e.scope.startsWith('store/customer/'))
    await deliverWith([...customers, ...acme.orderEvents])
    await flushUntilIdle()
    expect(hubspot.portal.records('companies')).toHaveLength(0)
    expect(hubspot.portal.records('orders')).toHaveLength(3)

    await deliverWith(acme.events.filter((e) => e.scope.startsWith('store/company/')))
    await flushUntilIdle()
    const company = hubspotCompany(acme.companyId)!
    expect(company.properties).toMatchObject({ bc_order_count: '3', bc_lifetime_value: '1000.35' })
    expect(associated(company.id, 'orders')).toHaveLength(3)
    expect(associated(company.id, 'contacts')).toEqual(['ada@acme.example', 'bob@acme.example'])
  })

  it('updates the figures when a later order of a company user comes in, and associates only that order again', async () => {
    const acme = acmeWithOrders()
    await deliverWith([...acme.events, ...acme.orderEvents])
    await flushUntilIdle()
    const before = hubspot.requests.filter((r) => r.path.endsWith('/companies/orders/batch/associate/default')).length

    const bobId = [...b2b.store.users.values()].find((u) => u.email === 'Bob@Acme.example')!.customerId
    const later = paidOrder(bobId, 'bob@acme.example', 99.99, Date.UTC(2026, 3, 1, 8))
    await deliverWith(later.events)
    await flushUntilIdle()
    const company = hubspotCompany(acme.companyId)!
    expect(company.properties).toMatchObject({ bc_order_count: '4', bc_lifetime_value: '1100.34', bc_last_order_date: '2026-04-01' })
    expect(associated(company.id, 'orders')).toHaveLength(4)
    const calls = hubspot.requests.filter((r) => r.path.endsWith('/companies/orders/batch/associate/default'))
    expect(calls.length).toBe(before + 1)
    expect(calls.at(-1)!.inputs).toBe(1)
  })

  it('keeps a deleted company in HubSpot with status deleted', async () => {
    const acme = acmeWithOrders()
    await deliverWith([...acme.events, ...acme.orderEvents])
    await flushUntilIdle()
    await deliverWith(b2b.store.deleteCompany(acme.companyId).events)
    await flushUntilIdle()
    expect(hubspotCompany(acme.companyId)?.properties).toMatchObject({ bc_company_status: 'deleted', bc_order_count: '3' })
  })

  it('ignores company webhooks while BIGCOMMERCE_B2B is off', async () => {
    const acme = acmeWithOrders()
    const responses = await deliverWith(acme.events.filter((e) => e.scope.startsWith('store/company/')), env)
    expect(await Promise.all(responses.map((r) => r.json()))).toEqual(responses.map(() => ({ status: 'ignored' })))
    await flushUntilIdle()
    expect(hubspot.portal.records('companies')).toHaveLength(0)
    expect(b2b.requests).toHaveLength(0)
  })
})

describe('the daily reconciliation', () => {
  it('finds a bulk-created company that no webhook announced, with its users and their orders', async () => {
    const bulk = b2b.store.bulkCreateCompanies([{ ...ACME, companyName: 'Bulk Buyers Ltd', adminEmail: 'ops@bulk.example', country: 'GB' }])
    expect(bulk.events.filter((e) => e.scope.startsWith('store/company/'))).toEqual([])
    const [company] = bulk.value
    const admin = b2b.store.usersOf(company!.companyId)[0]!
    const orders = [paidOrder(admin.customerId, 'ops@bulk.example', 250.25, Date.UTC(2026, 4, 2)), paidOrder(admin.customerId, 'ops@bulk.example', 0.5, Date.UTC(2026, 4, 3))]
    await deliverWith([...bulk.events, ...orders.flatMap((o) => o.events)])
    await flushUntilIdle()
    expect(hubspot.portal.records('companies')).toHaveLength(0)

    const now = Date.now()
    await fireCron('* * * * *', now)
    await flushUntilIdle()
    const found = hubspotCompany(company!.companyId)!
    expect(found.properties).toMatchObject({ name: 'Bulk Buyers Ltd', bc_order_count: '2', bc_lifetime_value: '250.75' })
    expect(associated(found.id, 'contacts')).toEqual(['ops@bulk.example'])
    expect(associated(found.id, 'orders')).toEqual(orders.map((o) => String(o.value.id)).sort())

    // Done for the day: the next tick reads nothing from B2B Edition.
    const calls = b2b.requests.length
    await fireCron('* * * * *', now + 60_000)
    expect(b2b.requests.length).toBe(calls)
  })

  it('leaves an erased company user out when it reads the company again, though B2B Edition still lists them', async () => {
    const acme = acmeWithOrders()
    await deliverWith([...acme.events, ...acme.orderEvents])
    await flushUntilIdle()
    const eraseBob = await callWorker(
      new Request('https://worker.example.com/admin/api/erase', {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKENS.admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'bob@acme.example' }),
      }),
      B2B_ENV,
    )
    expect(eraseBob.status).toBe(200)
    const bobRows = () => env.DB.prepare("SELECT count(*) AS n FROM b2b_company_users WHERE email = 'bob@acme.example'").first<{ n: number }>()
    expect((await bobRows())!.n).toBe(0)
    expect(b2b.store.usersOf(acme.companyId).map((u) => u.email.toLowerCase())).toContain('bob@acme.example')

    // Both ways the company is read again: the next day's reconciliation and a company webhook.
    await fireCron('* * * * *', Date.now() + 25 * 3600_000)
    const renamed = b2b.store.updateCompany(acme.companyId, { companyName: 'Acme Wholesale AG' })
    await deliverWith(renamed.events)
    await flushUntilIdle()
    expect((await bobRows())!.n).toBe(0)
    expect(await env.DB.prepare("SELECT count(*) AS n FROM b2b_company_users WHERE email = 'ada@acme.example'").first<{ n: number }>()).toEqual({ n: 1 })
    expect(hubspotCompany(acme.companyId)?.properties.name).toBe('Acme Wholesale AG')
  })

  it('the next day marks a company deleted without a webhook as deleted, after reading it once more', async () => {
    const acme = acmeWithOrders()
    await deliverWith([...acme.events, ...acme.orderEvents])
    const now = Date.now()
    await fireCron('* * * * *', now)
    await flushUntilIdle()
    expect(hubspotCompany(acme.companyId)?.properties.bc_company_status).toBe('approved')

    b2b.store.deleteCompany(acme.companyId)
    await fireCron('* * * * *', now + 25 * 3600_000)
    await flushUntilIdle()
    expect(hubspotCompany(acme.companyId)?.properties.bc_company_status).toBe('deleted')
    expect(b2b.requests.some((r) => r.path === `/api/v3/io/companies/${acme.companyId}` && r.status === 404)).toBe(true)
  })

  it('costs HubSpot nothing for companies that did not change', async () => {
    const acme = acmeWithOrders()
    await deliverWith([...acme.events, ...acme.orderEvents])
    await flushUntilIdle()
    const writes = hubspot.requests.filter((r) => r.path.includes('/companies/batch/')).length
    const now = Date.now()
    await fireCron('* * * * *', now)
    await flushUntilIdle()
    expect(hubspot.requests.filter((r) => r.path.includes('/companies/batch/')).length).toBe(writes)
    const state = await env.DB.prepare("SELECT value FROM sync_state WHERE key = 'b2b_reconciliation'").first<{ value: string }>()
    expect(JSON.parse(state!.value).last).toMatchObject({ listed: 1, written: 0 })
  })

  it('does nothing while BIGCOMMERCE_B2B is off', async () => {
    b2b.store.createCompany(ACME)
    await fireCron('* * * * *', Date.now(), env)
    expect(b2b.requests).toHaveLength(0)
  })
})

describe('setup with B2B Edition', () => {
  async function setup(workerEnv: typeof env) {
    const { callWorker } = await import('../support/worker')
    const res = await callWorker(
      new Request('https://worker.example.com/admin/api/setup', { method: 'POST', headers: { authorization: `Bearer ${TOKENS.admin}` } }),
      workerEnv,
    )
    expect(res.status).toBe(200)
    return res.json() as Promise<{ hubspot: { created: Record<string, string[]> }; webhooks: { created: { scope: string }[] }; b2b: unknown }>
  }

  it('creates the company properties, registers the company webhooks and checks B2B Edition access', async () => {
    b2b.store.createCompany(ACME)
    const result = await setup(B2B_ENV)
    expect(result.hubspot.created.companies).toContain('bc_company_id')
    expect(hubspot.portal.property('companies', 'bc_company_id')?.hasUniqueValue).toBe(true)
    const scopes = result.webhooks.created.map((h) => h.scope)
    expect(scopes).toEqual(expect.arrayContaining(['store/company/created', 'store/company/user/created', 'store/company/address/updated']))
    expect(result.b2b).toEqual({ enabled: true, available: true, companies: 1, reason: null })
  })

  it('reports a token B2B Edition refuses', async () => {
    b2b.faults.fail({ path: '/companies' }, { status: 403, body: { code: 403, data: {}, meta: { message: 'Forbidden' } } })
    const result = await setup(B2B_ENV)
    expect(result.b2b).toMatchObject({ enabled: true, available: false, reason: expect.stringMatching(/B2B Edition scope.*403/) })
  })

  it('leaves companies alone while B2B is off', async () => {
    const result = await setup(env)
    expect(result.hubspot.created.companies).toBeUndefined()
    expect(hubspot.portal.property('companies', 'bc_company_id')).toBeUndefined()
    expect(result.webhooks.created.map((h) => h.scope).some((s) => s.startsWith('store/company/'))).toBe(false)
    expect(result.b2b).toEqual({ enabled: false })
  })
})

describe('B2B configuration and webhooks', () => {
  it('answers 503 naming BIGCOMMERCE_B2B or its API base when they are not valid', async () => {
    const { callWorker } = await import('../support/worker')
    for (const [variable, value] of [['BIGCOMMERCE_B2B', 'yes'], ['BIGCOMMERCE_B2B_API_BASE', 'not a url']] as const) {
      const res = await callWorker(new Request('https://worker.example.com/health'), { ...B2B_ENV, [variable]: value })
      expect(res.status).toBe(503)
      expect(JSON.stringify(await res.json())).toContain(variable)
    }
  })

  it('records a company webhook with B2B on, and refuses one whose data names no company', async () => {
    const [accepted] = await deliverWith([{ scope: 'store/company/updated', data: { company_id: 4242 } }])
    expect(await accepted!.json()).toEqual({ status: 'accepted' })
    const row = await env.DB.prepare("SELECT resource_type, resource_id FROM webhook_events WHERE scope = 'store/company/updated'").first()
    expect(row).toEqual({ resource_type: 'company', resource_id: '4242' })
    const [refused] = await deliverWith([{ scope: 'store/company/user/created', data: { user_id: 1 } }])
    expect(refused!.status).toBe(400)
    const [ignored] = await deliverWith([{ scope: 'store/company/superadmin/assignmentUpdated', data: { company_id: 1 } }])
    expect(await ignored!.json()).toEqual({ status: 'ignored' })
  })
})

describe('companies in the admin API and the dashboard', () => {
  it('lists companies with exact revenue in the base currency, and shows them on the dashboard', async () => {
    const { callWorker } = await import('../support/worker')
    const acme = acmeWithOrders()
    await deliverWith([...acme.events, ...acme.orderEvents])
    await flushUntilIdle()

    const api = await callWorker(
      new Request('https://worker.example.com/admin/api/companies', { headers: { authorization: `Bearer ${TOKENS.viewer}` } }),
      B2B_ENV,
    )
    expect(api.status).toBe(200)
    expect(await api.json()).toMatchObject({
      enabled: true,
      currency: 'USD',
      total: 1,
      companies: [{ companyId: acme.companyId, name: 'Acme Wholesale GmbH', status: 'approved', users: 2, orderCount: 3, lifetimeValue: '1000.35' }],
    })

    const status = await callWorker(
      new Request('https://worker.example.com/admin/api/status', { headers: { authorization: `Bearer ${TOKENS.viewer}` } }),
      B2B_ENV,
    )
    expect(((await status.json()) as { companies: unknown }).companies).toMatchObject({ total: 1, reconciliation: { running: false, lastError: null } })

    const cookie = await signIn('viewer')
    const page = (workerEnv: typeof env) => callWorker(new Request('https://worker.example.com/admin', { headers: { cookie } }), workerEnv)
    const html = await (await page(B2B_ENV)).text()
    expect(html).toContain('id="companies"')
    expect(html).toMatch(new RegExp(`data-company="${acme.companyId}"[\\s\\S]*Acme Wholesale GmbH[\\s\\S]*1000\\.35`))
    expect(await (await page(env)).text()).not.toContain('id="companies"')
  })
})
