/**
 * BigCommerce payloads from the published specs (standins/bigcommerce/specs), trimmed to what matters
 * and with payment fields kept, so tests can show those never get past the edge.
 */

/** orders.v2.oas2.yml `order_Resp` example (research/bigcommerce.md §3), order 218. */
export function specOrder218(): Record<string, unknown> {
  return {
    id: 218,
    customer_id: 11,
    date_created: 'Tue, 05 Mar 2019 21:40:11 +0000',
    date_modified: 'Mon, 11 Mar 2019 15:17:25 +0000',
    date_shipped: '',
    status_id: 7,
    status: 'Awaiting Payment',
    custom_status: 'Awaiting Payment',
    subtotal_ex_tax: '62.6793',
    subtotal_inc_tax: '67.8400',
    subtotal_tax: '4.4000',
    base_shipping_cost: '12.0000',
    shipping_cost_ex_tax: '11.0900',
    shipping_cost_inc_tax: '12.0000',
    shipping_cost_tax: '0.9100',
    handling_cost_ex_tax: '0.0000',
    handling_cost_inc_tax: '0.0000',
    wrapping_cost_ex_tax: '0.0000',
    wrapping_cost_inc_tax: '0.0000',
    total_ex_tax: '64.5300',
    total_inc_tax: '69.8400',
    total_tax: '5.3100',
    is_tax_inclusive_pricing: false,
    items_total: 4,
    items_shipped: 0,
    payment_method: 'Cash',
    payment_provider_id: '',
    payment_status: 'authorized',
    refunded_amount: '0.0000',
    order_is_digital: false,
    store_credit_amount: '0.0000',
    gift_certificate_amount: '0.0000',
    ip_address: '',
    ip_address_v6: '',
    geoip_country: '',
    geoip_country_iso2: '',
    currency_id: 1,
    currency_code: 'USD',
    currency_exchange_rate: '1.0000000000',
    default_currency_id: 1,
    default_currency_code: 'USD',
    store_default_currency_code: '',
    store_default_to_transactional_exchange_rate: '1.0000000000',
    staff_notes: '',
    customer_message: '',
    discount_amount: '5.0000',
    coupon_discount: '5.0000',
    shipping_address_count: 1,
    ebay_order_id: '0',
    cart_id: '7e48f7ef-2e88-4817-aea4-b0ed01490114',
    billing_address: {
      first_name: 'Jane',
      last_name: 'Doe',
      company: '',
      street_1: '555 East Street',
      street_2: '',
      city: 'Austin',
      state: 'Texas',
      zip: '78108',
      country: 'United States',
      country_iso2: 'US',
      phone: '1234567890',
      email: 'janedoe@example.com',
      form_fields: [{ name: 'Delivery Instructions', value: 'Leave in backyard' }],
    },
    is_email_opt_in: false,
    credit_card_type: null,
    order_source: 'external',
    channel_id: 1,
    external_source: null,
    external_id: null,
    external_merchant_id: null,
    external_order_id: 'external-order-id',
    tax_provider_id: 'BasicTaxProvider',
    customer_locale: 'en',
    is_deleted: false,
    products: { url: 'https://api.bigcommerce.com/stores/{store_hash}/v2/orders/218/products', resource: '/orders/218/products' },
    coupons: { url: 'https://api.bigcommerce.com/stores/{store_hash}/v2/orders/218/coupons', resource: '/orders/218/coupons' },
  }
}

/** Shaped like the spec's `/orders/{id}/products` example (order product 65), re-keyed to order 218. */
export function orderProduct(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 65,
    order_id: 218,
    product_id: 77,
    order_address_id: 51,
    name: 'Fog Linen Chambray Towel - Beige Stripe',
    sku: 'S-ORAN',
    type: 'physical',
    base_price: '55.9900',
    price_ex_tax: '55.9900',
    price_inc_tax: '65.2300',
    total_ex_tax: '55.9900',
    total_inc_tax: '65.2300',
    weight: '1.0000',
    quantity: 1,
    is_refunded: false,
    quantity_refunded: 0,
    refund_amount: '0.0000',
    quantity_shipped: 0,
    brand: 'BigCommerce',
    variant_id: 342,
    applied_discounts: [{ id: 'manual-discount', amount: '1.5900', name: 'Manual Discount', code: null, target: 'order' }],
    product_options: [{ id: 45, option_id: 18, order_product_id: 65, display_name: 'Size', display_value: 'S', value: '69' }],
    ...overrides,
  }
}

/** The spec's `/orders/{id}/shipments` example, first row. */
export function shipment(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 6,
    order_id: 218,
    customer_id: 11,
    order_address_id: 127,
    date_created: 'Mon, 11 Mar 2019 17:22:08 +0000',
    tracking_number: 'EJ958083578US',
    merchant_shipping_cost: '0.0000',
    shipping_method: 'None',
    comments: 'Ready to go...',
    shipping_provider: 'usps',
    tracking_carrier: '',
    tracking_link: '',
    items: [{ order_product_id: 65, product_id: 77, quantity: 1 }],
    shipping_provider_display_name: 'USPS',
    generated_tracking_link: 'https://trkcnfrm1.smi.usps.com/PTSInternetWeb/InterLabelInquiry.do?strOrigTrackNum=EJ958083578US',
    ...overrides,
  }
}

/** The spec's `/orders/{id}/coupons` example. */
export function coupon(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: 3, coupon_id: 1, order_id: 218, code: 'S2549JM0Y', amount: 5, type: 2, discount: 5, ...overrides }
}

/** orders.v3.yml refund example (refund 12), re-keyed to order 218 / order product 65. */
export function refund(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 12,
    order_id: 218,
    user_id: 0,
    created: '2022-06-16T16:44:15+00:00',
    reason: 'Customer requires a refund.',
    total_amount: 50,
    total_tax: 5,
    uses_merchant_override_values: false,
    payments: [{ id: 13, provider_id: 'storecredit', amount: 50, offline: true, is_declined: false, declined_message: '' }],
    items: [{ item_type: 'PRODUCT', item_id: 65, quantity: 1, requested_amount: null }],
    ...overrides,
  }
}

/** Every key anywhere in a value, to show which fields crossed into the model. */
export function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf)
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [k, ...keysOf(v)])
  return []
}
