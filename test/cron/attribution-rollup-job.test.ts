import { runInDurableObject } from 'cloudflare:test'
import { env, exports } from 'cloudflare:workers'
import { beforeEach, describe, expect, it } from 'vitest'
import { attributionRollup, runAttributionRollup } from '../../src/cron/attribution-rollup-job'
import { attributionReport } from '../../src/db/attribution-report'
import { linkIdentities } from '../../src/db/identity'
import type { HubSpotRecord } from '../../src/hubspot/records'
import { SqlWriterStore } from '../../src/hubspot/sync/sql-store'
import { customerToken } from '../support/beacon'

/**
 * From beacon to HubSpot: storefront hits through the real route, orders planted in D1 as the lead's
 * pipeline writes them, the rollup driven directly, and the records it hands the HubSpot writer asserted.
 */
const SHOP = 'https://shop.example.com'
const LOOKBACK = 30 * 86_400_000
const now = Date.now()
const ago = (minutes: number) => now - minutes * 60_000
const iso = (ms: number) => new Date(ms).toISOString()

async function hit(body: Record<string, unknown>) {
  const res = await exports.default.fetch('https://worker.example.com/beacon', {
    method: 'POST',
    headers: { origin: SHOP, 'content-type': 'text/plain' },
    body: JSON.stringify(body),
  })
  expect(res.status).toBe(204)
}

async function plantOrder(o: { id: number; email: string; createdAt: number; cartId?: string; revenue?: string; paid?: boolean; customerId?: number }) {
  await env.DB.prepare(
    `INSERT INTO orders (order_id, email, customer_id, status_id, counts_as_paid, created_at, modified_at, currency,
       total_inc_tax, refunded, net_revenue, net_revenue_base, channel, cart_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'USD', ?, '0', ?, ?, 'storefront', ?)`,
  )
    .bind(o.id, o.email, o.customerId ?? 0, o.paid === false ? 5 : 11, o.paid === false ? 0 : 1, iso(o.createdAt), iso(o.createdAt), o.revenue ?? '100', o.revenue ?? '100', o.revenue ?? '100', o.cartId ?? null)
    .run()
}

class CapturingWriter {
  records: HubSpotRecord[] = []
  async enqueue(records: HubSpotRecord[]) {
    this.records.push(...records)
  }
  find(objectType: string, key: string) {
    return this.records.filter((r) => r.objectType === objectType && r.key === key).at(-1)?.properties
  }
}

async function rollup() {
  const writer = new CapturingWriter()
  const stats = await runAttributionRollup(env.DB, writer, { lookbackMs: LOOKBACK, now })
  return { writer, stats }
}

beforeEach(async () => {
  // Each test starts from the rollup having caught up with what earlier tests left.
  await rollup()
})

