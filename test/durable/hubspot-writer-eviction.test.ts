import { abortAllDurableObjects } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { createHubSpotStandin } from '../../standins/hubspot/index'
import { orderRecords } from '../../src/hubspot/mapping/order-records'
import type { HubSpotRecord } from '../../src/hubspot/records'
import { serveHost } from '../support/network'
import { order } from '../hubspot/fixtures'
import { HOST } from '../hubspot/support'

/**
 * Its own file: abortAllDurableObjects() resets every object of the file's runtime, and the writers the other
 * writer tests leave with alarms pending kept the aborted flush's promise from ever settling.
 */
const contact = (email: string): HubSpotRecord => ({ objectType: 'contacts', key: email, properties: { email, firstname: 'Ada' } })

describe('HubSpotWriter Durable Object evicted', () => {
  it('loses and duplicates nothing when evicted in the middle of a flush', async () => {
    const hubspot = createHubSpotStandin()
    let release: () => void = () => {}
    let reached: () => void = () => {}
    const blocked = new Promise<void>((resolve) => (reached = resolve))
    let holdNext = true
    serveHost(HOST, async (request) => {
      if (holdNext && /orders\/batch\/upsert$/.test(new URL(request.url).pathname)) {
        holdNext = false
        // HubSpot takes the batch, but the writer is gone before it hears back.
        const response = await hubspot.fetch(request)
        reached()
        await new Promise<void>((resolve) => (release = resolve))
        return response
      }
      return hubspot.fetch(request)
    })
    const writer = env.HUBSPOT_WRITER.getByName('eviction-test')
    const records = Array.from({ length: 40 }, (_, i) => [
      contact(`evict${i}@example.com`),
      ...orderRecords(order(700 + i, { email: `evict${i}@example.com`, lines: [] })),
    ]).flat()
    await writer.enqueue(records)
    const inFlight = writer.flush().catch((err: unknown) => err)
    await blocked
    expect(hubspot.portal.records('orders')).toHaveLength(40)
    await abortAllDurableObjects()
    release()
    await inFlight

    const again = env.HUBSPOT_WRITER.getByName('eviction-test')
    expect((await again.status()).queue.orders).toBe(40) // accepted by HubSpot, but not confirmed: still pending
    await again.flush()
    const status = await again.status()
    expect(status.queue).toEqual({ contacts: 0, products: 0, orders: 0, line_items: 0, carts: 0, tasks: 0, companies: 0 })
    expect(status.associationsPending).toBe(0)
    expect(hubspot.portal.records('orders')).toHaveLength(40)
    expect(hubspot.portal.records('contacts')).toHaveLength(40)
    const o = hubspot.portal.findByProperty('orders', 'bc_order_id', '705')!
    expect(hubspot.portal.associations('orders', o.id, 'contacts')).toHaveLength(1)
  })
})

