import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { createHubSpotStandin } from '../../standins/hubspot/index'
import { orderRecords } from '../../src/hubspot/mapping/order-records'
import type { HubSpotRecord } from '../../src/hubspot/records'
import { SqlWriterStore } from '../../src/hubspot/sync/sql-store'
import { serveHost } from '../support/network'
import { order } from '../hubspot/fixtures'
import { HOST } from '../hubspot/support'

function standin() {
  const hubspot = createHubSpotStandin()
  serveHost(HOST, hubspot.fetch)
  return hubspot
}

const contact = (email: string): HubSpotRecord => ({ objectType: 'contacts', key: email, properties: { email, firstname: 'Ada' } })
const badLineItem: HubSpotRecord = {
  objectType: 'line_items',
  key: '999',
  properties: { bc_line_item_id: '999', name: 'Bad', price: -5 },
}

describe('HubSpotWriter Durable Object', () => {
  it('flushes from its alarm within a couple of seconds of an enqueue and records order sync times', async () => {
    const hubspot = standin()
    await env.DB.prepare(
      `INSERT INTO orders (order_id, email, customer_id, status_id, counts_as_paid, created_at, modified_at, currency,
        total_inc_tax, refunded, net_revenue, net_revenue_base, channel)
       VALUES (501, 'buyer1@example.com', 7, 10, 1, '2026-10-05T14:03:00Z', '2026-10-05T14:03:00Z', 'USD', '47.25', '0', '47.25', '47.25', 'storefront')`,
    ).run()
    const writer = env.HUBSPOT_WRITER.getByName('alarm-test')
    const before = Date.now()
    await writer.enqueue([contact('buyer1@example.com'), ...orderRecords(order(501, { email: 'buyer1@example.com' }))])
    const alarm = await runInDurableObject(writer, (_instance, state) => state.storage.getAlarm())
    expect(alarm).not.toBeNull()
    expect(alarm! - before).toBeLessThanOrEqual(2_000)
    expect((await writer.status()).queue).toMatchObject({ contacts: 1, orders: 1, line_items: 2 })

    expect(await runDurableObjectAlarm(writer)).toBe(true)
    const status = await writer.status()
    expect(status.queue).toEqual({ contacts: 0, products: 0, orders: 0, line_items: 0, carts: 0, tasks: 0, companies: 0 })
    expect(status.lastSuccessAt).not.toBeNull()
    expect(status.setup?.ok).toBe(true)
    const written = hubspot.portal.findByProperty('orders', 'bc_order_id', '501')!
    const buyer = hubspot.portal.findByProperty('contacts', 'email', 'buyer1@example.com')!
    expect(hubspot.portal.associations('orders', written.id, 'contacts').map((a) => a.toObjectId)).toEqual([buyer.id])
    const row = await env.DB.prepare('SELECT synced_at FROM orders WHERE order_id = 501').first<{ synced_at: number }>()
    expect(row!.synced_at).toBeGreaterThanOrEqual(before)
    // Line items wait for products that never come: the alarm stays set for their bound, not a busy loop.
    const next = await runInDurableObject(writer, (_i, state) => state.storage.getAlarm())
    expect(next === null || next > Date.now() + 3600_000).toBe(true)
  })

  it('writes more than a hundred pending records of one type at once, and updates them by their known ids', async () => {
    const hubspot = standin()
    const writer = env.HUBSPOT_WRITER.getByName('many-records')
    const emails = Array.from({ length: 150 }, (_, i) => `buyer${i}@example.com`)
    await writer.enqueue(emails.map(contact))
    await writer.flush()
    await writer.enqueue(emails.map((email) => ({ ...contact(email), properties: { email, firstname: 'Grace' } })))
    await writer.flush()
    expect((await writer.status()).queue.contacts).toBe(0)
    expect(hubspot.portal.records('contacts')).toHaveLength(150)
    expect(hubspot.portal.records('contacts').every((r) => r.properties.firstname === 'Grace')).toBe(true)
  })

  it('runs setup on demand and remembers it', async () => {
    const hubspot = standin()
    const writer = env.HUBSPOT_WRITER.getByName('setup-test')
    const result = await writer.runSetup()
    expect(result.ok).toBe(true)
    expect(hubspot.portal.property('orders', 'bc_order_id')?.hasUniqueValue).toBe(true)
    const calls = hubspot.requests.length
    await writer.enqueue([contact('ada@example.com')])
    await writer.flush()
    // Setup is not repeated before the first write: only the upsert went out.
    expect(hubspot.requests.slice(calls).map((r) => r.path)).toEqual(['/crm/v3/objects/contacts/batch/upsert'])
  })

  it('dead-letters a record that keeps failing into D1, with HubSpot’s error and never the token, and replays it', async () => {
    standin()
    const writer = env.HUBSPOT_WRITER.getByName('dead-letter-test')
    await runInDurableObject(writer, (instance) => {
      Object.assign(instance.tuning, { recordRetryBaseMs: 0 })
    })
    await writer.enqueue([badLineItem, contact('fine@example.com')])
    for (let i = 0; i < 6 && (await writer.status()).queue.line_items > 0; i++) await writer.flush()
    const status = await writer.status()
    expect(status.queue.line_items).toBe(0)
    expect(status.errors.deadLettered).toBe(1)
    const letter = await env.DB.prepare("SELECT * FROM dead_letters WHERE source = 'hubspot' AND reference = 'line_items:999'")
      .first<{ id: number; payload: string; error: string; attempts: number; replayed_at: number | null }>()
    expect(letter).not.toBeNull()
    expect(letter!.attempts).toBe(5)
    expect(letter!.error).toMatch(/negative/)
    expect(JSON.parse(letter!.payload)).toMatchObject({ objectType: 'line_items', key: '999', properties: badLineItem.properties })
    expect(JSON.stringify(letter)).not.toContain('hs-test-token')

    const replay = await writer.replayDeadLetter(letter!.id)
    expect(replay).toEqual({ replayed: true, reference: 'line_items:999' })
    const after = await env.DB.prepare('SELECT replayed_at FROM dead_letters WHERE id = ?').bind(letter!.id).first<{ replayed_at: number }>()
    expect(after!.replayed_at).toBeGreaterThan(0)
    expect((await writer.status()).queue.line_items).toBe(1)
    expect(await writer.replayDeadLetter(987654)).toMatchObject({ replayed: false })
    // The replayed record keeps failing: its retries must not run into the next tests.
    await runInDurableObject(writer, (_instance, state) => state.storage.deleteAlarm())
  })

})

