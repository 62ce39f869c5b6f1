import { describe, expect, it } from 'vitest'
import { netRevenue, refundedTotal, toBase } from '../../../src/domain/order-status'
import type { ChannelInfo } from '../../../src/bigcommerce/order-channel'
import { normalizeCart } from '../../../src/bigcommerce/normalize/normalize-cart'
import { normalizeCustomer, normalizeSubscriber } from '../../../src/bigcommerce/normalize/normalize-customer'
import { normalizeOrder } from '../../../src/bigcommerce/normalize/normalize-order'
import { normalizeProductVariants, plainText } from '../../../src/bigcommerce/normalize/normalize-product'
import { parseRfc2822, toIsoDate } from '../../../src/bigcommerce/normalize/dates'
import { UnusableResourceError } from '../../../src/bigcommerce/normalize/errors'
import {
  v2Coupon,
  v2Order,
  v2OrderProduct,
  v2Shipment,
  v3Cart,
  v3Customer,
  v3Product,
  v3Refund,
  v3Subscriber,
  v3Variant,
} from '../../../src/bigcommerce/resources'
import { coupon, keysOf, orderProduct, refund, shipment, specOrder218 } from '../fixtures'

const storefront: ChannelInfo = { type: 'storefront', platform: 'bigcommerce', name: 'Main store' }

function build(input: {
  order?: Record<string, unknown>
  products?: Record<string, unknown>[]
  shipments?: Record<string, unknown>[]
  coupons?: Record<string, unknown>[]
  refunds?: Record<string, unknown>[]
  categories?: [number, string | null][]
  channel?: ChannelInfo | null
  fallbackEmail?: string | null
}) {
  return normalizeOrder({
    order: v2Order.parse(input.order ?? specOrder218()),
    products: (input.products ?? [orderProduct()]).map((p) => v2OrderProduct.parse(p)),
    shipments: (input.shipments ?? []).map((s) => v2Shipment.parse(s)),
    coupons: (input.coupons ?? [coupon()]).map((c) => v2Coupon.parse(c)),
    refunds: (input.refunds ?? []).map((r) => v3Refund.parse(r)),
    categories: new Map(input.categories ?? [[77, 'Kitchen']]),
    channel: input.channel === undefined ? storefront : input.channel,
    fallbackEmail: input.fallbackEmail ?? null,
    storeHash: 'abc123',
  })
}


describe('normalizeOrder on the spec example order 218', () => {
  const order = build({})

  it('keeps identity, status and dates, the dates as ISO-8601 UTC', () => {
    expect(order.orderId).toBe(218)
    expect(order.customerId).toBe(11)
    expect(order.email).toBe('janedoe@example.com')
    expect(order.firstName).toBe('Jane')
    expect(order.lastName).toBe('Doe')
    // 123 is no US area code: the number does not parse, so it is kept as entered.
    expect(order.phone).toBe('1234567890')
    expect(order.statusId).toBe(7)
    expect(order.createdAt).toBe('2019-03-05T21:40:11.000Z')
    expect(order.modifiedAt).toBe('2019-03-11T15:17:25.000Z')
  })

  it('carries money as exact decimals, discounts summed', () => {
    expect(order.totalIncTax).toBe('69.84')
    expect(order.subtotalExTax).toBe('62.6793')
    expect(order.totalTax).toBe('5.31')
    expect(order.shippingCostExTax).toBe('11.09')
    expect(order.discountTotal).toBe('10')
  })

  it('uses the transactional currency, and the same currency as base when the store names none', () => {
    expect(order.currency).toBe('USD')
    expect(order.baseCurrency).toBe('USD')
    expect(order.toBaseRate).toBe('1')
  })

  it('has coupon codes, channel, source, cart, opt-in and lines', () => {
    expect(order.couponCodes).toEqual(['S2549JM0Y'])
    expect(order.channelId).toBe(1)
    expect(order.orderSource).toBe('external')
    expect(order.channel).toBe('partner')
    expect(order.cartId).toBe('7e48f7ef-2e88-4817-aea4-b0ed01490114')
    expect(order.emailOptIn).toBe(false)
    expect(order.lines).toEqual([
      {
        lineItemId: 65,
        productId: 77,
        variantId: 342,
        name: 'Fog Linen Chambray Towel - Beige Stripe',
        sku: 'S-ORAN',
        quantity: 1,
        priceExTax: '55.99',
        totalExTax: '55.99',
        quantityRefunded: 0,
        category: 'Kitchen',
      },
    ])
    expect(order.refunds).toEqual([])
    expect(order.shipments).toEqual([])
    expect(order.fulfillment).toBe('unshipped')
  })

  it('lets no payment detail through', () => {
    const withPayments = build({
      refunds: [refund()],
      products: [orderProduct({ payment_method: 'Visa' })],
      order: { ...specOrder218(), transactions: [{ id: 1, gateway: 'stripe' }], credit_card_type: 'Visa' },
    })
    const keys = keysOf(withPayments)
    for (const field of ['payment_method', 'payment_provider_id', 'credit_card_type', 'transactions', 'payments', 'provider_id', 'payment_status', 'paymentMethod']) {
      expect(keys).not.toContain(field)
    }
    const text = JSON.stringify(withPayments)
    expect(text).not.toContain('Cash')
    expect(text).not.toContain('Visa')
    expect(text).not.toContain('storecredit')
    expect(text).not.toContain('stripe')
  })
})