describe('beacon to HubSpot records', () => {
  it('a paid-search visit that becomes an order shows paid_search on the order and on the contact', async () => {
    const cartId = 'aaaa0000-0000-4000-8000-000000000001'
    await hit({ anonymousId: 'paid-visitor-1', url: `${SHOP}/?gclid=Cj0KCQ`, referrer: 'https://www.google.com/', occurredAt: iso(ago(120)) })
    await hit({ anonymousId: 'paid-visitor-1', url: `${SHOP}/products/9`, referrer: `${SHOP}/`, occurredAt: iso(ago(118)) })
    await hit({ anonymousId: 'paid-visitor-1', url: `${SHOP}/cart.php`, cartId, occurredAt: iso(ago(115)) })
    await plantOrder({ id: 5001, email: 'paid.buyer@example.com', createdAt: ago(100), cartId })

    const { writer } = await rollup()
    expect(writer.find('orders', '5001')).toEqual({
      bc_order_id: '5001',
      bc_attributed_channel: 'paid_search',
      bc_attributed_source: 'google',
      bc_attributed_medium: 'cpc',
      bc_attributed_campaign: '',
    })
    expect(writer.find('contacts', 'paid.buyer@example.com')).toMatchObject({
      bc_first_touch_channel: 'paid_search',
      bc_first_touch_source: 'google',
      bc_first_touch_at: iso(ago(120)),
      bc_last_touch_channel: 'paid_search',
      bc_last_touch_medium: 'cpc',
    })
  })

  it('an organic first visit, an email click later and an order show both touches', async () => {
    await hit({ anonymousId: 'two-touch-visitor', url: `${SHOP}/`, referrer: 'https://www.bing.com/', occurredAt: iso(ago(20 * 60)) })
    await hit({
      anonymousId: 'two-touch-visitor',
      url: `${SHOP}/?utm_source=klaviyo&utm_medium=email&utm_campaign=spring`,
      // Signed in: the storefront's Current Customer token proves customer 77.
      customerToken: await customerToken(77, 'two.touch@example.com'),
      occurredAt: iso(ago(90)),
    })
    await env.DB.prepare('INSERT INTO customer_emails (customer_id, email, updated_at) VALUES (77, ?, ?)')
      .bind('two.touch@example.com', now)
      .run()
    await plantOrder({ id: 5002, email: 'two.touch@example.com', createdAt: ago(60), customerId: 77 })

    const { writer } = await rollup()
    expect(writer.find('contacts', 'two.touch@example.com')).toMatchObject({
      bc_first_touch_channel: 'organic_search',
      bc_first_touch_source: 'bing',
      bc_first_touch_medium: 'organic',
      bc_last_touch_channel: 'email',
      bc_last_touch_source: 'klaviyo',
      bc_last_touch_campaign: 'spring',
      bc_last_touch_at: iso(ago(90)),
    })
    expect(writer.find('orders', '5002')).toMatchObject({ bc_attributed_channel: 'email', bc_attributed_campaign: 'spring' })
  })

  it('credits direct when the buyer was seen only directly, unassigned when never seen', async () => {
    const cartId = 'dddd0000-0000-4000-8000-000000000003'
    await hit({ anonymousId: 'direct-visitor-1', url: `${SHOP}/`, cartId, occurredAt: iso(ago(50)) })
    await plantOrder({ id: 5003, email: 'direct.buyer@example.com', createdAt: ago(40), cartId })
    await plantOrder({ id: 5004, email: 'never.seen@example.com', createdAt: ago(40) })
    const { writer } = await rollup()
    expect(writer.find('orders', '5003')).toMatchObject({ bc_attributed_channel: 'direct', bc_attributed_source: '' })
    expect(writer.find('orders', '5004')).toMatchObject({ bc_attributed_channel: 'unassigned' })
    // A contact never seen gets no touch properties at all.
    expect(writer.find('contacts', 'never.seen@example.com')).toBeUndefined()
  })

  it('a late identity re-credits an order, and nothing unchanged is sent twice', async () => {
    const cartId = 'bbbb0000-0000-4000-8000-000000000002'
    await hit({
      anonymousId: 'late-link-visitor',
      url: `${SHOP}/?utm_source=facebook&utm_medium=paid_social&utm_campaign=retarget&fbclid=x`,
      occurredAt: iso(ago(200)),
    })
    await plantOrder({ id: 5005, email: 'late.link@example.com', createdAt: ago(150), cartId })
    const first = await rollup()
    expect(first.writer.find('orders', '5005')).toMatchObject({ bc_attributed_channel: 'unassigned' })

    // The checkout page's hit carrying the cart id arrives after the order was rolled up.
    await hit({ anonymousId: 'late-link-visitor', url: `${SHOP}/checkout`, cartId, occurredAt: iso(ago(190)) })
    const second = await rollup()
    expect(second.writer.find('orders', '5005')).toMatchObject({
      bc_attributed_channel: 'paid_social',
      bc_attributed_source: 'facebook',
      bc_attributed_campaign: 'retarget',
    })
    expect(second.writer.find('contacts', 'late.link@example.com')).toMatchObject({ bc_first_touch_channel: 'paid_social' })

    // Nothing new: nothing read from the stream, nothing sent.
    const third = await rollup()
    expect(third.stats.changes).toBe(0)
    expect(third.writer.records).toEqual([])

    // A page view in the same session changes nothing either, even though the order row is touched.
    await hit({ anonymousId: 'late-link-visitor', url: `${SHOP}/account.php`, occurredAt: iso(ago(185)) })
    await env.DB.prepare('UPDATE orders SET synced_at = ? WHERE order_id = 5005').bind(now).run()
    const fourth = await rollup()
    expect(fourth.stats.changes).toBe(0)
    expect(fourth.writer.records).toEqual([])
  })

  it('the cron job hands its records to the HubSpot writer and records its run', async () => {
    const cartId = 'eeee0000-0000-4000-8000-000000000006'
    await hit({ anonymousId: 'cron-visitor-1', url: `${SHOP}/?utm_source=awin&utm_medium=affiliate`, cartId, occurredAt: iso(ago(30)) })
    await plantOrder({ id: 5006, email: 'cron.buyer@example.com', createdAt: ago(20), cartId })
    await attributionRollup.run(env, new Date(now))
    const pending = await runInDurableObject(env.HUBSPOT_WRITER.getByName('default'), async (_writer, state) => {
      const store = new SqlWriterStore(state.storage.sql)
      return [...store.due('orders', Number.MAX_SAFE_INTEGER, 500), ...store.due('contacts', Number.MAX_SAFE_INTEGER, 500)]
    })
    expect(pending.find((r) => r.objectType === 'orders' && r.key === '5006')?.properties).toMatchObject({
      bc_attributed_channel: 'affiliate',
      bc_attributed_source: 'awin',
    })
    expect(pending.find((r) => r.key === 'cron.buyer@example.com')?.properties).toMatchObject({ bc_first_touch_channel: 'affiliate' })
    const run = await env.DB.prepare("SELECT value FROM sync_state WHERE key = 'attribution_rollup:last_run'").first<{ value: string }>()
    expect(JSON.parse(run!.value)).toMatchObject({ orderRecords: 1, contactRecords: 1 })
  })
})

