/** Records → the JSON BigCommerce returns: v2 dates RFC-2822, v3 dates ISO-8601, resource links. */
import { isoOffset, isoSeconds, rfc2822, unixSeconds } from './dates'
import type { BigCommerceStore } from './store'
import type {
  Brand, Cart, Category, Channel, Customer, Hook, Order, OrderProduct, Product, Refund, Shipment, Site, Subscriber,
  Transaction, Variant,
} from './types'

export const API_ORIGIN = 'https://api.bigcommerce.com'

/** A v2 order; `included` holds its `consignments` and `fees` as the request's `include` shapes them. */
export function v2Order(store: BigCommerceStore, order: Order, included: Record<string, unknown> = {}): Record<string, unknown> {
  const { createdAt, modifiedAt, shippedAt, ...fields } = order
  const link = (resource: string) => ({
    url: `${API_ORIGIN}/stores/${store.storeHash}/v2/orders/${order.id}/${resource}`,
    resource: `/orders/${order.id}/${resource}`,
  })
  return {
    ...fields,
    date_created: rfc2822(createdAt),
    date_modified: rfc2822(modifiedAt),
    date_shipped: shippedAt === null ? '' : rfc2822(shippedAt),
    status: store.statusName(order.status_id),
    custom_status: store.statusName(order.status_id),
    products: link('products'),
    shipping_addresses: link('shippingaddresses'),
    coupons: link('coupons'),
    ...included,
  }
}

export function v2OrderProduct(product: OrderProduct): Record<string, unknown> {
  const { lineDiscountUnits: _internal, ...fields } = product
  return {
    ...fields,
    order_pickup_method_id: 0,
    width: '0.0000',
    height: '0.0000',
    depth: '0.0000',
    wrapping_id: 0,
    wrapping_name: null,
    base_wrapping_cost: '0.0000',
    wrapping_cost_ex_tax: '0.0000',
    wrapping_cost_inc_tax: '0.0000',
    wrapping_cost_tax: '0.0000',
    wrapping_message: '',
    event_name: null,
    event_date: '',
    fixed_shipping_cost: '0.0000',
    ebay_item_id: '',
    ebay_transaction_id: '',
    option_set_id: null,
    parent_order_product_id: null,
    is_bundled_product: false,
    bin_picking_number: '',
    external_id: null,
    configurable_fields: [],
    gift_certificate_id: null,
  }
}

export function v2Shipment(shipment: Shipment): Record<string, unknown> {
  const { createdAt, ...fields } = shipment
  return { ...fields, date_created: rfc2822(createdAt) }
}

export function v3Refund(refund: Refund): Record<string, unknown> {
  const { createdAt, amountUnits: _internal, items, ...fields } = refund
  // orders.v3.yml: an item's quantity is an integer; an ORDER-level refund item has none, so it is left out.
  const spec = items.map(({ quantity, ...item }) => (quantity === null ? item : { ...item, quantity }))
  return { ...fields, items: spec, created: isoOffset(createdAt) }
}

export function v3Transaction(transaction: Transaction): Record<string, unknown> {
  const { createdAt, ...fields } = transaction
  return { ...fields, date_created: isoOffset(createdAt) }
}

export function v3Customer(store: BigCommerceStore, customer: Customer, include: ReadonlySet<string>): Record<string, unknown> {
  const { createdAt, modifiedAt, store_credit, ...fields } = customer
  const addresses = store.customerAddresses.get(customer.id) ?? []
  const out: Record<string, unknown> = {
    ...fields,
    date_created: isoSeconds(createdAt),
    date_modified: isoSeconds(modifiedAt),
    address_count: addresses.length,
    attribute_count: 0,
    authentication: { force_password_reset: false },
  }
  if (include.has('addresses')) out.addresses = addresses.map((a) => ({ ...a, form_fields: [] }))
  if (include.has('storecredit')) out.store_credit_amounts = [{ amount: store_credit }]
  if (include.has('attributes')) out.attributes = []
  if (include.has('formfields')) out.form_fields = []
  return out
}

export function v3Subscriber(subscriber: Subscriber): Record<string, unknown> {
  const { createdAt, modifiedAt, ...fields } = subscriber
  return { ...fields, date_created: isoSeconds(createdAt), date_modified: isoSeconds(modifiedAt) }
}

export function v3Variant(variant: Variant): Record<string, unknown> {
  return {
    ...variant,
    width: null,
    height: null,
    depth: null,
    is_free_shipping: false,
    fixed_cost_shipping_price: null,
    bin_picking_number: '',
    map_price: null,
  }
}

