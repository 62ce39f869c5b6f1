import { describe, expect, it } from 'vitest'
import { cartRecord } from '../../../src/hubspot/mapping/cart-records'
import { contactRecord, valueTierRecord } from '../../../src/hubspot/mapping/contact-records'
import { orderRecords } from '../../../src/hubspot/mapping/order-records'
import { productRecords } from '../../../src/hubspot/mapping/product-records'
import { prepareProperties } from '../../../src/hubspot/properties'
import type { HubSpotRecord } from '../../../src/hubspot/records'
import { cart, line, order, summary, variant } from '../fixtures'

/** Every mapped property must be one the registry knows, with a value of the right shape. */
function expectValid(records: HubSpotRecord[]) {
  for (const r of records) {
    expect(prepareProperties(r.objectType, r.properties).problems, `${r.objectType}:${r.key}`).toEqual([])
    for (const t of r.triggers ?? []) expect(prepareProperties(r.objectType, t.properties).problems, t.property).toEqual([])
  }
}

describe('mapping to HubSpot records', () => {
  it('maps an order with its line items and associations', () => {
    const statusUrl = 'https://outlet.example/account.php?action=view_order&order_id=250'
    const records = orderRecords(
      order(250, { couponCodes: ['SAVE10', 'VIP'], fulfillment: 'partially_shipped', channelId: 2, storefront: 'Outlet', statusUrl }),
    )
    expectValid(records)
    const [o, ...lines] = records
    expect(o).toEqual({
      objectType: 'orders',
      key: '250',
      properties: {
        bc_order_id: '250',
        hs_order_name: 'Order #250',
        hs_currency_code: 'USD',
        hs_total_price: 47.25,
        hs_subtotal_price: 42,
        hs_tax: 4.2,
        hs_shipping_cost: 5,
        hs_order_discount: 3.95,
        hs_fulfillment_status: 'partially_shipped',
        hs_external_order_id: '250',
        hs_external_created_date: '2026-10-05T14:03:00.000Z',
        hs_external_order_url: 'https://store-teststore.mybigcommerce.com/manage/orders/250',
        hs_shipping_tracking_number: '',
        hs_shipping_status_url: '',
        bc_status: 'completed',
        bc_order_total: 47.25,
        bc_refunded_amount: 0,
        bc_net_revenue: 47.25,
        bc_coupon_codes: 'SAVE10;VIP',
        bc_channel: 'storefront',
        bc_channel_id: 2,
        bc_storefront: 'Outlet',
        bc_order_status_url: statusUrl,
      },
      associations: [{ toObjectType: 'contacts', toKey: 'buyer0@example.com' }],
    })
    expect(lines).toHaveLength(2)
    expect(lines[0]).toEqual({
      objectType: 'line_items',
      key: '2501',
      properties: {
        bc_line_item_id: '2501',
        name: 'Widget 2501',
        hs_sku: 'W-2501',
        quantity: 2,
        price: 10.5,
        amount: 21,
        hs_line_item_currency_code: 'USD',
        bc_channel_id: 2,
        bc_storefront: 'Outlet',
      },
      associations: [
        { toObjectType: 'orders', toKey: '250' },
        { toObjectType: 'products', toKey: String(1000 + (2501 % 7)) },
      ],
    })
  })

  it('keeps a multi-currency order in its own currency (the contact carries the base currency)', () => {
    const [o, l] = orderRecords(
      order(9, { currency: 'EUR', baseCurrency: 'USD', toBaseRate: '1.0843', totalIncTax: '119.999', subtotalExTax: '100' }),
    )
    expect(o!.properties).toMatchObject({ hs_currency_code: 'EUR', hs_total_price: 120, hs_subtotal_price: 100, bc_net_revenue: 120 })
    expect(l!.properties.hs_line_item_currency_code).toBe('EUR')
    const contact = contactRecord(summary('eur@example.com', { lifetimeValue: '130.1155', averageOrderValue: '130.1155', orderCount: 1 }))
    expect(contact.properties).toMatchObject({ bc_lifetime_value: 130.12, bc_average_order_value: 130.12, bc_order_count: 1 })
  })

  it("writes every amount in its currency's minor units: KWD to the fils, JPY in whole yen", () => {
    const kwd = order(21, {
      currency: 'KWD', baseCurrency: 'KWD', totalIncTax: '14.8335', subtotalExTax: '12.345', totalTax: '0.9885', shippingCostExTax: '1.5',
      discountTotal: '0.005', refunds: [{ refundId: 1, createdAt: '2026-10-06T00:00:00Z', amount: '2.121', lineItemIds: [] }], statusId: 14,
      lines: [line(211, { priceExTax: '6.1725', totalExTax: '12.345' })],
    })
    const [o, l] = orderRecords(kwd)
    expectValid([o!, l!])
    expect(o!.properties).toMatchObject({
      hs_total_price: 14.834, hs_subtotal_price: 12.345, hs_tax: 0.988, hs_shipping_cost: 1.5, hs_order_discount: 0.005,
      bc_refunded_amount: 2.121, bc_net_revenue: 12.712,
    })
    expect(l!.properties).toMatchObject({ price: 6.172, amount: 12.345 })
    const jpy = orderRecords(order(22, { currency: 'JPY', totalIncTax: '1949.5', subtotalExTax: '1800', totalTax: '149.5', lines: [] }))[0]!
    expect(jpy.properties).toMatchObject({ hs_total_price: 1950, hs_tax: 150, bc_net_revenue: 1950 })
    const contact = contactRecord(summary('kw@example.com', { baseCurrency: 'KWD', lifetimeValue: '150.4565', averageOrderValue: '75.22825', refundedTotal: '2.121' }))
    expect(contact.properties).toMatchObject({ bc_lifetime_value: 150.456, bc_average_order_value: 75.228, bc_refunded_total: 2.121 })
    const yen = contactRecord(summary('jp@example.com', { baseCurrency: 'JPY', lifetimeValue: '15045.5', averageOrderValue: '7522.75' }))
    expect(yen.properties).toMatchObject({ bc_lifetime_value: 15046, bc_average_order_value: 7523 })
    expect(cartRecord(cart('c-kwd', { currency: 'KWD', amount: '80.0155' })).properties.hs_total_price).toBe(80.016)
  })

  it('reflects refunds and cancellations on the order', () => {
    const refunded = orderRecords(
      order(11, {
        statusId: 14,
        refunds: [
          { refundId: 1, createdAt: '2026-10-06T00:00:00Z', amount: '10', lineItemIds: [111] },
          { refundId: 2, createdAt: '2026-10-07T00:00:00Z', amount: '5.25', lineItemIds: [] },
        ],
      }),
    )[0]!
    expect(refunded.properties).toMatchObject({ bc_status: 'partially_refunded', bc_refunded_amount: 15.25, bc_net_revenue: 32 })
    const full = orderRecords(order(12, { statusId: 4, refunds: [{ refundId: 3, createdAt: '2026-10-06T00:00:00Z', amount: '47.25', lineItemIds: [] }] }))[0]!
    expect(full.properties).toMatchObject({ bc_status: 'refunded', bc_refunded_amount: 47.25, bc_net_revenue: 0 })
    const cancelled = orderRecords(order(13, { statusId: 5 }))[0]!
    expect(cancelled.properties).toMatchObject({ bc_status: 'cancelled', bc_net_revenue: 0, hs_total_price: 47.25 })
    const declined = orderRecords(order(14, { statusId: 6 }))[0]!
    expect(declined.properties).toMatchObject({ bc_status: 'declined', bc_net_revenue: 0 })
    const pending = orderRecords(order(15, { statusId: 7 }))[0]!
    expect(pending.properties).toMatchObject({ bc_status: 'awaiting_payment', bc_net_revenue: 0 })
  })

  it('maps the contact summary, writing dates as midnight UTC and clearing figures that no longer apply', () => {
    const record = contactRecord(summary('ada@example.com'))
    expectValid([record])
    expect(record).toMatchObject({ objectType: 'contacts', key: 'ada@example.com' })
    expect(record.properties).toEqual({
      email: 'ada@example.com',
      firstname: 'Ada',
      lastname: 'Lovelace',
      phone: '+441234567890',
      bc_customer_id: 7,
      bc_customer_ids: '7',
      bc_order_count: 2,
      bc_lifetime_value: 150.46,
      bc_average_order_value: 75.23,
      bc_first_order_date: '2026-01-02',
      bc_last_order_date: '2026-10-05',
      bc_customer_status: 'repeat_customer',
      bc_category_affinity: 'Widgets;Gadgets',
      bc_email_consent: 'opted_in',
      bc_refunded_total: 0,
      bc_last_refund_date: '',
      bc_first_order_channel: 'storefront',
      bc_last_order_channel: 'pos',
      bc_first_storefront: 'Default Storefront',
      bc_storefronts: 'Default Storefront',
      bc_consent_region: 'unknown',
    })
    const guest = contactRecord(
      summary('guest@example.com', {
        customerId: null, customerIds: [], firstName: null, phone: null, orderCount: 0, firstOrderAt: null, lastOrderAt: null,
        customerStatus: 'prospect', firstOrderChannel: null, firstStorefront: null, storefronts: [],
      }),
    )
    expect(guest.properties).not.toHaveProperty('bc_customer_id')
    expect(guest.properties).not.toHaveProperty('bc_customer_ids')
    expect(guest.properties).toMatchObject({ bc_first_storefront: '', bc_storefronts: '' })
    expect(guest.properties).not.toHaveProperty('firstname')
    expect(guest.properties).not.toHaveProperty('phone')
    expect(guest.properties).toMatchObject({ bc_first_order_date: '', bc_first_order_channel: '', bc_customer_status: 'prospect' })
  })

  it('writes a known address whole and leaves HubSpot\'s own one alone when there is none', () => {
    const quebec = contactRecord(
      summary('ada@example.com', { address: { country: 'CA', state: 'CA-QC', city: 'Montréal', zip: null }, consentRegion: 'ca' }),
    )
    expectValid([quebec])
    // The missing part is cleared, so no postal code of an older address lingers beside the new city.
    expect(quebec.properties).toMatchObject({ country: 'CA', state: 'CA-QC', city: 'Montréal', zip: '', bc_consent_region: 'ca' })
    const none = contactRecord(summary('ada@example.com'))
    for (const part of ['country', 'state', 'city', 'zip']) expect(none.properties).not.toHaveProperty(part)
    expect(none.properties.bc_consent_region).toBe('unknown')
  })

  it('tracks the latest shipment that has tracking, and clears it when none is left', () => {
    const shipped = (id: number, createdAt: string, trackingNumber: string | null, trackingUrl: string | null) =>
      ({ shipmentId: id, createdAt, trackingNumber, carrier: 'UPS', trackingUrl })
    const [o] = orderRecords(order(260, {
      shipments: [
        shipped(3, '2026-10-07T09:00:00.000Z', '1ZNEWER', 'https://www.ups.com/track?tracknum=1ZNEWER'),
        shipped(2, '2026-10-06T09:00:00.000Z', '1ZOLDER', 'https://www.ups.com/track?tracknum=1ZOLDER'),
        // Latest, but nothing to track (a local delivery): the one before it still tells the customer something.
        shipped(4, '2026-10-08T09:00:00.000Z', null, null),
      ],
    }))
    expectValid([o!])
    expect(o!.properties).toMatchObject({
      hs_shipping_tracking_number: '1ZNEWER',
      hs_shipping_status_url: 'https://www.ups.com/track?tracknum=1ZNEWER',
    })
    const [unshipped] = orderRecords(order(261, { shipments: [] }))
    expect(unshipped!.properties).toMatchObject({ hs_shipping_tracking_number: '', hs_shipping_status_url: '' })
  })

  it('carries each fired trigger as its own write with its companions, in firing order, never merged', () => {
    const record = contactRecord(summary('ada@example.com'), [
      { trigger: 'cart_abandoned', key: 'cart_abandoned:c2', at: '2026-10-05T12:00:00Z', cartUrl: 'https://s/2', cartValue: '80.015', cartCurrency: 'USD' },
      { trigger: 'cart_abandoned', key: 'cart_abandoned:c1', at: '2026-10-05T11:00:00Z', cartUrl: 'https://s/1', cartValue: '10', cartCurrency: 'USD' },
      { trigger: 'browse_abandoned', key: 'b', at: '2026-10-04T08:00:00Z', productName: 'Blue widget' },
      { trigger: 'post_purchase_step', key: 'p', at: '2026-10-08T14:03:00Z', step: 'day_3' },
      { trigger: 'order_placed', key: 'order_placed:250', at: '2026-10-05T14:03:00Z' },
      { trigger: 'winback_due', key: 'w', at: '2026-12-01T00:00:00Z' },
    ])
    expectValid([record])
    // State and triggers travel apart: no trigger property among the state properties.
    expect(Object.keys(record.properties).filter((name) => name.endsWith('_at') || name.startsWith('bc_abandoned'))).toEqual([])
    expect(record.triggers).toEqual([
      { property: 'bc_browse_abandoned_at', properties: { bc_browse_abandoned_at: '2026-10-04T08:00:00.000Z', bc_browse_abandoned_product: 'Blue widget' } },
      {
        property: 'bc_cart_abandoned_at',
        properties: { bc_cart_abandoned_at: '2026-10-05T11:00:00.000Z', bc_abandoned_cart_url: 'https://s/1', bc_abandoned_cart_value: 10 },
      },
      {
        property: 'bc_cart_abandoned_at',
        properties: { bc_cart_abandoned_at: '2026-10-05T12:00:00.000Z', bc_abandoned_cart_url: 'https://s/2', bc_abandoned_cart_value: 80.02 },
      },
      { property: 'bc_order_placed_at', properties: { bc_order_placed_at: '2026-10-05T14:03:00.000Z' } },
      { property: 'bc_post_purchase_step_at', properties: { bc_post_purchase_step_at: '2026-10-08T14:03:00.000Z', bc_post_purchase_step: 'day_3' } },
      { property: 'bc_winback_due_at', properties: { bc_winback_due_at: '2026-12-01T00:00:00.000Z' } },
    ])
    expect(contactRecord(summary('ada@example.com')).triggers).toBeUndefined()
  })

  it('maps products, carts and value tiers', () => {
    const [p] = productRecords([variant(1001, { category: null })])
    expectValid([p!])
    expect(p).toEqual({
      objectType: 'products',
      key: '1001',
      properties: {
        bc_variant_id: '1001', name: 'Widget (1001)', hs_sku: 'SKU-1001', price: 10.5, description: '<p>A widget</p>',
        bc_product_id: 100, bc_category: '', bc_brand: 'Acme',
      },
    })
    const open = cartRecord(cart('c-1'))
    expectValid([open])
    expect(open.properties).toMatchObject({
      bc_cart_id: 'c-1', hs_cart_name: 'Cart c-1', hs_external_cart_id: 'c-1', hs_total_price: 99.9, hs_currency_code: 'EUR',
      hs_external_status: 'open', hs_cart_url: 'https://shop.example.com/cart.php?action=load&id=c-1',
    })
    expect(open.associations).toEqual([{ toObjectType: 'contacts', toKey: 'shopper@example.com' }])
    const converted = cartRecord(cart('c-2', { status: 'converted', convertedOrderId: 250 }))
    expect(converted.properties.hs_external_status).toBe('converted')
    expect(converted.associations).toContainEqual({ toObjectType: 'orders', toKey: '250' })
    // BigCommerce deleted it without an order (its last item removed): emptied, however it was seen.
    expect(cartRecord(cart('c-3', { status: 'deleted' })).properties.hs_external_status).toBe('emptied')
    expect(cartRecord(cart('c-4', { status: 'emptied', lines: [] })).properties.hs_external_status).toBe('emptied')
    expect(valueTierRecord('ada@example.com', 'vip').properties).toEqual({ email: 'ada@example.com', bc_value_tier: 'vip' })
    expect(valueTierRecord('ada@example.com', null).properties.bc_value_tier).toBe('')
  })
})