describe("the writer's storage (Durable Object SQLite)", () => {
  const DAY = 86_400_000
  const event = (key: string) => ({ key, name: 'bc_order_placed', email: 'ada@example.com', occurredAt: '2026-10-05T14:03:00.000Z', properties: {} })

  it('forgets sent custom events past the 90-day replay horizon, and a replay after that is pending again', async () => {
    const writer = env.HUBSPOT_WRITER.getByName('sent-events-test')
    await runInDurableObject(writer, (_instance, state) => {
      const store = new SqlWriterStore(state.storage.sql)
      const now = Date.UTC(2026, 10, 2)
      store.enqueueEvents([event('old'), event('recent')], now - 100 * DAY)
      store.eventSent('old', now - 91 * DAY)
      store.eventSent('recent', now - 89 * DAY)
      store.enqueueEvents([event('old'), event('recent')], now)
      expect(store.pendingEventCount()).toBe(0) // both remembered as sent: a replay sends nothing
      store.forgetSentEvents(now - 90 * DAY)
      const rows = state.storage.sql.exec<{ key: string }>('SELECT key FROM sent_events ORDER BY key').toArray()
      expect(rows.map((r) => r.key)).toEqual(['recent'])
      store.enqueueEvents([event('old'), event('recent')], now)
      expect(store.dueEvents(now, 10).map((p) => p.event.key)).toEqual(['old'])
    })
  })

  it('keeps a pending association without an id at either end until that end is written', async () => {
    const writer = env.HUBSPOT_WRITER.getByName('associations-test')
    await runInDurableObject(writer, (_instance, state) => {
      const store = new SqlWriterStore(state.storage.sql)
      const now = Date.UTC(2026, 10, 2)
      store.enqueue(orderRecords(order(5, { email: 'ada@example.com', lines: [] })), now)
      expect(store.associationCount()).toBe(1)
      // Unresolved: nothing to wake for.
      expect(store.nextAssociationAt()).toBeNull()
      store.saveIds('orders', [{ key: '5', id: '1005' }])
      expect(store.nextAssociationAt()).toBeNull()
      store.saveIds('contacts', [{ key: 'ada@example.com', id: '2001' }])
      expect(store.nextAssociationAt()).toBe(now)
      expect(store.readyAssociations('contacts', 'orders', now + 30 * DAY, 10)).toHaveLength(1)
    })
  })
})
