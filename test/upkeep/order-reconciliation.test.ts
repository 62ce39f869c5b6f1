import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it } from 'vitest'
import { reconciliationJob } from '../../src/cron/reconciliation-job'
import { compareOrders, type ReconciliationReport } from '../../src/upkeep/order-reconciliation'
import { createHubSpotStandin } from '../../standins/hubspot'
import { serveHost } from '../support/network'
import { deliverEvents, flushHubSpot, freshWorld } from '../support/worker'
import { adminCall, plantOrders } from '../support/admin'

type World = Awaited<ReturnType<typeof freshWorld>>

/** Orders as the HubSpot writer would have left them, written straight into the stand-in portal. */
async function plantHubSpotOrders(world: World, orders: { id: number; net: string; total: string; currency?: string }[]) {
  const response = await world.hubspot.fetch(
    new Request('http://hubspot.standin/crm/v3/objects/orders/batch/upsert', {
      method: 'POST',
      headers: { authorization: 'Bearer hs-test-token', 'content-type': 'application/json' },
      body: JSON.stringify({
        inputs: orders.map((o) => ({
          idProperty: 'bc_order_id',
          id: String(o.id),
          properties: { hs_order_name: `Order #${o.id}`, bc_net_revenue: o.net, hs_total_price: o.total, hs_currency_code: o.currency ?? 'USD' },
        })),
      }),
    }),
  )
  expect(response.status).toBe(200)
}

describe('reconciliation', () => {
  let world: World
  beforeEach(async () => {
    world = await freshWorld()
    // Setup creates the bigcommerce group, the custom properties and the unique bc_order_id in the portal.
    expect((await adminCall('POST', '/admin/api/setup', { role: 'admin' })).status).toBe(200)
  })

  it('finds a planted difference: an order missing in HubSpot and one with another net revenue', async () => {
    const synced = Date.parse('2026-11-10T12:05:00Z')
    await plantOrders([
      { orderId: 1, total: '100.00', createdAt: '2026-11-05T10:00:00.000Z', syncedAt: synced },
      { orderId: 2, total: '80.00', refunded: '20.00', net: '60.00', createdAt: '2026-11-06T10:00:00.000Z', syncedAt: synced },
      { orderId: 3, total: '45.50', createdAt: '2026-11-07T10:00:00.000Z', syncedAt: synced },
      { orderId: 4, total: '30.00', createdAt: '2026-11-30T23:59:59.000Z', syncedAt: null },
      // Outside the range: not compared.
      { orderId: 5, total: '999.00', createdAt: '2026-10-31T23:59:59.000Z', syncedAt: synced },
    ])
    await plantHubSpotOrders(world, [
      { id: 1, net: '100', total: '100' },
      { id: 2, net: '80', total: '80' }, // the refund never reached HubSpot
      { id: 4, net: '30', total: '30' },
      { id: 5, net: '999', total: '999' },
    ])

    const response = await adminCall('GET', '/admin/api/reconciliation?from=2026-11-01&to=2026-11-30', { role: 'viewer' })
    expect(response.status).toBe(200)
    const report = (await response.json()) as ReconciliationReport
    expect(report.range).toEqual({ from: '2026-11-01T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z' })
    expect(report.storeSource).toMatch(/^D1 orders/)
    expect(report).toMatchObject({ ordersInRange: 4, ordersCompared: 4, truncated: false, differing: 2, met: false })
    expect(report.totals).toEqual([
      {
        currency: 'USD',
        store: { orders: 4, netRevenue: '235.50' },
        hubspot: { orders: 3, netRevenue: '210.00' },
        difference: '-25.50',
        differenceRatio: -0.10828,
        withinTolerance: false,
      },
    ])
    expect(report.differences).toEqual([
      {
        orderId: 2,
        kinds: ['net_revenue'],
        store: { netRevenue: '60.00', totalPrice: '80.00', currency: 'USD' },
        hubspot: { netRevenue: '80', totalPrice: '80', currency: 'USD' },
        syncPending: false,
      },
      {
        orderId: 3,
        kinds: ['missing_in_hubspot'],
        store: { netRevenue: '45.50', totalPrice: '45.50', currency: 'USD' },
        hubspot: null,
        syncPending: false,
      },
    ])
  })

  it('reports a match when both sides agree', async () => {
    await plantOrders([{ orderId: 7, total: '12.34', createdAt: new Date(Date.now() - 86_400_000).toISOString(), syncedAt: Date.now() }])
    await plantHubSpotOrders(world, [{ id: 7, net: '12.34', total: '12.34' }])
    const report = (await (await adminCall('GET', '/admin/api/reconciliation', { role: 'viewer' })).json()) as ReconciliationReport
    expect(report).toMatchObject({ met: true, differing: 0, ordersCompared: 1 })
    expect(report.totals[0]).toMatchObject({ difference: '0.00', differenceRatio: 0, withinTolerance: true })
  })

  it('validates the range', async () => {
    for (const [query, problem] of [
      ['from=yesterday', 'query.from'],
      ['from=2026-11-10&to=2026-11-01', 'query.from must be before query.to'],
      ['from=2024-01-01&to=2026-01-01', 'at most 366 days'],
    ]) {
      const response = await adminCall('GET', `/admin/api/reconciliation?${query}`, { role: 'viewer' })
      expect(response.status).toBe(400)
      expect(((await response.json()) as { message: string }).message).toContain(problem)
    }
  })
})

