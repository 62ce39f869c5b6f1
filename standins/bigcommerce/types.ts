/**
 * The stand-in's state. Records carry the API's own field names (snake_case, money as 4-dp strings where
 * the API uses them) so serializing is a thin step; times are kept as epoch milliseconds in camelCase
 * fields (`createdAt`, `modifiedAt`) and formatted per API version on the way out.
 */

/** A webhook event as the store emits it; `webhooks.ts` wraps it in BigCommerce's envelope. */
export interface StoreEvent {
  scope: string
  data: Record<string, unknown>
}

export interface Address {
  first_name: string
  last_name: string
  company: string
  street_1: string
  street_2: string
  city: string
  state: string
  zip: string
  country: string
  country_iso2: string
  phone: string
  email: string
}

export interface CustomerAddress {
  id: number
  customer_id: number
  first_name: string
  last_name: string
  company: string
  address1: string
  address2: string
  city: string
  state_or_province: string
  postal_code: string
  country_code: string
  country: string
  phone: string
  address_type: 'residential' | 'commercial'
}

export interface Customer {
  id: number
  email: string
  first_name: string
  last_name: string
  company: string
  phone: string
  notes: string
  tax_exempt_category: string
  customer_group_id: number
  registration_ip_address: string
  accepts_product_review_abandoned_cart_emails: boolean
  origin_channel_id: number
  channel_ids: number[]
  store_credit: number
  createdAt: number
  modifiedAt: number
}

export type SubscriberConsent = 'marketing_newsletter' | 'abandoned_cart'

export interface Subscriber {
  id: number
  email: string
  first_name: string
  last_name: string
  source: 'storefront' | 'order' | 'custom' | string
  order_id: number | null
  channel_id: number
  consents: SubscriberConsent[]
  createdAt: number
  modifiedAt: number
}

export interface OrderProductOption {
  id: number
  option_id: number
  order_product_id: number
  product_option_id: number
  display_name: string
  display_value: string
  value: string
  type: string
  name: string
  display_style: string
  display_name_customer: string
  display_name_merchant: string
  display_value_customer: string
  display_value_merchant: string
}

export interface AppliedDiscount {
  id: string
  amount: string
  name: string
  code: string | null
  target: 'order' | 'product'
}

/** `GET /v2/orders/{id}/products` row. */
export interface OrderProduct {
  id: number
  order_id: number
  product_id: number
  variant_id: number
  order_address_id: number
  name: string
  name_customer: string
  name_merchant: string
  sku: string
  upc: string
  type: 'physical' | 'digital' | 'giftcertificate'
  base_price: string
  price_ex_tax: string
  price_inc_tax: string
  price_tax: string
  base_total: string
  total_ex_tax: string
  total_inc_tax: string
  total_tax: string
  quantity: number
  base_cost_price: string
  cost_price_inc_tax: string
  cost_price_ex_tax: string
  cost_price_tax: string
  weight: number
  is_refunded: boolean
  quantity_refunded: number
  refund_amount: string
  return_id: number
  quantity_shipped: number
  brand: string
  applied_discounts: AppliedDiscount[]
  product_options: OrderProductOption[]
  discounted_total_inc_tax: string
  /** Units, internal: the discount allocated to this line (for refunds). */
  lineDiscountUnits: number
}

/** `GET /v2/orders/{id}` minus its formatted dates and resource links. */
export interface Order {
  id: number
  customer_id: number
  status_id: number
  subtotal_ex_tax: string
  subtotal_inc_tax: string
  subtotal_tax: string
  base_shipping_cost: string
  shipping_cost_ex_tax: string
  shipping_cost_inc_tax: string
  shipping_cost_tax: string
  shipping_cost_tax_class_id: number
  base_handling_cost: string
  handling_cost_ex_tax: string
  handling_cost_inc_tax: string
  handling_cost_tax: string
  handling_cost_tax_class_id: number
  base_wrapping_cost: string
  wrapping_cost_ex_tax: string
  wrapping_cost_inc_tax: string
  wrapping_cost_tax: string
  wrapping_cost_tax_class_id: number
  total_ex_tax: string
  total_inc_tax: string
  total_tax: string
  is_tax_inclusive_pricing: boolean
  items_total: number
  items_shipped: number
  payment_method: string
  payment_provider_id: string
  payment_status: string
  refunded_amount: string
  order_is_digital: boolean
  store_credit_amount: string
  gift_certificate_amount: string
  ip_address: string
  ip_address_v6: string
  geoip_country: string
  geoip_country_iso2: string
  currency_id: number
  currency_code: string
  currency_exchange_rate: string
  default_currency_id: number
  default_currency_code: string
  store_default_currency_code: string
  store_default_to_transactional_exchange_rate: string
  staff_notes: string
  customer_message: string
  discount_amount: string
  coupon_discount: string
  shipping_address_count: number
  is_deleted: boolean
  ebay_order_id: string
  cart_id: string
  billing_address: Address & { form_fields: { name: string; value: string }[] }
  is_email_opt_in: boolean
  credit_card_type: string | null
  order_source: string
  channel_id: number
  external_source: string | null
  external_id: string | null
  external_merchant_id: string | null
  external_order_id: string
  tax_provider_id: string
  customer_locale: string
  createdAt: number
  modifiedAt: number
  shippedAt: number | null
}