describe('normalizeOrder rules', () => {
  it('identifies a guest by the normalized billing email', () => {
    const order = build({
      order: {
        ...specOrder218(),
        customer_id: 0,
        order_source: 'www',
        billing_address: { ...(specOrder218().billing_address as object), email: '  Guest.Shopper@Example.COM ', phone: '(512) 867-5309' },
      },
      channel: null,
    })
    expect(order.customerId).toBe(0)
    expect(order.email).toBe('guest.shopper@example.com')
    expect(order.phone).toBe('+15128675309')
    expect(order.channel).toBe('storefront')
  })

  it('converts a multi-currency order to the base currency with 1 / store_default_to_transactional_exchange_rate', () => {
    const order = build({
      order: {
        ...specOrder218(),
        currency_code: 'GBP',
        currency_exchange_rate: '0.9000000000',
        default_currency_code: 'eur',
        store_default_currency_code: 'USD',
        store_default_to_transactional_exchange_rate: '0.8000000000',
        total_inc_tax: '100.0000',
      },
    })
    expect(order.currency).toBe('EUR')
    expect(order.baseCurrency).toBe('USD')
    expect(order.toBaseRate).toBe('1.25')
    expect(toBase(order, order.totalIncTax)).toBe('125')
  })

  it('takes a missing or zero exchange rate as 1', () => {
    const base = { ...specOrder218(), default_currency_code: 'EUR', store_default_currency_code: 'USD' }
    expect(build({ order: { ...base, store_default_to_transactional_exchange_rate: '0.0000000000' } }).toBaseRate).toBe('1')
    expect(build({ order: { ...base, store_default_to_transactional_exchange_rate: null } }).toBaseRate).toBe('1')
  })

  it('takes refunds from v3: total_amount, PRODUCT item ids, oldest first', () => {
    const order = build({
      order: { ...specOrder218(), status_id: 14 },
      products: [orderProduct({ quantity: 2, total_ex_tax: '111.9800' }), orderProduct({ id: 66, product_id: 86, quantity: 1 })],
      refunds: [
        refund({ id: 14, created: '2022-06-20T10:00:00Z', total_amount: '5.5', items: [{ item_type: 'SHIPPING', item_id: 1, quantity: 1 }] }),
        refund({ id: 12, created: '2022-06-16T16:44:15+00:00', total_amount: 50 }),
      ],
      categories: [[77, 'Kitchen'], [86, null]],
    })
    expect(order.refunds).toEqual([
      { refundId: 12, createdAt: '2022-06-16T16:44:15.000Z', amount: '50', lineItemIds: [65] },
      { refundId: 14, createdAt: '2022-06-20T10:00:00.000Z', amount: '5.5', lineItemIds: [] },
    ])
    // The order product said 0 refunded; the refund names one unit of it.
    expect(order.lines.map((l) => l.quantityRefunded)).toEqual([1, 0])
    expect(order.lines.map((l) => l.category)).toEqual(['Kitchen', null])
    expect(refundedTotal(order)).toBe('55.5')
    expect(netRevenue(order)).toBe('14.34')
  })

  it('derives fulfillment from shipped quantities', () => {
    const two = (shipped: number) => [orderProduct({ quantity: 2, quantity_shipped: shipped })]
    expect(build({ products: two(0) }).fulfillment).toBe('unshipped')
    expect(build({ products: two(1), shipments: [shipment()] }).fulfillment).toBe('partially_shipped')
    expect(build({ products: two(2), shipments: [shipment()] }).fulfillment).toBe('shipped')
    // A refunded unit needs no shipping.
    expect(build({ products: [orderProduct({ quantity: 2, quantity_shipped: 1, quantity_refunded: 1 })] }).fulfillment).toBe('shipped')
    // Digital goods never ship: a completed digital order is fulfilled.
    const digital = [orderProduct({ type: 'digital', quantity_shipped: 0 })]
    expect(build({ products: digital, order: { ...specOrder218(), status_id: 10 } }).fulfillment).toBe('shipped')
    expect(build({ products: digital, order: { ...specOrder218(), status_id: 11 } }).fulfillment).toBe('unshipped')
  })

  it('normalizes shipments: RFC-2822 date, tracking number, the carrier it can name', () => {
    const order = build({ shipments: [shipment({ id: 7, date_created: 'Tue, 12 Mar 2019 08:00:00 -0500' }), shipment()] })
    const usps = 'https://trkcnfrm1.smi.usps.com/PTSInternetWeb/InterLabelInquiry.do?strOrigTrackNum=EJ958083578US'
    expect(order.shipments).toEqual([
      { shipmentId: 6, createdAt: '2019-03-11T17:22:08.000Z', trackingNumber: 'EJ958083578US', carrier: 'USPS', trackingUrl: usps },
      { shipmentId: 7, createdAt: '2019-03-12T13:00:00.000Z', trackingNumber: 'EJ958083578US', carrier: 'USPS', trackingUrl: usps },
    ])
  })

  it("takes the merchant's tracking link first, then BigCommerce's, then builds the carrier's", () => {
    const url = (overrides: Record<string, unknown>) => build({ shipments: [shipment(overrides)] }).shipments[0]!.trackingUrl
    // A custom link: BigCommerce leaves its generated one empty.
    expect(url({ tracking_link: 'https://track.example.com/p/EJ958083578US', generated_tracking_link: '' }))
      .toBe('https://track.example.com/p/EJ958083578US')
    // No link at all: the carrier's public page, from the AfterShip slug, the provider or its display name.
    const none = { generated_tracking_link: '', tracking_number: '1Z 999/AA1' }
    expect(url({ ...none, shipping_provider: 'upsready' })).toBe('https://www.ups.com/track?tracknum=1Z%20999%2FAA1')
    expect(url({ ...none, shipping_provider: '', tracking_carrier: 'canada-post' }))
      .toBe('https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor=1Z%20999%2FAA1')
    expect(url({ ...none, shipping_provider: 'carrier_12', shipping_provider_display_name: 'DHL Express Worldwide' }))
      .toBe('https://www.dhl.com/global-en/home/tracking/tracking-express.html?submit=1&tracking-id=1Z%20999%2FAA1')
    expect(url({ ...none, shipping_provider: 'royalmail' })).toBe('https://www.royalmail.com/track-your-item#/tracking-results/1Z%20999%2FAA1')
    // An unknown carrier, or nothing to track: no link rather than a wrong one.
    expect(url({ ...none, shipping_provider: 'carrier_12', shipping_provider_display_name: 'Bob\'s Couriers' })).toBeNull()
    expect(url({ generated_tracking_link: '', tracking_number: '', shipping_provider: 'ups' })).toBeNull()
    expect(url({ tracking_link: 'not a link', generated_tracking_link: '', shipping_provider: '', shipping_provider_display_name: '' })).toBeNull()
  })

  it("links every order to its page in the store's control panel", () => {
    expect(build({}).adminUrl).toBe('https://store-abc123.mybigcommerce.com/manage/orders/218')
  })

  it('keeps the billing address in one form: ISO country, ISO 3166-2 state where known', () => {
    expect(build({}).billingAddress).toEqual({ country: 'US', state: 'US-TX', city: 'Austin', zip: '78108' })
    const billing = specOrder218().billing_address as Record<string, unknown>
    const quebec = { ...specOrder218(), billing_address: { ...billing, city: ' Montréal ', state: 'Québec', zip: 'h2x 1y4', country: 'Canada', country_iso2: 'CA' } }
    expect(build({ order: quebec }).billingAddress).toEqual({ country: 'CA', state: 'CA-QC', city: 'Montréal', zip: 'H2X 1Y4' })
    const empty = { ...specOrder218(), billing_address: { ...billing, city: '', state: '', zip: '', country: '', country_iso2: '' } }
    expect(build({ order: empty }).billingAddress).toBeNull()
  })

  it('dedupes coupon codes and skips empty ones', () => {
    const order = build({ coupons: [coupon(), coupon({ id: 4 }), coupon({ id: 5, code: null }), coupon({ id: 6, code: 'SPRING' })] })
    expect(order.couponCodes).toEqual(['S2549JM0Y', 'SPRING'])
  })

  it('falls back to the customer email, and refuses an order with no email at all', () => {
    const noEmail = { ...specOrder218(), billing_address: { ...(specOrder218().billing_address as object), email: '' } }
    expect(build({ order: noEmail, fallbackEmail: 'Account@Example.com' }).email).toBe('account@example.com')
    expect(() => build({ order: noEmail })).toThrow(UnusableResourceError)
  })

  it('accepts numbers as strings and nulls where the API sends them', () => {
    const order = build({
      order: { ...specOrder218(), id: '218', status_id: '11', customer_id: '11', channel_id: null, discount_amount: null, coupon_discount: '' },
      products: [orderProduct({ variant_id: 0, quantity: '3' })],
    })
    expect(order.orderId).toBe(218)
    expect(order.statusId).toBe(11)
    expect(order.channelId).toBe(1)
    expect(order.discountTotal).toBe('0')
    expect(order.lines[0]!.variantId).toBeNull()
    expect(order.lines[0]!.quantity).toBe(3)
  })

  it('rejects unreadable dates and money at the edge', () => {
    const badDate = v2Order.safeParse({ ...specOrder218(), date_created: 'yesterday' })
    expect(badDate.success).toBe(false)
    expect(badDate.error?.issues[0]?.path).toEqual(['date_created'])
    expect(v2Order.safeParse({ ...specOrder218(), total_inc_tax: '12,50' }).success).toBe(false)
  })
})