describe('one person, many emails', () => {
  it('after two emails are linked, the person\'s touches are those of both, on the canonical contact only', async () => {
    const cartId = 'aaaa0000-0000-4000-8000-0000000000a1'
    // The guest came from a paid-search ad and bought; a day later the member (another email) came by email.
    await hit({ anonymousId: 'linked-guest', url: `${SHOP}/?gclid=Cj0KCQ`, referrer: 'https://www.google.com/', occurredAt: iso(ago(1400)) })
    await hit({ anonymousId: 'linked-guest', url: `${SHOP}/cart.php`, cartId, occurredAt: iso(ago(1390)) })
    await plantOrder({ id: 5101, email: 'linked.guest@work.example', createdAt: ago(1380), cartId })
    const memberCart = 'aaaa0000-0000-4000-8000-0000000000a2'
    await hit({ anonymousId: 'linked-member', url: `${SHOP}/?utm_source=newsletter&utm_medium=email`, occurredAt: iso(ago(100)) })
    await hit({ anonymousId: 'linked-member', url: `${SHOP}/cart.php`, cartId: memberCart, occurredAt: iso(ago(99)) })
    await plantOrder({ id: 5102, email: 'linked.member@home.example', createdAt: ago(90), customerId: 88, cartId: memberCart })
    const before = (await rollup()).writer
    expect(before.find('contacts', 'linked.member@home.example')).toMatchObject({ bc_first_touch_channel: 'email' })

    await linkIdentities(env.DB, {
      canonical: 'linked.member@home.example',
      absorbed: ['linked.guest@work.example'],
      reason: 'operator',
      groupId: null,
      hubspotMerge: true,
      at: now,
    })
    const { writer } = await rollup()
    // The person's first touch is the guest's ad click; the last before the latest order is the newsletter.
    expect(writer.find('contacts', 'linked.member@home.example')).toMatchObject({
      bc_first_touch_channel: 'paid_search',
      bc_first_touch_source: 'google',
      bc_first_touch_at: iso(ago(1400)),
      bc_last_touch_channel: 'email',
      bc_last_touch_source: 'newsletter',
    })
    expect(writer.find('contacts', 'linked.guest@work.example')).toBeUndefined()
    // Each order keeps the credit of the touch before it.
    expect(writer.find('orders', '5101') ?? before.find('orders', '5101')).toMatchObject({ bc_attributed_channel: 'paid_search' })
    const rows = await env.DB.prepare("SELECT email FROM contact_touches WHERE email LIKE 'linked.%'").all<{ email: string }>()
    expect(rows.results.map((r) => r.email)).toEqual(['linked.member@home.example'])
  })
})