export function v3Product(store: BigCommerceStore, product: Product, include: ReadonlySet<string>): Record<string, unknown> {
  const { createdAt, modifiedAt, options, custom_fields, image_url, base_variant_id, ...fields } = product
  const out: Record<string, unknown> = {
    ...fields,
    width: 0,
    depth: 0,
    height: 0,
    map_price: 0,
    tax_class_id: 0,
    product_tax_code: '',
    inventory_warning_level: 0,
    fixed_cost_shipping_price: 0,
    is_free_shipping: false,
    related_products: [-1],
    warranty: '',
    bin_picking_number: '',
    layout_file: 'product.html',
    search_keywords: '',
    availability_description: '',
    gift_wrapping_options_type: 'any',
    gift_wrapping_options_list: [],
    sort_order: 0,
    is_condition_shown: false,
    order_quantity_minimum: 0,
    order_quantity_maximum: 0,
    page_title: '',
    meta_keywords: [],
    meta_description: '',
    view_count: 0,
    preorder_release_date: null,
    preorder_message: '',
    is_preorder_only: false,
    is_price_hidden: false,
    price_hidden_label: '',
    open_graph_type: 'product',
    open_graph_title: '',
    open_graph_description: '',
    open_graph_use_meta_description: true,
    open_graph_use_product_name: true,
    open_graph_use_image: true,
    reviews_rating_sum: 0,
    reviews_count: 0,
    // products_catalog.v3.yml types these as string/integer, not nullable: left out when there is none.
    option_set_display: 'right',
    ...(base_variant_id ? { base_variant_id } : {}),
    date_created: isoOffset(createdAt),
    date_modified: isoOffset(modifiedAt),
  }
  const image = {
    id: product.id,
    product_id: product.id,
    is_thumbnail: true,
    sort_order: 0,
    description: '',
    image_file: `${product.id}.jpg`,
    url_zoom: image_url,
    url_standard: image_url,
    url_thumbnail: image_url,
    url_tiny: image_url,
    date_modified: isoOffset(modifiedAt),
  }
  if (include.has('variants')) out.variants = store.variantsOf(product.id).map(v3Variant)
  if (include.has('options')) out.options = options
  if (include.has('custom_fields')) out.custom_fields = custom_fields
  if (include.has('images')) out.images = [image]
  if (include.has('primary_image')) out.primary_image = image
  if (include.has('modifiers')) out.modifiers = []
  if (include.has('bulk_pricing_rules')) out.bulk_pricing_rules = []
  if (include.has('videos')) out.videos = []
  if (include.has('reviews')) out.reviews = []
  if (include.has('channels')) out.channels = [1]
  if (include.has('parent_relations')) out.parent_relations = []
  return out
}

export function v3Category(category: Category): Record<string, unknown> {
  return { ...category }
}

export function v3Brand(brand: Brand): Record<string, unknown> {
  return { ...brand }
}

export function v3Channel(channel: Channel, withCurrencies: boolean): Record<string, unknown> {
  const { createdAt, modifiedAt, currencies, site: _site, ...fields } = channel
  const out: Record<string, unknown> = {
    ...fields,
    is_enabled: channel.status === 'active' || channel.status === 'connected',
    date_created: isoSeconds(createdAt),
    date_modified: isoSeconds(modifiedAt),
  }
  if (withCurrencies) out.currencies = { channel_id: channel.id, ...currencies }
  return out
}

/** channels.v3.yml `Site`: dates RFC 3339, each URL with its type and dates. */
export function v3Site(site: Site): Record<string, unknown> {
  const { createdAt, modifiedAt, urls, ...fields } = site
  return {
    ...fields,
    urls: urls.map(({ createdAt: created, modifiedAt: modified, ...url }) => ({ ...url, created_at: isoSeconds(created), updated_at: isoSeconds(modified) })),
    created_at: isoSeconds(createdAt),
    updated_at: isoSeconds(modifiedAt),
  }
}

/** A channel's currency assignments (`CurrencyNotRequiredWithChannelId`). */
export function v3CurrencyAssignment(channel: Channel): Record<string, unknown> {
  return { channel_id: channel.id, ...channel.currencies }
}

export function v3Cart(store: BigCommerceStore, cart: Cart, include: ReadonlySet<string>): Record<string, unknown> {
  const { createdAt, modifiedAt, physical_items, token: _secret, ...fields } = cart
  const withOptions = include.has('line_items.physical_items.options')
  const out: Record<string, unknown> = {
    ...fields,
    line_items: {
      // carts.v3.yml types parent_id as a string: left out for an item without a parent.
      physical_items: physical_items.map(({ options, parent_id, ...item }) => ({
        ...item,
        ...(parent_id === null ? {} : { parent_id }),
        ...(withOptions ? { options } : {}),
      })),
      digital_items: [],
      gift_certificates: [],
      custom_items: [],
    },
    created_time: isoOffset(createdAt),
    updated_time: isoOffset(modifiedAt),
  }
  if (include.has('redirect_urls')) out.redirect_urls = store.redirectUrls(cart)
  return out
}

export function v3Hook(hook: Hook): Record<string, unknown> {
  const { createdAt, modifiedAt, status, ...fields } = hook
  return { ...fields, is_active: status === 'active', created_at: unixSeconds(createdAt), updated_at: unixSeconds(modifiedAt) }
}

export function v3AdminHook(hook: Hook): Record<string, unknown> {
  return { ...v3Hook(hook), status: hook.status }
}