export interface OrderShippingAddress extends Address {
  id: number
  order_id: number
  items_total: number
  items_shipped: number
  base_cost: string
  cost_ex_tax: string
  cost_inc_tax: string
  cost_tax: string
  cost_tax_class_id: number
  base_handling_cost: string
  handling_cost_ex_tax: string
  handling_cost_inc_tax: string
  handling_cost_tax: string
  handling_cost_tax_class_id: number
  shipping_zone_id: number
  shipping_zone_name: string
  shipping_method: string
  form_fields: { name: string; value: string }[]
}

export interface OrderCoupon {
  id: number
  coupon_id: number
  order_id: number
  code: string
  amount: number
  /** 0 per_item, 1 percentage, 2 per_total, 3 shipping, 4 free_shipping, 5 promotion */
  type: 0 | 1 | 2 | 3 | 4 | 5
  discount: number
}

export interface Shipment {
  id: number
  order_id: number
  customer_id: number
  order_address_id: number
  tracking_number: string
  merchant_shipping_cost: string
  shipping_method: string
  shipping_provider: string
  tracking_carrier: string
  tracking_link: string
  generated_tracking_link: string
  shipping_provider_display_name: string
  comments: string
  billing_address: Address
  shipping_address: Address
  items: { order_product_id: number; product_id: number; quantity: number }[]
  createdAt: number
}

export type RefundItemType = 'PRODUCT' | 'GIFT_WRAPPING' | 'SHIPPING' | 'HANDLING' | 'ORDER' | 'FEE'

export interface Refund {
  id: number
  order_id: number
  user_id: number
  reason: string
  total_amount: number
  total_tax: number
  uses_merchant_override_values: boolean
  items: { item_type: RefundItemType; item_id: number; quantity: number | null; requested_amount: number | null }[]
  payments: {
    id: number
    provider_id: string
    amount: number
    offline: boolean
    is_declined: boolean
    declined_message: string
  }[]
  createdAt: number
  /** Units, internal. */
  amountUnits: number
}

export interface Transaction {
  id: number
  order_id: string
  event: 'purchase' | 'authorization' | 'capture' | 'refund' | 'void' | 'pending' | 'settled'
  method: string
  amount: number
  currency: string
  gateway: string
  gateway_transaction_id: string
  test: boolean
  status: 'ok' | 'error'
  fraud_review: boolean
  reference_transaction_id: number | null
  offline: { display_name: string } | null
  custom: { payment_method: string } | null
  payment_method_id: string
  avs_result: { code: string; message: string; street_match: string; postal_match: string }
  cvv_result: { code: string; message: string }
  credit_card: {
    card_type: string
    card_iin: string
    card_last4: string
    card_expiry_month: number
    card_expiry_year: number
  } | null
  gift_certificate: null
  store_credit: null
  createdAt: number
}

export interface CartItemOption {
  name: string
  nameId: number
  value: string
  valueId: number
}

export interface CartItem {
  id: string
  parent_id: string | null
  variant_id: number
  product_id: number
  sku: string
  name: string
  url: string
  quantity: number
  taxable: boolean
  image_url: string
  discounts: { id: string | number; discounted_amount: number }[]
  coupons: unknown[]
  discount_amount: number
  coupon_amount: number
  original_price: number
  list_price: number
  sale_price: number
  extended_list_price: number
  extended_sale_price: number
  is_require_shipping: boolean
  is_mutable: boolean
  added_by_promotion: boolean
  options: CartItemOption[]
}

