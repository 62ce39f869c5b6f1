import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { backfillStatus, runBackfill, startBackfill } from '../../src/backfill/history-import'
import { freshWorld, type useStandins } from '../support/worker'
import { cronEnv, flushAll, runToEnd } from './support'

/**
 * Orders still on their way at install: the backfill reads their shipments (within BACKFILL_SHIPMENTS_WINDOW),
 * so their tracking is in HubSpot from day one; delivered and completed history is read without.
 */
type Standins = ReturnType<typeof useStandins>
let bigcommerce: Standins['bigcommerce']
let hubspot: Standins['hubspot']

const NOW = Date.now()
vi.setConfig({ testTimeout: 120_000, hookTimeout: 60_000 })

beforeEach(async () => {
  ;({ bigcommerce, hubspot } = await freshWorld())
  bigcommerce.setRateLimit(1_000_000, 30_000)
})

describe('orders in transit at install', () => {
  const DAY = 86_400_000

  /** Four shipped orders of one buyer: two still on their way, one delivered long ago, one completed. */
  function parcels() {
    const { store } = bigcommerce
    const place = (daysAgo: number) =>
      store.createOrder({ email: 'parcels@example.com', statusId: 11, at: NOW - daysAgo * DAY, lines: [{ productId: 1, quantity: 2 }] }).value
    const shipped = place(8)
    store.addShipment(shipped.id, undefined, { at: NOW - 5 * DAY, trackingNumber: '1ZINTRANSIT' })
    const partial = place(6)
    const first = store.orderProducts.get(partial.id)![0]!
    store.addShipment(partial.id, [{ orderProductId: first.id, quantity: 1 }], { at: NOW - 2 * DAY, trackingNumber: '1ZPARTIAL' })
    const delivered = place(70)
    store.addShipment(delivered.id, undefined, { at: NOW - 60 * DAY, trackingNumber: '1ZLONGAGO' })
    const completed = place(9)
    store.addShipment(completed.id, undefined, { at: NOW - 4 * DAY, trackingNumber: '1ZCOMPLETED' })
    store.setOrderStatus(completed.id, 10, NOW - DAY)
    return { shipped, partial, delivered, completed }
  }

  const shipmentReads = () =>
    bigcommerce.requests.filter((r) => /\/v2\/orders\/\d+\/shipments$/.test(r.path)).map((r) => Number(r.path.split('/').at(-2)))
  const written = (id: number) => hubspot.portal.findByProperty('orders', 'bc_order_id', String(id))!.properties

  it('gives a shipped order still on its way its tracking, within the window, and fires nothing', async () => {
    const { shipped, partial, delivered, completed } = parcels()
    expect([shipped.status_id, partial.status_id, delivered.status_id, completed.status_id]).toEqual([2, 3, 2, 10])
    await startBackfill(cronEnv)
    expect((await runToEnd()).at(-1)).toMatchObject({ state: 'done' })
    await flushAll()

    // One call each for the two in transit; none for the delivered and the completed.
    expect(shipmentReads().sort((a, b) => a - b)).toEqual([shipped.id, partial.id].sort((a, b) => a - b))
    expect(written(shipped.id)).toMatchObject({ hs_shipping_tracking_number: '1ZINTRANSIT', hs_fulfillment_status: 'shipped' })
    expect(written(shipped.id).hs_shipping_status_url).toMatch(/^https:\/\/.*1ZINTRANSIT/)
    expect(written(partial.id)).toMatchObject({ hs_shipping_tracking_number: '1ZPARTIAL', hs_fulfillment_status: 'partially_shipped' })
    expect(written(delivered.id).hs_shipping_tracking_number ?? '').toBe('')
    expect(written(completed.id).hs_shipping_tracking_number ?? '').toBe('')
    // Imported history: the shipments fire no shipped trigger.
    const fired = await env.DB.prepare("SELECT count(*) AS n FROM trigger_decisions WHERE decision = 'fired'").first<{ n: number }>()
    expect(fired?.n).toBe(0)
  })

  it('reads no shipments with BACKFILL_SHIPMENTS_WINDOW=0d, and only the last three days with 3d', async () => {
    const { shipped, partial } = parcels()
    await startBackfill(cronEnv)
    for (let run = 0; run < 20 && (await runBackfill({ ...cronEnv, BACKFILL_SHIPMENTS_WINDOW: '0d' })).ran; run++) {
      if ((await backfillStatus(env)).state !== 'running') break
    }
    expect(shipmentReads()).toEqual([])
    await flushAll()
    expect(written(shipped.id).hs_shipping_tracking_number ?? '').toBe('')

    await startBackfill(cronEnv)
    for (let run = 0; run < 20 && (await runBackfill({ ...cronEnv, BACKFILL_SHIPMENTS_WINDOW: '3d' })).ran; run++) {
      if ((await backfillStatus(env)).state !== 'running') break
    }
    expect(shipmentReads()).toEqual([partial.id])
  })
})
