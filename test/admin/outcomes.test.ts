import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it } from 'vitest'
import { freshWorld } from '../support/worker'
import { adminCall, plantOrders } from '../support/admin'

/** The outcomes report on a planted store: every figure computed by hand below. */
async function plantDecisions(rows: [email: string, trigger: string, key: string, decision: string, at: string][]) {
  await env.DB.batch(
    rows.map(([email, trigger, key, decision, at]) =>
      env.DB.prepare('INSERT INTO trigger_decisions (email, trigger, trigger_key, decision, reason, at) VALUES (?, ?, ?, ?, ?, ?)').bind(
        email, trigger, key, decision, 'planted', at,
      ),
    ),
  )
}

interface Figures {
  count: number
  converted: number
  conversionRate: number | null
  revenue: string
  recovered?: number
  recoveryRate?: number | null
}
interface Report {
  currency: string
  note: string
  families: { family: string; windowDays: number; reference: unknown; total: { fired: Figures; heldBack: Figures }; weeks: { week: string; fired: Figures; heldBack: Figures }[] }[]
}

async function outcomes(query = '?from=2026-11-01&to=2026-11-30'): Promise<Report> {
  const response = await adminCall('GET', `/admin/api/outcomes${query}`, { role: 'viewer' })
  expect(response.status).toBe(200)
  return (await response.json()) as Report
}

describe('outcomes per trigger family', () => {
  beforeEach(async () => {
    await freshWorld()
  })

  it('counts fired and held-back triggers, conversions within the window, recovered carts and revenue', async () => {
    await plantDecisions([
      ['ann@example.com', 'cart_abandoned', 'cart_abandoned:cart-a:2026-11-02T09:15:00.000Z', 'fired', '2026-11-02T10:00:00.000Z'],
      ['bob@example.com', 'cart_abandoned', 'cart_abandoned:cart-b:2026-11-03T09:15:00.000Z', 'fired', '2026-11-03T10:00:00.000Z'],
      ['cat@example.com', 'cart_abandoned', 'cart_abandoned:cart-c:2026-11-10T09:15:00.000Z', 'fired', '2026-11-10T10:00:00.000Z'],
      ['dan@example.com', 'cart_abandoned', 'cart_abandoned:cart-d:2026-11-02T09:15:00.000Z', 'suppressed', '2026-11-02T10:00:00.000Z'],
      // Deferred by the cap, then fired: it counts once, as fired.
      ['eve@example.com', 'cart_abandoned', 'cart_abandoned:cart-e:2026-11-03T09:15:00.000Z', 'deferred', '2026-11-03T10:00:00.000Z'],
      ['eve@example.com', 'cart_abandoned', 'cart_abandoned:cart-e:2026-11-03T09:15:00.000Z', 'fired', '2026-11-11T10:00:00.000Z'],
      ['fay@example.com', 'winback_due', 'winback_due:1', 'fired', '2026-11-05T10:00:00.000Z'],
      ['gus@example.com', 'post_purchase_step', 'post_purchase_step:day_0', 'fired', '2026-11-01T08:00:05.000Z'],
      ['gus@example.com', 'post_purchase_step', 'post_purchase_step:day_3', 'fired', '2026-11-04T08:00:00.000Z'],
    ])
    await env.DB.prepare("INSERT INTO contacts (email, first_order_at, updated_at) VALUES ('gus@example.com', '2026-11-01T08:00:00.000Z', 0)").run()
    await plantOrders([
      { orderId: 1, email: 'ann@example.com', createdAt: '2026-11-04T12:00:00.000Z', net: '50.125', cartId: 'cart-a' },
      { orderId: 2, email: 'ann@example.com', createdAt: '2026-11-20T12:00:00.000Z', net: '30' }, // past 7 days
      { orderId: 3, email: 'bob@example.com', createdAt: '2026-11-05T12:00:00.000Z', net: '20.005', cartId: 'cart-x' },
      { orderId: 4, email: 'dan@example.com', createdAt: '2026-11-06T12:00:00.000Z', net: '10' },
      { orderId: 5, email: 'fay@example.com', createdAt: '2026-12-01T12:00:00.000Z', net: '100' },
      { orderId: 6, email: 'gus@example.com', createdAt: '2026-11-01T08:00:00.000Z', net: '40' }, // the first order
      { orderId: 7, email: 'gus@example.com', createdAt: '2026-12-20T08:00:00.000Z', net: '60' }, // 49 days later
      { orderId: 8, email: 'cat@example.com', createdAt: '2026-11-12T12:00:00.000Z', net: '5', statusId: 5 }, // cancelled
    ])

    const report = await outcomes()
    expect(report.currency).toBe('USD')
    expect(report.note).toMatch(/observational/i)
    const family = (name: string) => report.families.find((f) => f.family === name)!

    const carts = family('cart_abandoned')
    expect(carts.windowDays).toBe(7)
    // Fired: ann (order with her cart), bob (another order), cat (only a cancelled one), eve (nothing).
    expect(carts.total.fired).toEqual({ count: 4, converted: 2, conversionRate: 0.5, revenue: '70.13', recovered: 1, recoveryRate: 0.25 })
    expect(carts.total.heldBack).toEqual({ count: 1, converted: 1, conversionRate: 1, revenue: '10.00', recovered: 0, recoveryRate: 0 })
    expect(carts.weeks.map((w) => [w.week, w.fired.count, w.heldBack.count])).toEqual([['2026-W45', 2, 1], ['2026-W46', 2, 0]])

    expect(family('winback').total.fired).toEqual({ count: 1, converted: 1, conversionRate: 1, revenue: '100.00' })
    // Post-purchase: one per contact (day_0), a second order within 60 days of the first.
    expect(family('post_purchase').total.fired).toEqual({ count: 1, converted: 1, conversionRate: 1, revenue: '60.00' })
    expect(family('order_placed').total.fired).toEqual({ count: 0, converted: 0, conversionRate: null, revenue: '0.00' })
    for (const f of report.families) {
      for (const g of [f.total.fired, f.total.heldBack]) expect(g.revenue).toMatch(/^-?\d+\.\d{2}$/)
    }
  })

  it('states revenue in the base currency minor units: none for JPY', async () => {
    await plantDecisions([['yui@example.com', 'winback_due', 'winback_due:1', 'fired', '2026-11-05T10:00:00.000Z']])
    await plantOrders([{ orderId: 9, email: 'yui@example.com', createdAt: '2026-11-06T12:00:00.000Z', net: '1949.5', currency: 'JPY' }])
    const report = await outcomes()
    expect(report.currency).toBe('JPY')
    expect(report.families.find((f) => f.family === 'winback')!.total.fired.revenue).toBe('1950')
  })
})