describe('compareOrders', () => {
  it('keeps currencies apart and flags a currency mismatch', () => {
    const store = [
      { orderId: 1, statusId: 11, currency: 'EUR', totalIncTax: '10', netRevenue: '10', syncedAt: 1 },
      { orderId: 2, statusId: 11, currency: 'USD', totalIncTax: '20', netRevenue: '20', syncedAt: null },
    ]
    const hubspot = new Map([[1, { netRevenue: '10', totalPrice: '10', currency: 'USD' }]])
    const { totals, differences } = compareOrders(store, hubspot)
    expect(totals.map((t) => [t.currency, t.store.orders, t.hubspot.orders])).toEqual([
      ['EUR', 1, 0],
      ['USD', 1, 1],
    ])
    expect(differences.map((d) => [d.orderId, d.kinds, d.syncPending])).toEqual([
      [1, ['currency'], false],
      [2, ['missing_in_hubspot'], true],
    ])
  })
})

describe('reconciliation job', () => {
  it('stores a 30-day run the dashboard reuses, and keeps a fresh one', async () => {
    await freshWorld()
    const now = new Date()
    await reconciliationJob.run(env, now)
    await reconciliationJob.run(env, new Date(now.getTime() + 60_000))
    const { results } = await env.DB.prepare('SELECT range_from, range_to FROM reconciliation_runs').all<{ range_from: string; range_to: string }>()
    expect(results).toHaveLength(1)
    expect(Date.parse(results[0]!.range_to) - Date.parse(results[0]!.range_from)).toBe(31 * 86_400_000)
  })
})

describe('money in admin answers', () => {
  let world: World
  beforeEach(async () => {
    world = await freshWorld()
    expect((await adminCall('POST', '/admin/api/setup', { role: 'admin' })).status).toBe(200)
  })

  it('states money as exact decimals in each currency minor units: two places for USD, none for JPY', async () => {
    const day = new Date(Date.now() - 86_400_000).toISOString()
    await plantOrders([
      { orderId: 31, total: '1949.28764703192', net: '1949.28764703192', createdAt: day, syncedAt: Date.now() },
      { orderId: 32, total: '1949.5', net: '1949.5', currency: 'JPY', baseCurrency: 'USD', createdAt: day, syncedAt: Date.now() },
    ])
    await plantHubSpotOrders(world, [{ id: 31, net: '1949.29', total: '1949.29' }, { id: 32, net: '1950', total: '1950', currency: 'JPY' }])
    const report = (await (await adminCall('GET', '/admin/api/reconciliation', { role: 'viewer' })).json()) as ReconciliationReport
    const usd = report.totals.find((t) => t.currency === 'USD')!
    const jpy = report.totals.find((t) => t.currency === 'JPY')!
    expect([usd.store.netRevenue, usd.hubspot.netRevenue, usd.difference]).toEqual(['1949.29', '1949.29', '0.00'])
    for (const value of [usd.store.netRevenue, usd.hubspot.netRevenue, usd.difference]) expect(value).toMatch(/^-?\d+\.\d{2}$/)
    expect([jpy.store.netRevenue, jpy.hubspot.netRevenue, jpy.difference]).toEqual(['1950', '1950', '0'])
    expect(report.differences).toEqual([])

    const attribution = (await (await adminCall('GET', '/admin/api/attribution', { role: 'viewer' })).json()) as {
      currency: string
      rows: { revenue: string }[]
      total: { revenue: string }
      store: { revenue: string }
    }
    for (const value of [...attribution.rows.map((r) => r.revenue), attribution.total.revenue, attribution.store.revenue]) {
      expect(value).toMatch(/^-?\d+\.\d{2}$/)
    }
    expect(attribution.store.revenue).toBe('3898.79')
  })
})

