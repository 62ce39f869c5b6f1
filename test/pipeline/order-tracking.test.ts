import { beforeEach, describe, expect, it } from 'vitest'
import { deliverEvents, flushHubSpot, freshWorld, type useStandins } from '../support/worker'

type Standins = ReturnType<typeof useStandins>
let bigcommerce: Standins['bigcommerce']
let hubspot: Standins['hubspot']

beforeEach(async () => {
  ;({ bigcommerce, hubspot } = await freshWorld())
})

const T0 = Date.UTC(2026, 4, 4, 9)
const HOUR = 3_600_000

function hubspotOrder(orderId: number): Record<string, string> {
  return hubspot.portal.findByProperty('orders', 'bc_order_id', String(orderId))?.properties ?? {}
}

describe('shipment tracking and the control-panel link on HubSpot orders', () => {
  it('puts the tracking number and link on the order after the shipment webhook', async () => {
    const placed = bigcommerce.store.createOrder({ email: 'parcel@example.com', at: T0 })
    await deliverEvents(placed.events)
    await flushHubSpot()
    expect(hubspotOrder(placed.value.id)).toMatchObject({
      hs_external_order_url: `https://store-teststore.mybigcommerce.com/manage/orders/${placed.value.id}`,
    })
    expect(hubspotOrder(placed.value.id).hs_shipping_tracking_number ?? '').toBe('')

    const shipped = bigcommerce.store.addShipment(placed.value.id, undefined, { provider: 'usps', trackingNumber: 'EJ958083578US', at: T0 + HOUR })
    await deliverEvents(shipped.events)
    await flushHubSpot()
    expect(hubspotOrder(placed.value.id)).toMatchObject({
      hs_shipping_tracking_number: 'EJ958083578US',
      // BigCommerce's generated link, as the shipment carries it.
      hs_shipping_status_url: 'https://trkcnfrm1.smi.usps.com/PTSInternetWeb/InterLabelInquiry.do?strOrigTrackNum=EJ958083578US',
      hs_fulfillment_status: 'shipped',
      hs_external_order_url: `https://store-teststore.mybigcommerce.com/manage/orders/${placed.value.id}`,
    })
  })

  it("follows the latest shipment: a merchant's own link, then a carrier BigCommerce gives no link for", async () => {
    const placed = bigcommerce.store.createOrder({ email: 'split@example.de', lines: [{ productId: 1, quantity: 2 }, { productId: 2 }], at: T0 })
    const [first, second] = bigcommerce.store.orderProducts.get(placed.value.id)!
    await deliverEvents(placed.events)

    const custom = bigcommerce.store.addShipment(placed.value.id, [{ orderProductId: first!.id, quantity: 2 }], {
      provider: 'ups', trackingNumber: '1ZA', trackingLink: 'https://shop.example.com/track/1ZA', at: T0 + HOUR,
    })
    await deliverEvents(custom.events)
    await flushHubSpot()
    expect(hubspotOrder(placed.value.id)).toMatchObject({
      hs_shipping_tracking_number: '1ZA',
      hs_shipping_status_url: 'https://shop.example.com/track/1ZA',
      hs_fulfillment_status: 'partially_shipped',
    })

    // A third-party shipping provider: BigCommerce generates no link, so the worker builds DHL's.
    const rest = bigcommerce.store.addShipment(placed.value.id, [{ orderProductId: second!.id, quantity: 1 }], {
      provider: 'carrier_5', providerName: 'DHL Express', trackingNumber: '1234567890', at: T0 + 2 * HOUR,
    })
    expect(rest.value.generated_tracking_link).toBe('')
    await deliverEvents(rest.events)
    await flushHubSpot()
    expect(hubspotOrder(placed.value.id)).toMatchObject({
      hs_shipping_tracking_number: '1234567890',
      hs_shipping_status_url: 'https://www.dhl.com/global-en/home/tracking/tracking-express.html?submit=1&tracking-id=1234567890',
      hs_fulfillment_status: 'shipped',
    })
  })
})