describe('dates', () => {
  it('reads RFC-2822 with its zone offset', () => {
    expect(toIsoDate('Tue, 05 Mar 2019 21:40:11 +0000')).toBe('2019-03-05T21:40:11.000Z')
    expect(toIsoDate('Wed, 6 Mar 2019 01:40:11 +0530')).toBe('2019-03-05T20:10:11.000Z')
    expect(toIsoDate('Sun, 31 Dec 2023 23:59:59 -0100')).toBe('2024-01-01T00:59:59.000Z')
    expect(toIsoDate('05 Mar 2019 21:40:11 GMT')).toBe('2019-03-05T21:40:11.000Z')
  })

  it('reads ISO-8601 and RFC-3339', () => {
    expect(toIsoDate('2022-06-16T16:44:15+00:00')).toBe('2022-06-16T16:44:15.000Z')
    expect(toIsoDate('2018-11-13T21:42:06Z')).toBe('2018-11-13T21:42:06.000Z')
    expect(toIsoDate('2021-07-28T19:00:38-0700')).toBe('2021-07-29T02:00:38.000Z')
  })

  it('gives null for empty or impossible dates', () => {
    expect(toIsoDate('')).toBeNull()
    expect(toIsoDate(null)).toBeNull()
    expect(parseRfc2822('Fri, 31 Feb 2019 10:00:00 +0000')).toBeNull()
    expect(toIsoDate('not a date')).toBeNull()
  })
})

