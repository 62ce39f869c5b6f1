import { z } from 'zod'
import { amount } from '../domain/money'
import { toIsoDate } from './normalize/dates'

/**
 * Zod schemas of the BigCommerce REST payloads the worker reads, parsed once at the edge (hydrate.ts).
 * Field names follow standins/bigcommerce/specs/*.yml. They are lenient where the real API is: ids and
 * numbers may arrive as strings, most fields may be null or missing, and unknown fields are dropped, so
 * payment details (payment_method, payment_provider_id, credit_card_type, refund payments...) never get past
 * parsing. Money becomes a decimal string (Amount) and dates ISO-8601 UTC right here.
 */

/** An integer id that may arrive as a string (transaction hooks send `order_id: "250"`). */
const id = z.union([z.number().int(), z.string().trim().regex(/^-?\d+$/).transform(Number)])
/** An optional id: null, missing, 0 and '' all mean "none". */
const optionalId = z
  .union([id, z.literal(''), z.null()])
  .optional()
  .transform((v) => (typeof v === 'number' && v > 0 ? v : null))
const count = z
  .union([z.number(), z.string().trim().regex(/^-?\d+(\.\d+)?$/).transform(Number), z.null()])
  .optional()
  .transform((v) => v ?? 0)
/** Money: a decimal string or a number, as an exact decimal string. Null, missing and '' are 0. */
const money = z
  .union([z.number(), z.string().trim().regex(/^(-?(\d+(\.\d*)?|\.\d+))?$/), z.null()])
  .optional()
  .transform((v) => amount(v))
/** Text that may be null or missing: '' then. */
const text = z
  .string()
  .nullish()
  .transform((v) => v ?? '')
const flag = z
  .union([z.boolean(), z.literal(0), z.literal(1), z.literal('true'), z.literal('false'), z.null()])
  .optional()
  .transform((v) => v === true || v === 1 || v === 'true')
function isoDate(v: string, ctx: z.core.$RefinementCtx) {
  const iso = toIsoDate(v)
  if (iso === null) {
    ctx.addIssue({ code: 'custom', message: `"${v}" is not an RFC-2822 or ISO-8601 date` })
    return z.NEVER
  }
  return iso
}
/** A required date, RFC-2822 (v2) or ISO-8601 (v3), as ISO-8601 UTC. */
const date = z.string().transform(isoDate)
/** An optional date (`date_shipped` is '' until shipped). */
const optionalDate = z
  .string()
  .nullish()
  .transform((v, ctx) => (v === null || v === undefined || v.trim() === '' ? null : isoDate(v, ctx)))
/** A list that may be null or missing: [] then. */
const list = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .nullish()
    .transform((v) => v ?? [])

// ---- v2 orders (orders.v2.oas2.yml) ----

export const v2BillingAddress = z.object({
  first_name: text,
  last_name: text,
  email: text,
  phone: text,
  city: text,
  /** The state's name ("California"), as the shopper chose it. */
  state: text,
  zip: text,
  country_iso2: text,
})

export const v2Order = z.object({
  id,
  customer_id: count,
  date_created: date,
  date_modified: optionalDate,
  date_shipped: optionalDate,
  status_id: id,
  subtotal_ex_tax: money,
  total_inc_tax: money,
  total_tax: money,
  shipping_cost_ex_tax: money,
  discount_amount: money,
  coupon_discount: money,
  items_total: count,
  items_shipped: count,
  /** Display currency: what the shopper saw. Not used for money. */
  currency_code: text,
  /** Transactional currency: the order's amounts are in it. */
  default_currency_code: text,
  store_default_currency_code: text,
  store_default_to_transactional_exchange_rate: money,
  is_email_opt_in: flag,
  order_source: text,
  external_source: text,
  channel_id: optionalId,
  cart_id: text,
  is_deleted: flag,
  billing_address: v2BillingAddress.nullish(),
})
export type V2Order = z.output<typeof v2Order>

export const v2OrderProduct = z.object({
  id,
  order_id: id,
  product_id: optionalId,
  variant_id: optionalId,
  name: text,
  sku: text,
  type: text,
  price_ex_tax: money,
  total_ex_tax: money,
  quantity: count,
  quantity_refunded: count,
  quantity_shipped: count,
  is_refunded: flag,
})
export type V2OrderProduct = z.output<typeof v2OrderProduct>

/**
 * The order's consignments in their object structure (`consignment_structure=object`), as
 * `include=consignments.line_items` embeds them in an order (orders.v2.oas2.yml `orderConsignment_Get`):
 * every line item sits in the consignment that fulfils it. Line items are left unparsed here: with
 * `include=consignments` alone they are resource links, with `.line_items` the order products themselves.
 */
const consignment = z.object({ line_items: list(z.record(z.string(), z.unknown())) })
export const v2OrderConsignments = z.object({
  pickups: list(consignment),
  shipping: list(consignment),
  downloads: list(consignment),
  email: z
    .object({ gift_certificates: list(consignment) })
    .nullish()
    .transform((v) => v ?? { gift_certificates: [] }),
})

export const v2Shipment = z.object({
  id,
  order_id: id,
  date_created: date,
  tracking_number: text,
  /** An AfterShip courier slug, or ''. */
  tracking_carrier: text,
  /** The merchant's own tracking link; '' when BigCommerce generates one. */
  tracking_link: text,
  /** BigCommerce's link to the provider or AfterShip; '' when the merchant gave a link. */
  generated_tracking_link: text,
  shipping_provider: text,
  shipping_provider_display_name: text,
  shipping_method: text,
  items: list(z.object({ order_product_id: id, product_id: optionalId, quantity: count })),
})
export type V2Shipment = z.output<typeof v2Shipment>