describe('attributionReport', () => {
  it('splits revenue by channel, source and campaign and reconciles with the store', async () => {
    const day = '2031-03-04'
    const at = (h: number) => Date.parse(`${day}T00:00:00.000Z`) + h * 3_600_000
    // Touches planted directly: the beacon only trusts times within a day of now.
    await env.DB.prepare(
      `INSERT INTO touches (anonymous_id, occurred_at, channel, source, medium, campaign, reason, received_at) VALUES
       ('report-a', ?1, 'organic_search', 'google', 'organic', NULL, 'session', ?1),
       ('report-a', ?2, 'email', 'klaviyo', 'email', 'spring', 'session', ?2),
       ('report-b', ?2, 'paid_social', 'facebook', 'paid', 'retarget', 'session', ?2)`,
    )
      .bind(at(1), at(2))
      .run()
    // Linked as signed-in customers (verified tokens), whose emails the store told the worker.
    await env.DB.batch([
      env.DB.prepare(
        `INSERT INTO beacon_identities (anonymous_id, kind, value, first_seen_at) VALUES
         ('report-a', 'customer', '701', 0), ('report-b', 'customer', '702', 0)`,
      ),
      env.DB.prepare(
        "INSERT INTO customer_emails (customer_id, email, updated_at) VALUES (701, 'report.a@example.com', 0), (702, 'report.b@example.com', 0)",
      ),
    ])
    await plantOrder({ id: 7001, email: 'report.a@example.com', createdAt: at(3), revenue: '100.10' })
    await plantOrder({ id: 7002, email: 'report.a@example.com', createdAt: at(4), revenue: '50.05' })
    await plantOrder({ id: 7003, email: 'report.b@example.com', createdAt: at(5), revenue: '20.00' })
    await plantOrder({ id: 7004, email: 'report.c@example.com', createdAt: at(6), revenue: '9.99' })
    await plantOrder({ id: 7005, email: 'report.b@example.com', createdAt: at(7), revenue: '500', paid: false })
    await plantOrder({ id: 7006, email: 'report.b@example.com', createdAt: at(30), revenue: '1' }) // next day
    await rollup()

    const byOrder = await attributionReport(env.DB, { from: day, to: day, model: 'order' })
    expect(byOrder.rows).toEqual([
      { channel: 'email', source: 'klaviyo', campaign: 'spring', orders: 2, revenue: '150.15' },
      { channel: 'paid_social', source: 'facebook', campaign: 'retarget', orders: 1, revenue: '20.00' },
      { channel: 'unassigned', source: null, campaign: null, orders: 1, revenue: '9.99' },
    ])
    expect(byOrder.total).toEqual({ orders: 4, revenue: '180.14' })
    expect(byOrder.store).toEqual(byOrder.total)
    expect(byOrder.reconciles).toBe(true)
    expect(byOrder.pendingOrders).toBe(0)

    const byFirst = await attributionReport(env.DB, { from: day, to: day, model: 'first' })
    expect(byFirst.rows[0]).toEqual({ channel: 'organic_search', source: 'google', campaign: null, orders: 2, revenue: '150.15' })
    expect(byFirst.reconciles).toBe(true)

    // Orders not rolled up yet still count, as unassigned, so the report reconciles before the cron runs.
    await plantOrder({ id: 7007, email: 'report.a@example.com', createdAt: at(8), revenue: '0.01' })
    const early = await attributionReport(env.DB, { from: `${day}T00:00:00Z`, to: `${day}T23:59:59Z`, model: 'last' })
    expect(early.pendingOrders).toBe(1)
    expect(early.reconciles).toBe(true)
    expect(early.total.revenue).toBe('180.15')
  })
})