describe('a KWD order from the store to HubSpot', () => {
  it('reaches HubSpot exact to the fils, and reconciles exactly', async () => {
    const world = await freshWorld()
    const { bigcommerce, hubspot } = world
    const { value: placed, events } = bigcommerce.store.createOrder({
      email: 'fils@example.com',
      currency: 'KWD',
      lines: [{ productId: 1, price: 12.345, quantity: 1 }],
      shippingCost: 1.5,
      taxRate: 0.08,
      statusId: 11,
    })
    await deliverEvents(events)
    await deliverEvents(bigcommerce.store.addRefund(placed.id, { amount: 2.121 }).events)
    await flushHubSpot()

    const order = bigcommerce.store.requireOrder(placed.id)
    // The store's own figures in fils: 12.345 + 0.988 tax + 1.500 shipping + 0.120 tax on it.
    expect(order.total_inc_tax).toBe('14.9530')
    const written = hubspot.portal.findByProperty('orders', 'bc_order_id', String(placed.id))!.properties
    expect(written).toMatchObject({ hs_currency_code: 'KWD', hs_total_price: '14.953', bc_refunded_amount: '2.121', bc_net_revenue: '12.832', hs_tax: '1.108' })
    const [lineItem] = hubspot.portal.records('line_items')
    expect(lineItem!.properties).toMatchObject({ price: '12.345', amount: '12.345', hs_line_item_currency_code: 'KWD' })

    const day = 86_400_000
    const from = new Date(Date.now() - day).toISOString().slice(0, 10)
    const to = new Date(Date.now() + day).toISOString().slice(0, 10)
    const report = (await (await adminCall('GET', `/admin/api/reconciliation?from=${from}&to=${to}`, { role: 'viewer' })).json()) as ReconciliationReport
    expect(report.differences).toEqual([])
    expect(report.totals).toEqual([
      {
        currency: 'KWD',
        store: { orders: 1, netRevenue: '12.832' },
        hubspot: { orders: 1, netRevenue: '12.832' },
        difference: '0.000',
        differenceRatio: 0,
        withinTolerance: true,
      },
    ])
    expect(report.met).toBe(true)
  })
})

describe('reconciliation on a portal without hs_total_price', () => {
  it('reads the total back from bc_order_total, the property the worker owns', async () => {
    await freshWorld()
    const hubspot = createHubSpotStandin({ accessToken: 'hs-test-token', missingProperties: { orders: ['hs_total_price'] } })
    serveHost('hubspot.standin', (request) => hubspot.fetch(request))
    expect((await adminCall('POST', '/admin/api/setup', { role: 'admin' })).status).toBe(200)
    const day = new Date(Date.now() - 86_400_000).toISOString()
    await plantOrders([{ orderId: 41, total: '120.00', createdAt: day, syncedAt: Date.now() }])
    const planted = await hubspot.fetch(
      new Request('http://hubspot.standin/crm/v3/objects/orders/batch/upsert', {
        method: 'POST',
        headers: { authorization: 'Bearer hs-test-token', 'content-type': 'application/json' },
        body: JSON.stringify({
          inputs: [{ idProperty: 'bc_order_id', id: '41', properties: { hs_order_name: 'Order #41', bc_net_revenue: '120', bc_order_total: '120', hs_currency_code: 'USD' } }],
        }),
      }),
    )
    expect(planted.status).toBe(200)
    const report = (await (await adminCall('GET', '/admin/api/reconciliation', { role: 'viewer' })).json()) as ReconciliationReport
    expect(report.differences).toEqual([])
    expect(report).toMatchObject({ ordersCompared: 1, differing: 0, met: true })
  })
})