export const v2Coupon = z.object({
  id,
  coupon_id: optionalId,
  code: text,
  amount: money,
  /** 0 per_item, 1 percentage, 2 per_total, 3 shipping, 4 free_shipping, 5 promotion. */
  type: count,
  discount: money,
})
export type V2Coupon = z.output<typeof v2Coupon>

// ---- v3 refunds (orders.v3.yml `Refund`; its `payments` are payment details and are dropped) ----

export const v3Refund = z.object({
  id,
  order_id: id,
  created: date,
  total_amount: money,
  items: list(
    z.object({
      item_type: z.string(),
      item_id: id,
      quantity: count,
      requested_amount: money,
    }),
  ),
})
export type V3Refund = z.output<typeof v3Refund>

// ---- customers and subscribers (customers.v3.yml, subscribers.v3.yml) ----

export const v3Customer = z.object({
  id,
  email: text,
  first_name: text,
  last_name: text,
  phone: text,
  date_created: date,
  date_modified: optionalDate,
  accepts_product_review_abandoned_cart_emails: flag,
  /** Multi-Storefront: the channel the account was created on, and the channels it may sign in to (null: all). */
  origin_channel_id: optionalId,
  channel_ids: list(id),
  /** Present with `include=addresses` (customers.v3.yml `address_Full`). */
  addresses: list(
    z.object({
      id: optionalId,
      city: text,
      state_or_province: text,
      postal_code: text,
      country_code: text,
      phone: text,
    }),
  ),
})
export type V3Customer = z.output<typeof v3Customer>

export const v3Subscriber = z.object({
  id,
  email: text,
  first_name: text,
  last_name: text,
  source: text,
  order_id: optionalId,
  channel_id: optionalId,
  /** Empty means unsubscribed (or never ticked the box). */
  consents: list(z.string()),
  date_created: optionalDate,
  date_modified: optionalDate,
})
export type V3Subscriber = z.output<typeof v3Subscriber>

// ---- catalog (products_catalog.v3.yml, categories_catalog.v3.yml, brands_catalog.v3.yml) ----

export const v3VariantOptionValue = z.object({
  id: optionalId,
  label: text,
  option_id: optionalId,
  option_display_name: text,
})

export const v3Variant = z.object({
  id,
  product_id: id,
  sku: text,
  /** Null means "the product's price". */
  price: z
    .union([z.number(), z.string().trim().regex(/^-?\d+(\.\d+)?$/)])
    .nullish()
    .transform((v) => (v === null || v === undefined ? null : amount(v))),
  option_values: list(v3VariantOptionValue),
})
export type V3Variant = z.output<typeof v3Variant>

export const v3Product = z.object({
  id,
  name: text,
  sku: text,
  description: text,
  price: money,
  categories: list(id),
  brand_id: optionalId,
  base_variant_id: optionalId,
  variants: z.array(v3Variant).nullish(),
})
export type V3Product = z.output<typeof v3Product>

export const v3Category = z.object({ id, parent_id: optionalId, name: text })

export const v3Brand = z.object({ id, name: text })

// ---- channels (channels.v3.yml) ----

export const v3Channel = z.object({
  id,
  name: text,
  /** pos, marketplace, storefront, marketing. */
  type: text,
  /** bigcommerce, catalyst, amazon, ebay, square, custom, ... */
  platform: text,
  /** prelaunch, active, inactive, connected, disconnected, archived, deleted, terminated. */
  status: text,
})
export type V3Channel = z.output<typeof v3Channel>

/** A channel's currencies (`CurrencyNotRequiredWithChannelId`): on GET /channels/{id} and currency-assignments. */
export const v3ChannelCurrencies = z.object({
  channel_id: optionalId,
  enabled_currencies: list(z.string()),
  default_currency: text,
})
export type V3ChannelCurrencies = z.output<typeof v3ChannelCurrencies>

/** A channel's site (`Site`): `url` is where it is hosted, `urls` its primary, canonical and checkout URLs. */
export const v3Site = z.object({
  id: optionalId,
  url: text,
  channel_id: optionalId,
  urls: list(z.object({ url: text, type: text })),
})

// ---- carts (carts.v3.yml `Cart_Full`, abandoned_carts.v3.yml) ----

const cartItem = z.object({
  id: text,
  product_id: optionalId,
  variant_id: optionalId,
  sku: text,
  name: text,
  quantity: count,
  extended_sale_price: money,
})

export const v3CartRedirectUrls = z.object({ cart_url: text, checkout_url: text })

export const v3Cart = z.object({
  id: z.string().min(1),
  customer_id: count,
  channel_id: optionalId,
  email: text,
  currency: z
    .object({ code: text })
    .nullish()
    .transform((v) => v ?? { code: '' }),
  base_amount: money,
  cart_amount: money,
  line_items: z
    .object({
      physical_items: list(cartItem),
      digital_items: list(cartItem),
      custom_items: list(cartItem),
    })
    .nullish()
    .transform((v) => v ?? { physical_items: [], digital_items: [], custom_items: [] }),
  created_time: date,
  updated_time: optionalDate,
})
export type V3Cart = z.output<typeof v3Cart>

export const v3AbandonedCart = z.object({ cart_id: z.string().min(1) })

// ---- v3 envelopes ----

/** `{ data: T }` for single v3 resources. */
export const v3One = <T extends z.ZodType>(schema: T) => z.object({ data: schema })