describe('customers, subscribers, carts, variants', () => {
  it('normalizes the v3 customer', () => {
    const customer = normalizeCustomer(
      v3Customer.parse({
        id: 32,
        email: 'Jane.Smith@Example.com',
        first_name: 'Jane',
        last_name: 'Smith',
        phone: '0161 496 0000',
        date_created: '2018-11-13T21:42:06Z',
        date_modified: '2021-07-28T19:00:38Z',
        accepts_product_review_abandoned_cart_emails: true,
        // Multi-Storefront: created on channel 2, may sign in on 2 and 1.
        origin_channel_id: 2,
        channel_ids: [2, 1],
        addresses: [
          // A later address (a gift recipient's) does not replace the one saved first.
          { id: 75, customer_id: 32, city: 'Austin', state_or_province: 'Texas', postal_code: '78108', country_code: 'US', phone: '' },
          { id: 60, customer_id: 32, city: 'Manchester', state_or_province: '', postal_code: 'm1 1ae', country_code: 'GB', phone: '' },
        ],
        store_credit_amounts: [{ amount: 43.15 }],
      }),
    )
    expect(customer).toEqual({
      customerId: 32,
      email: 'jane.smith@example.com',
      firstName: 'Jane',
      lastName: 'Smith',
      phone: '+441614960000',
      acceptsAbandonedCartEmails: true,
      address: { country: 'GB', state: null, city: 'Manchester', zip: 'M1 1AE' },
      originChannelId: 2,
      channelIds: [1, 2],
      createdAt: '2018-11-13T21:42:06.000Z',
      modifiedAt: '2021-07-28T19:00:38.000Z',
    })
  })

  it('puts an account without channels on the default storefront, with global access', () => {
    const customer = normalizeCustomer(
      v3Customer.parse({ id: 34, email: 'g@example.com', first_name: 'G', last_name: 'H', date_created: '2020-01-01T00:00:00Z', channel_ids: null }),
    )
    expect(customer).toMatchObject({ originChannelId: 1, channelIds: [] })
  })

  it('gives a customer without addresses no default address', () => {
    const customer = normalizeCustomer(
      v3Customer.parse({ id: 33, email: 'b@example.com', first_name: 'B', last_name: 'C', date_created: '2020-01-01T00:00:00Z', addresses: [] }),
    )
    expect(customer.address).toBeNull()
  })

  it('reads subscriber consents', () => {
    const parse = (consents: string[]) =>
      normalizeSubscriber(
        v3Subscriber.parse({ id: 9, email: 'A@B.co', consents, date_modified: '2024-01-02T03:04:05Z', source: 'storefront' }),
      )
    expect(parse(['marketing_newsletter'])).toEqual({
      subscriberId: 9,
      email: 'a@b.co',
      newsletter: true,
      abandonedCart: false,
      modifiedAt: '2024-01-02T03:04:05.000Z',
    })
    expect(parse(['abandoned_cart'])).toMatchObject({ newsletter: false, abandonedCart: true })
    expect(parse([])).toMatchObject({ newsletter: false, abandonedCart: false })
  })

  it('normalizes a cart with its recovery URL', () => {
    const raw = {
      id: '09346904-4175-44fd-be53-f7e598531b6c',
      customer_id: 0,
      channel_id: 3,
      email: '',
      currency: { code: 'usd' },
      base_amount: 110.5,
      cart_amount: 99.45,
      line_items: {
        physical_items: [{ id: 'a', product_id: 77, variant_id: 342, sku: 'S-ORAN', name: 'Towel', quantity: 2, extended_sale_price: 111.98 }],
        digital_items: [],
        gift_certificates: [],
        custom_items: [{ id: 'c', sku: 'custom-1', name: 'Engraving', quantity: 1 }],
      },
      created_time: '2024-05-01T10:00:00+00:00',
      updated_time: '2024-05-01T10:05:00+00:00',
    }
    const cart = normalizeCart(v3Cart.parse(raw), new Map([[77, 'Kitchen']]), 'Outlet')
    expect(cart).toEqual({
      cartId: '09346904-4175-44fd-be53-f7e598531b6c',
      customerId: 0,
      channelId: 3,
      storefront: 'Outlet',
      email: null,
      currency: 'USD',
      amount: '99.45',
      lines: [
        { productId: 77, variantId: 342, sku: 'S-ORAN', name: 'Towel', quantity: 2, category: 'Kitchen' },
        { productId: 0, variantId: null, sku: 'custom-1', name: 'Engraving', quantity: 1, category: null },
      ],
      // The worker's signed recovery link is added by the pipeline (BigCommerce's redirect URLs work once).
      recoveryUrl: null,
      createdAt: '2024-05-01T10:00:00.000Z',
      updatedAt: '2024-05-01T10:05:00.000Z',
    })
    expect(normalizeCart(v3Cart.parse({ ...raw, email: 'X@Y.io' })).email).toBe('x@y.io')
    // A cart that names no channel is on the default storefront.
    expect(normalizeCart(v3Cart.parse({ ...raw, channel_id: undefined }))).toMatchObject({ channelId: 1, storefront: null })
  })

  it('names a variant after its option values and falls back to the product price and sku', () => {
    const product = v3Product.parse({
      id: 77,
      name: 'Fog Linen Chambray Towel',
      sku: 'FLCT',
      description: '<p>Soft &amp; light.</p><p>Linen&nbsp;blend</p>',
      price: 55.99,
      categories: [23, 19],
      brand_id: 36,
      base_variant_id: 340,
    })
    const variants = [
      { id: 340, product_id: 77, sku: '', price: null, option_values: [] },
      {
        id: 342,
        product_id: 77,
        sku: 'S-ORAN',
        price: 49.5,
        option_values: [
          { id: 69, label: 'S', option_id: 18, option_display_name: 'Size' },
          { id: 112, label: 'Orange', option_id: 3, option_display_name: 'Color' },
        ],
      },
    ].map((v) => v3Variant.parse(v))
    expect(normalizeProductVariants(product, variants, { category: 'Kitchen', brand: 'Fog Linen' })).toEqual([
      {
        variantId: 340,
        productId: 77,
        name: 'Fog Linen Chambray Towel',
        sku: 'FLCT',
        price: '55.99',
        description: 'Soft & light.\nLinen blend',
        category: 'Kitchen',
        brand: 'Fog Linen',
      },
      {
        variantId: 342,
        productId: 77,
        name: 'Fog Linen Chambray Towel (Size: S, Color: Orange)',
        sku: 'S-ORAN',
        price: '49.5',
        description: 'Soft & light.\nLinen blend',
        category: 'Kitchen',
        brand: 'Fog Linen',
      },
    ])
    // Without a variants list: the base variant.
    expect(normalizeProductVariants(product, [], { category: null, brand: null }).map((v) => v.variantId)).toEqual([340])
  })

  it('turns description HTML into text', () => {
    expect(plainText('<div>A<br/>B &lt;3 &#233;t&#xE9;</div><script>x()</script>')).toBe('A\nB <3 été')
  })
})
