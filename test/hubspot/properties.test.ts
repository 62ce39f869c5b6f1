import { describe, expect, it } from 'vitest'
import { describeHubSpotMapping, prepareProperties, propertyDefinition } from '../../src/hubspot/properties'

// Contract section 4, verbatim: workflows rely on these names.
const CONTRACT: Record<string, string[]> = {
  contacts: [
    'email', 'firstname', 'lastname', 'phone', 'bc_customer_id', 'bc_order_count', 'bc_lifetime_value', 'bc_average_order_value',
    'bc_first_order_date', 'bc_last_order_date', 'bc_customer_status', 'bc_value_tier', 'bc_category_affinity', 'bc_email_consent',
    'bc_refunded_total', 'bc_last_refund_date', 'bc_first_order_channel', 'bc_last_order_channel', 'bc_first_touch_channel',
    'bc_first_touch_source', 'bc_first_touch_medium', 'bc_first_touch_campaign', 'bc_first_touch_at', 'bc_last_touch_channel',
    'bc_last_touch_source', 'bc_last_touch_medium', 'bc_last_touch_campaign', 'bc_last_touch_at', 'bc_cart_abandoned_at',
    'bc_abandoned_cart_url', 'bc_abandoned_cart_value', 'bc_browse_abandoned_at', 'bc_browse_abandoned_product', 'bc_order_placed_at',
    'bc_order_shipped_at', 'bc_order_refunded_at', 'bc_order_cancelled_at', 'bc_post_purchase_step_at', 'bc_post_purchase_step',
    'bc_winback_due_at', 'bc_replenishment_due_at', 'country', 'state', 'city', 'zip', 'bc_consent_region',
  ],
  orders: [
    'bc_order_id', 'hs_order_name', 'hs_currency_code', 'hs_total_price', 'hs_subtotal_price', 'hs_tax', 'hs_shipping_cost',
    'hs_order_discount', 'hs_fulfillment_status', 'hs_external_order_id', 'hs_external_created_date', 'bc_status',
    'bc_refunded_amount', 'bc_net_revenue', 'bc_coupon_codes', 'bc_channel', 'bc_attributed_channel', 'bc_attributed_source',
    'bc_attributed_medium', 'bc_attributed_campaign', 'hs_shipping_tracking_number', 'hs_shipping_status_url',
    'hs_external_order_url',
  ],
  line_items: ['bc_line_item_id', 'name', 'hs_sku', 'quantity', 'price', 'amount', 'hs_line_item_currency_code'],
  products: ['bc_variant_id', 'name', 'hs_sku', 'price', 'description', 'bc_product_id', 'bc_category', 'bc_brand'],
  carts: ['bc_cart_id', 'hs_cart_name', 'hs_external_cart_id', 'hs_cart_url', 'hs_total_price', 'hs_currency_code', 'hs_external_status'],
}

describe('property registry', () => {
  it('defines every property the contract names, with the unique keys', () => {
    for (const [type, names] of Object.entries(CONTRACT)) {
      for (const name of names) expect(propertyDefinition(type as never, name), `${type}.${name}`).toBeDefined()
    }
    for (const [type, key] of [['orders', 'bc_order_id'], ['line_items', 'bc_line_item_id'], ['products', 'bc_variant_id'], ['carts', 'bc_cart_id']]) {
      expect(propertyDefinition(type as never, key)).toMatchObject({ hasUniqueValue: true, custom: true })
    }
    expect(propertyDefinition('contacts', 'bc_first_order_date')!.type).toBe('date')
    expect(propertyDefinition('contacts', 'bc_order_placed_at')!.type).toBe('datetime')
  })

  it('writes dates as midnight UTC and datetimes as ISO, and leaves out what it does not know', () => {
    const { properties, problems } = prepareProperties(
      'contacts',
      {
        bc_first_order_date: '2026-03-04T23:30:00-02:00',
        bc_order_placed_at: '2026-03-04T10:00:00+01:00',
        bc_customer_status: 'nonsense',
        bc_payment_method: 'Visa',
        bc_order_count: 3,
        bc_value_tier: '',
      },
      new Set(['bc_first_order_date', 'bc_order_placed_at', 'bc_customer_status', 'bc_value_tier']),
    )
    expect(properties).toEqual({ bc_first_order_date: '2026-03-05', bc_order_placed_at: '2026-03-04T09:00:00.000Z', bc_value_tier: '' })
    expect(problems).toEqual([
      { name: 'bc_customer_status', reason: 'invalid_value' },
      { name: 'bc_payment_method', reason: 'unknown' },
      { name: 'bc_order_count', reason: 'unavailable' },
    ])
  })

  it('describes objects, properties and triggers for /docs/mapping.json', () => {
    const doc = describeHubSpotMapping()
    const orders = doc.objects.find((o) => o.objectType === 'orders')!
    expect(orders.uniqueProperty).toBe('bc_order_id')
    expect(orders.properties.find((p) => p.name === 'bc_net_revenue')).toMatchObject({ type: 'number', group: 'bigcommerce' })
    expect(orders.associations).toContainEqual({ from: 'orders', to: 'contacts', how: 'v4 default association', associationTypeId: 507 })
    expect(doc.triggers.find((t) => t.trigger === 'cart_abandoned')).toMatchObject({
      property: 'bc_cart_abandoned_at',
      companions: ['bc_abandoned_cart_url', 'bc_abandoned_cart_value'],
    })
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc)
  })
})