export interface Cart {
  id: string
  customer_id: number
  channel_id: number
  email: string
  currency: { code: string }
  tax_included: boolean
  base_amount: number
  discount_amount: number
  manual_discount_amount: number
  cart_amount: number
  coupons: { code: string; id: string; coupon_type: string; discounted_amount: number; display_name: string }[]
  discounts: { id: string; discounted_amount: number }[]
  physical_items: CartItem[]
  locale: string
  version: number
  /** Secret part of the cart's recovery URLs. */
  token: string
  createdAt: number
  modifiedAt: number
}

export interface ProductOptionValue {
  id: number
  label: string
  sort_order: number
  is_default: boolean
  value_data: Record<string, unknown> | null
}

export interface ProductOption {
  id: number
  product_id: number
  name: string
  display_name: string
  type: 'radio_buttons' | 'rectangles' | 'dropdown' | 'product_list' | 'product_list_with_images' | 'swatch'
  sort_order: number
  option_values: ProductOptionValue[]
}

export interface Variant {
  id: number
  product_id: number
  sku: string
  sku_id: number | null
  /** null: inherits the product's price. */
  price: number | null
  sale_price: number | null
  retail_price: number | null
  cost_price: number
  calculated_price: number
  weight: number | null
  calculated_weight: number
  upc: string
  mpn: string
  gtin: string
  inventory_level: number
  inventory_warning_level: number
  purchasing_disabled: boolean
  purchasing_disabled_message: string
  image_url: string
  option_values: { id: number; label: string; option_id: number; option_display_name: string }[]
}

export interface Product {
  id: number
  name: string
  type: 'physical' | 'digital'
  sku: string
  description: string
  weight: number
  price: number
  cost_price: number
  retail_price: number
  sale_price: number
  calculated_price: number
  categories: number[]
  brand_id: number
  inventory_level: number
  inventory_tracking: 'none' | 'product' | 'variant'
  is_visible: boolean
  is_featured: boolean
  availability: 'available' | 'disabled' | 'preorder'
  condition: 'New' | 'Used' | 'Refurbished'
  upc: string
  mpn: string
  gtin: string
  custom_url: { url: string; is_customized: boolean }
  total_sold: number
  base_variant_id: number
  options: ProductOption[]
  custom_fields: { id: number; name: string; value: string }[]
  image_url: string
  createdAt: number
  modifiedAt: number
}

export interface Category {
  id: number
  parent_id: number
  name: string
  description: string
  views: number
  sort_order: number
  page_title: string
  search_keywords: string
  meta_keywords: string[]
  meta_description: string
  layout_file: string
  is_visible: boolean
  default_product_sort: string
  image_url: string
  custom_url: { url: string; is_customized: boolean }
}

export interface Brand {
  id: number
  name: string
  page_title: string
  meta_keywords: string[]
  meta_description: string
  search_keywords: string
  image_url: string
  custom_url: { url: string; is_customized: boolean }
}

export type ChannelType = 'storefront' | 'marketplace' | 'pos' | 'marketing'
export type ChannelStatus =
  | 'active' | 'prelaunch' | 'inactive' | 'connected' | 'disconnected' | 'archived' | 'deleted' | 'terminated'

export interface Channel {
  id: number
  external_id: string
  is_listable_from_ui: boolean
  is_visible: boolean
  status: ChannelStatus
  name: string
  type: ChannelType
  platform: string
  icon_url: string
  currencies: { enabled_currencies: string[]; default_currency: string }
  /** The channel's site (channels.v3.yml `Site`): storefronts have one, marketplaces and POS none. */
  site: Site | null
  createdAt: number
  modifiedAt: number
}

/** A channel's site: where its storefront is hosted (`url`) and the URLs that belong to it. */
export interface Site {
  id: number
  url: string
  channel_id: number
  ssl_status: 'dedicated' | 'shared'
  /** `primary`, `canonical` and, when the channel has its own checkout domain, `checkout`. */
  urls: { url: string; type: 'primary' | 'canonical' | 'checkout'; createdAt: number; modifiedAt: number }[]
  is_checkout_url_customized: boolean
  createdAt: number
  modifiedAt: number
}

export type HookStatus = 'active' | 'inactive' | 'deactivated'

export interface Hook {
  id: number
  client_id: string
  store_hash: string
  scope: string
  destination: string
  headers: Record<string, string> | null
  status: HookStatus
  createdAt: number
  modifiedAt: number
}

export interface BlockedDomain {
  destination: string
  /** Epoch ms when the block lifts; `time_left` is derived from it. */
  until: number
  reasons: { failure_description: string; count: number; timestamp: number }[]
}

export interface OrderStatus {
  id: number
  name: string
  system_label: string
  custom_label: string
  system_description: string
  order: number
}
