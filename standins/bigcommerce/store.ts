/**
 * The stand-in store: BigCommerce's state in memory and the mutations a merchant or shopper would make.
 * Every mutation returns the webhook events BigCommerce would emit for it (`{ scope, data }`), in the order
 * it would emit them; delivering them is the caller's choice (see webhooks.ts). Reads go through the REST
 * routes, or straight at the maps here in tests.
 *
 * Times: every mutation takes an optional `at` (epoch ms); otherwise the store's clock. Ids are sequential
 * per resource; tokens and UUIDs come from a seeded PRNG, so a store built the same way is the same store.
 */
import { createRandom, type Random } from '../shared/prng'
import { buildSite, checkChannelUpdate, checkNewChannel, siteOrigin } from './channels'
import { RedirectUrls } from './redirect-urls'
import { StoreError } from './errors'
import { allocate, minorUnitsOf, percentOf, roundMinor, sum, toDecimal, toNumber, toUnits, type Units } from './money'
import { BASE_CURRENCY, COUNTRIES, CURRENCIES, ORDER_STATUSES, paymentStatusFor } from './reference'
import { trackingFields } from './shipping'
import type {
  Address, BlockedDomain, Brand, Cart, CartItem, Category, Channel, ChannelStatus, ChannelType, Customer,
  CustomerAddress, Hook, Order, OrderCoupon, OrderProduct, OrderShippingAddress, OrderStatus, Product,
  ProductOption, Refund, RefundItemType, Shipment, Site, StoreEvent, Subscriber, SubscriberConsent, Transaction,
  Variant,
} from './types'

export type { StoreEvent } from './types'
export { StoreError } from './errors'

export interface StoreOptions {
  storeHash?: string
  clock?: () => number
  /** Seed for tokens and UUIDs (default 1). */
  seed?: number
  /** Start with a tiny catalog (products 1–3, categories, a brand) so tests can order product 1 (default true). */
  defaultCatalog?: boolean
  /** The default storefront's site URL (default `https://store-{hash}.mybigcommerce.com`). */
  siteUrl?: string
}

export interface Mutation<T> {
  events: StoreEvent[]
  value: T
}

export interface LineInput {
  productId: number
  variantId?: number
  quantity?: number
  /** Unit price ex tax in the order's currency; default: the variant's price converted from the base currency. */
  price?: number
}

export interface CouponInput {
  code: string
  /** 0 per_item, 1 percentage, 2 per_total (default), 3 shipping, 4 free_shipping, 5 promotion */
  type?: OrderCoupon['type']
  /** Percent for type 1, money for the others (default 10). */
  amount?: number
}

export interface OrderInput {
  id?: number
  /** 0 (default when no customer has the email): guest order. */
  customerId?: number
  email?: string
  billing?: Partial<Address>
  shipping?: Partial<Address>
  /** Default: one unit of product 1. */
  lines?: LineInput[]
  /** Default 11 Awaiting Fulfillment. */
  statusId?: number
  /** Transactional currency (default the store's, USD). */
  currency?: string
  /** Base → transactional rate (default from the store's currency table). */
  exchangeRate?: number
  /** Shipping ex tax (default 10). */
  shippingCost?: number
  handlingCost?: number
  /** Tax rate as a fraction (default 0.08). */
  taxRate?: number
  /** Non-coupon discount, `discount_amount`. */
  discount?: number
  coupons?: CouponInput[]
  channelId?: number
  /** Default 'www'. */
  orderSource?: string
  cartId?: string
  isEmailOptIn?: boolean
  externalSource?: string | null
  externalOrderId?: string
  customerMessage?: string
  staffNotes?: string
  paymentMethod?: string
  paymentProviderId?: string
  ipAddress?: string
  locale?: string
  at?: number
}

export interface CustomerInput {
  email: string
  firstName?: string
  lastName?: string
  phone?: string
  company?: string
  notes?: string
  customerGroupId?: number
  acceptsAbandonedCartEmails?: boolean
  originChannelId?: number
  channelIds?: number[]
  storeCredit?: number
  /** An address to store with the customer; false for none. Default: one US address. */
  address?: Partial<Omit<CustomerAddress, 'id' | 'customer_id'>> | false
  at?: number
}

export interface ProductInput {
  id?: number
  name: string
  price: number
  sku?: string
  description?: string
  type?: Product['type']
  categories?: number[]
  brandId?: number
  costPrice?: number
  retailPrice?: number
  salePrice?: number
  weight?: number
  isVisible?: boolean
  inventoryLevel?: number
  /** Variant options; variants are their cartesian product. `priceAdjust` adds to the product price. */
  options?: { displayName: string; values: (string | { label: string; priceAdjust?: number })[] }[]
  customFields?: { name: string; value: string }[]
  at?: number
}

export interface CartInput {
  customerId?: number
  email?: string
  channelId?: number
  currency?: string
  locale?: string
  lines: LineInput[]
  at?: number
}

export interface CartPatch {
  email?: string
  customerId?: number
  /** Replaces the line items; an empty list deletes the cart, as BigCommerce does. */
  lines?: LineInput[]
  at?: number
}

export interface RefundInput {
  /** An order-level refund of this much (order currency). */
  amount?: number
  /** Refund these order products (quantities); the amount is their discounted, tax-inclusive price. */
  items?: { orderProductId: number; quantity: number }[]
  reason?: string
  at?: number
}

export interface HookInput {
  scope: string
  destination: string
  headers?: Record<string, string> | null
  isActive?: boolean
  clientId?: string
  at?: number
}

const DEFAULT_ADDRESS: Omit<Address, 'email' | 'first_name' | 'last_name'> = {
  company: '',
  street_1: '555 East Street',
  street_2: '',
  city: 'Austin',
  state: 'Texas',
  zip: '78108',
  country: 'United States',
  country_iso2: 'US',
  phone: '',
}


/** The entry for `id`, or a StoreError naming what does not exist (and how to get it, where that helps). */
function required<K, V>(map: ReadonlyMap<K, V>, id: K, what: string, hint = ''): V {
  const value = map.get(id)
  if (value === undefined) throw new StoreError(`${what} ${id} does not exist${hint}`)
  return value
}

/** First id of each resource (orders start at 100, as on a fresh BigCommerce store). */
const FIRST_IDS = {
  customer: 1, address: 1, subscriber: 1, order: 100, orderProduct: 1, orderAddress: 1, orderCoupon: 1,
  shipment: 1, refund: 1, refundPayment: 1, transaction: 1, product: 1, variant: 1, sku: 1, option: 1,
  optionValue: 1, customField: 1, category: 1, brand: 1, channel: 1, hook: 1, coupon: 1, site: 1000,
}

export class BigCommerceStore {
  readonly storeHash: string
  readonly baseCurrency = BASE_CURRENCY
  clock: () => number

  readonly customers = new Map<number, Customer>()
  /** By customer id. */
  readonly customerAddresses = new Map<number, CustomerAddress[]>()
  readonly subscribers = new Map<number, Subscriber>()
  readonly orders = new Map<number, Order>()
  /** By order id. */
  readonly orderProducts = new Map<number, OrderProduct[]>()
  readonly orderShippingAddresses = new Map<number, OrderShippingAddress[]>()
  readonly orderCoupons = new Map<number, OrderCoupon[]>()
  readonly shipments = new Map<number, Shipment[]>()
  readonly orderRefunds = new Map<number, Refund[]>()
  readonly transactions = new Map<number, Transaction[]>()
  /** By refund id. */
  readonly refunds = new Map<number, Refund>()
  readonly carts = new Map<string, Cart>()
  /** Abandoned-cart token → cart id. */
  readonly abandonedCartTokens = new Map<string, string>()
  readonly products = new Map<number, Product>()
  /** By variant id. */
  readonly variants = new Map<number, Variant>()
  readonly categories = new Map<number, Category>()
  readonly brands = new Map<number, Brand>()
  readonly channels = new Map<number, Channel>()
  readonly hooks = new Map<number, Hook>()
  readonly orderStatuses: OrderStatus[] = ORDER_STATUSES.map((s) => ({ ...s }))
  readonly hookAdmin: { emails: string[]; blockedDomains: BlockedDomain[] } = { emails: [], blockedDomains: [] }
  /** Events the API's own writes caused (the webhooks BigCommerce would send): tests and the demo deliver them. */
  readonly apiEvents: StoreEvent[] = []

  private readonly random: Random
  /** Redirect URLs issued, each usable once. */
  readonly redirects: RedirectUrls
  /** Normalized email → customer ids: with Multi-Storefront one email may be an account on each channel. */
  private readonly emailIndex = new Map<string, number[]>()
  /** Cart id → its channel, kept after the cart is gone (channel-scoped webhooks of a deleted cart). */
  private readonly cartChannels = new Map<string, number>()
  private readonly subscriberEmailIndex = new Map<string, number>()
  private readonly couponIds = new Map<string, number>()
  private readonly next = { ...FIRST_IDS }

  constructor(options: StoreOptions = {}) {
    this.storeHash = options.storeHash ?? 'teststore'
    this.clock = options.clock ?? (() => Date.now())
    this.random = createRandom(options.seed ?? 1)
    // A stream of its own: issuing links (an API read) must not shift the store's other tokens and UUIDs.
    const tokens = createRandom((options.seed ?? 1) + 7919)
    this.redirects = new RedirectUrls(() => tokens.hex(64), this.clock)
    const at = this.clock()
    this.createChannel({
      name: 'Default Storefront', type: 'storefront', platform: 'bigcommerce', at,
      siteUrl: options.siteUrl ?? `https://store-${this.storeHash}.mybigcommerce.com`,
    })
    if (options.defaultCatalog !== false) this.createDefaultCatalog(at)
  }

  // ---------------------------------------------------------------- lookups

  statusName(statusId: number): string {
    return this.orderStatuses.find((s) => s.id === statusId)?.name ?? 'Unknown'
  }

  /** The account of `email` on `channelId` (default: the first account of that email). */
  customerByEmail(email: string, channelId?: number): Customer | undefined {
    const accounts = this.customersByEmail(email)
    return channelId === undefined ? accounts[0] : accounts.find((c) => c.channel_ids.includes(channelId))
  }

  /** Every account of `email`, one per channel group, oldest first. */
  customersByEmail(email: string): Customer[] {
    return (this.emailIndex.get(email.trim().toLowerCase()) ?? []).map((id) => this.customers.get(id)!)
  }

  /** The channel a cart belongs (or belonged) to. */
  cartChannel(cartId: string): number | undefined {
    return this.cartChannels.get(cartId)
  }

  subscriberByEmail(email: string): Subscriber | undefined {
    const id = this.subscriberEmailIndex.get(email.trim().toLowerCase())
    return id === undefined ? undefined : this.subscribers.get(id)
  }

  variantsOf(productId: number): Variant[] {
    const product = this.requireProduct(productId)
    return [...this.variants.values()].filter((v) => v.product_id === product.id)
  }

  /**
   * Cart recovery URLs (`include=redirect_urls`, `POST .../redirect_urls`): fresh and single-use each time, on the
   * site of the cart's channel; the checkout on the site's own checkout domain, else the default channel's primary
   * URL (channels.v3.yml `is_checkout_url_customized`).
   */
  redirectUrls(cart: Cart): { cart_url: string; checkout_url: string; embedded_checkout_url: string } {
    const site = this.channels.get(cart.channel_id)?.site ?? this.channels.get(1)?.site
    const storefront = site ? siteOrigin(site) : `https://store-${this.storeHash}.mybigcommerce.com`
    const customCheckout = site?.urls.find((u) => u.type === 'checkout')?.url
    const defaultSite = this.channels.get(1)?.site
    const checkout = customCheckout ? new URL(customCheckout).origin : defaultSite ? siteOrigin(defaultSite) : storefront
    return this.redirects.issue(cart.id, { cart: `${storefront}/cart.php`, checkout: `${checkout}/cart.php` })
  }

  /** Total refunded so far on an order, in units of its currency. */
  refundedUnits(orderId: number): Units {
    return sum((this.orderRefunds.get(orderId) ?? []).map((r) => r.amountUnits))
  }

  // ---------------------------------------------------------------- channels

  /**
   * A channel, refused as BigCommerce refuses it (an invalid type/platform pair or status, a duplicate name);
   * a storefront given `siteUrl` gets its site. `currencies` are the enabled ones, the first the default.
   */
  createChannel(input: {
    name: string; type: ChannelType; platform: string; status?: ChannelStatus; id?: number; currencies?: string[]
    siteUrl?: string; checkoutUrl?: string; at?: number
  }): Mutation<Channel> {
    const at = input.at ?? this.clock()
    const status = input.status ?? (input.type === 'storefront' ? 'active' : 'connected')
    checkNewChannel({ ...input, status }, this.channels.values())
    const currencies = input.currencies ?? [BASE_CURRENCY]
    for (const code of currencies) if (!CURRENCIES[code]) throw new StoreError(`unknown currency ${code}`)
    const id = this.takeId('channel', input.id)
    const channel: Channel = {
      id,
      external_id: '',
      is_listable_from_ui: input.type !== 'storefront',
      is_visible: true,
      status,
      name: input.name,
      type: input.type,
      platform: input.platform,
      icon_url: '',
      currencies: { enabled_currencies: currencies, default_currency: currencies[0]! },
      site: null,
      createdAt: at,
      modifiedAt: at,
    }
    if (input.siteUrl !== undefined) channel.site = buildSite(this.next.site++, channel, input.siteUrl, at, input.checkoutUrl)
    this.channels.set(id, channel)
    return { value: channel, events: [{ scope: 'store/channel/created', data: { type: 'channel', id } }] }
  }

  /** Renames a channel or changes its status (`store/channel/updated`); deleted and terminated ones are refused. */
  updateChannel(id: number, patch: { name?: string; status?: ChannelStatus; at?: number }): Mutation<Channel> {
    const channel = this.requireChannel(id)
    checkChannelUpdate(channel, patch.status)
    if (patch.name !== undefined) channel.name = patch.name
    if (patch.status !== undefined) channel.status = patch.status
    channel.modifiedAt = patch.at ?? this.clock()
    return { value: channel, events: [{ scope: 'store/channel/updated', data: { type: 'channel', id } }] }
  }

  /** Creates or replaces a storefront's site (`store/channel/{id}/settings/site/updated`, `data: {site_id}`). */
  setChannelSite(channelId: number, url: string, options: { checkoutUrl?: string; at?: number } = {}): Mutation<Site> {
    const channel = this.requireChannel(channelId)
    const at = options.at ?? this.clock()
    const site = buildSite(channel.site?.id ?? this.next.site++, channel, url, at, options.checkoutUrl)
    if (channel.site) site.createdAt = channel.site.createdAt
    channel.site = site
    return { value: site, events: [{ scope: `store/channel/${channelId}/settings/site/updated`, data: { site_id: site.id } }] }
  }

  // ---------------------------------------------------------------- catalog

  createCategory(input: { name: string; parentId?: number; description?: string; id?: number; at?: number }):
    Mutation<Category> {
    const id = this.takeId('category', input.id)
    const slug = slugify(input.name)
    const category: Category = {
      id,
      parent_id: input.parentId ?? 0,
      name: input.name,
      description: input.description ?? `<p>${input.name}</p>`,
      views: 0,
      sort_order: id,
      page_title: input.name,
      search_keywords: '',
      meta_keywords: [],
      meta_description: '',
      layout_file: 'category.html',
      is_visible: true,
      default_product_sort: 'use_store_settings',
      image_url: '',
      custom_url: { url: `/${slug}/`, is_customized: false },
    }
    this.categories.set(id, category)
    return { value: category, events: [{ scope: 'store/category/created', data: { type: 'category', id } }] }
  }

  /** Brands have no webhook scope of their own. */
  createBrand(input: { name: string; id?: number }): Mutation<Brand> {
    const id = this.takeId('brand', input.id)
    const brand: Brand = {
      id,
      name: input.name,
      page_title: input.name,
      meta_keywords: [],
      meta_description: '',
      search_keywords: '',
      image_url: '',
      custom_url: { url: `/brands/${slugify(input.name)}.html`, is_customized: false },
    }
    this.brands.set(id, brand)
    return { value: brand, events: [] }
  }

  createProduct(input: ProductInput): Mutation<{ product: Product; variants: Variant[] }> {
    const at = input.at ?? this.clock()
    const id = this.takeId('product', input.id)
    for (const categoryId of input.categories ?? []) this.requireCategory(categoryId)
    if (input.brandId) this.requireBrand(input.brandId)
    const sku = input.sku ?? `SKU-${id}`
    const options: ProductOption[] = (input.options ?? []).map((option, index) => {
      const optionId = this.next.option++
      return {
        id: optionId,
        product_id: id,
        name: `${option.displayName}-${id}`,
        display_name: option.displayName,
        type: 'rectangles',
        sort_order: index,
        option_values: option.values.map((value, i) => ({
          id: this.next.optionValue++,
          label: typeof value === 'string' ? value : value.label,
          sort_order: i,
          is_default: false,
          value_data: null,
        })),
      }
    })
    const adjustOf = (optionIndex: number, valueIndex: number): number => {
      const value = input.options![optionIndex]!.values[valueIndex]!
      return typeof value === 'string' ? 0 : (value.priceAdjust ?? 0)
    }
    const price = input.salePrice ?? input.price
    const product: Product = {
      id,
      name: input.name,
      type: input.type ?? 'physical',
      sku,
      description: input.description ?? `<p>${input.name}</p>`,
      weight: input.weight ?? 1,
      price: input.price,
      cost_price: input.costPrice ?? Math.round(input.price * 45) / 100,
      retail_price: input.retailPrice ?? 0,
      sale_price: input.salePrice ?? 0,
      calculated_price: price,
      categories: input.categories ?? [],
      brand_id: input.brandId ?? 0,
      inventory_level: input.inventoryLevel ?? 0,
      inventory_tracking: options.length ? 'variant' : 'none',
      is_visible: input.isVisible ?? true,
      is_featured: false,
      availability: 'available',
      condition: 'New',
      upc: '',
      mpn: '',
      gtin: '',
      custom_url: { url: `/${slugify(input.name)}/`, is_customized: false },
      total_sold: 0,
      base_variant_id: 0,
      options,
      custom_fields: (input.customFields ?? []).map((f) => ({ id: this.next.customField++, ...f })),
      image_url: `https://cdn11.bigcommerce.com/s-${this.storeHash}/images/stencil/original/products/${id}/${id}.jpg`,
      createdAt: at,
      modifiedAt: at,
    }
    this.products.set(id, product)

    const variants: Variant[] = []
    const events: StoreEvent[] = [{ scope: 'store/product/created', data: { type: 'product', id } }]
    const combos = cartesian(options.map((o) => o.option_values.map((_, i) => i)))
    for (const combo of combos) {
      const variantId = this.next.variant++
      const adjust = combo.reduce((total, valueIndex, optionIndex) => total + adjustOf(optionIndex, valueIndex), 0)
      const labels = combo.map((valueIndex, optionIndex) => options[optionIndex]!.option_values[valueIndex]!.label)
      const hasOptions = combo.length > 0
      const variant: Variant = {
        id: variantId,
        product_id: id,
        sku: hasOptions ? `${sku}-${labels.map((l) => l.toUpperCase().replace(/\W+/g, '')).join('-')}` : sku,
        sku_id: hasOptions ? this.next.sku++ : null,
        price: adjust ? Math.round((input.price + adjust) * 100) / 100 : null,
        sale_price: null,
        retail_price: null,
        cost_price: product.cost_price,
        calculated_price: Math.round((price + adjust) * 100) / 100,
        weight: null,
        calculated_weight: product.weight,
        upc: '',
        mpn: '',
        gtin: '',
        inventory_level: product.inventory_level,
        inventory_warning_level: 0,
        purchasing_disabled: false,
        purchasing_disabled_message: '',
        image_url: '',
        option_values: combo.map((valueIndex, optionIndex) => ({
          id: options[optionIndex]!.option_values[valueIndex]!.id,
          label: options[optionIndex]!.option_values[valueIndex]!.label,
          option_id: options[optionIndex]!.id,
          option_display_name: options[optionIndex]!.display_name,
        })),
      }
      this.variants.set(variantId, variant)
      variants.push(variant)
      if (variant.sku_id !== null) {
        events.push({ scope: 'store/sku/created', data: { type: 'sku', id: variant.sku_id, sku: { product_id: id, variant_id: variantId } } })
      }
    }
    // BigCommerce gives only simple products a base variant id.
    product.base_variant_id = options.length ? 0 : variants[0]!.id
    return { value: { product, variants }, events }
  }

  updateProduct(
    id: number,
    patch: Partial<Pick<Product, 'name' | 'price' | 'description' | 'categories' | 'brand_id' | 'is_visible' | 'sale_price'>> & { at?: number },
  ): Mutation<Product> {
    const product = this.requireProduct(id)
    const { at, ...fields } = patch
    Object.assign(product, fields)
    if (fields.price !== undefined || fields.sale_price !== undefined) {
      product.calculated_price = product.sale_price || product.price
      for (const variant of this.variantsOf(id)) {
        if (variant.price === null) variant.calculated_price = product.calculated_price
      }
    }
    product.modifiedAt = at ?? this.clock()
    return { value: product, events: [{ scope: 'store/product/updated', data: { type: 'product', id } }] }
  }

  updateVariant(variantId: number, patch: { price?: number | null; inventoryLevel?: number; at?: number }): Mutation<Variant> {
    const variant = this.requireVariant(variantId)
    const product = this.requireProduct(variant.product_id)
    if (patch.price !== undefined) {
      variant.price = patch.price
      variant.calculated_price = patch.price ?? product.calculated_price
    }
    if (patch.inventoryLevel !== undefined) variant.inventory_level = patch.inventoryLevel
    product.modifiedAt = patch.at ?? this.clock()
    const events: StoreEvent[] = variant.sku_id === null
      ? [{ scope: 'store/product/updated', data: { type: 'product', id: product.id } }]
      : [{ scope: 'store/sku/updated', data: { type: 'sku', id: variant.sku_id, sku: { product_id: product.id, variant_id: variant.id } } }]
    return { value: variant, events }
  }

  deleteProduct(id: number): Mutation<Product> {
    const product = this.requireProduct(id)
    for (const variant of this.variantsOf(id)) this.variants.delete(variant.id)
    this.products.delete(id)
    return { value: product, events: [{ scope: 'store/product/deleted', data: { type: 'product', id } }] }
  }

  // ---------------------------------------------------------------- customers & subscribers

  /**
   * A customer account. With Multi-Storefront an account belongs to channels (`channel_ids`, default its origin
   * channel): the same email may be another account on other channels, but never two accounts sharing one.
   */
  createCustomer(input: CustomerInput): Mutation<Customer> {
    const email = input.email.trim()
    const originChannelId = input.originChannelId ?? 1
    const channelIds = input.channelIds ?? [originChannelId]
    if (channelIds.length === 0) throw new StoreError('channel_ids cannot be empty')
    for (const channelId of [originChannelId, ...channelIds]) this.requireChannel(channelId)
    this.checkEmailFree(email, channelIds)
    const at = input.at ?? this.clock()
    const id = this.next.customer++
    const [firstName, lastName] = namesFromEmail(email)
    const customer: Customer = {
      id,
      email,
      first_name: input.firstName ?? firstName,
      last_name: input.lastName ?? lastName,
      company: input.company ?? '',
      phone: input.phone ?? '',
      notes: input.notes ?? '',
      tax_exempt_category: '',
      customer_group_id: input.customerGroupId ?? 0,
      registration_ip_address: '',
      accepts_product_review_abandoned_cart_emails: input.acceptsAbandonedCartEmails ?? false,
      origin_channel_id: originChannelId,
      channel_ids: [...channelIds],
      store_credit: input.storeCredit ?? 0,
      createdAt: at,
      modifiedAt: at,
    }
    this.customers.set(id, customer)
    this.indexEmail(email, id)
    this.customerAddresses.set(id, [])
    if (input.address !== false) this.storeAddress(customer, input.address ?? {})
    return {
      value: customer,
      events: [{
        scope: 'store/customer/created',
        data: { type: 'customer', id, origin_channel_id: customer.origin_channel_id, channel_ids: customer.channel_ids },
      }],
    }
  }

  updateCustomer(
    id: number,
    patch: Partial<Pick<Customer, 'email' | 'first_name' | 'last_name' | 'phone' | 'company' | 'notes' |
      'customer_group_id' | 'accepts_product_review_abandoned_cart_emails'>> & { at?: number },
  ): Mutation<Customer> {
    const customer = this.requireCustomer(id)
    const { at, ...fields } = patch
    if (fields.email !== undefined) {
      this.checkEmailFree(fields.email, customer.channel_ids, id)
      this.unindexEmail(customer.email, id)
      this.indexEmail(fields.email, id)
    }
    Object.assign(customer, fields)
    customer.modifiedAt = at ?? this.clock()
    return { value: customer, events: [{ scope: 'store/customer/updated', data: { type: 'customer', id } }] }
  }

  /** BigCommerce refuses an email already used by an account with access to one of the same channels. */
  private checkEmailFree(email: string, channelIds: number[], self?: number): void {
    const clash = this.customersByEmail(email).find((c) => c.id !== self && c.channel_ids.some((ch) => channelIds.includes(ch)))
    if (clash) throw new StoreError(`a customer with email ${email.trim()} already exists on channel ${clash.channel_ids.find((ch) => channelIds.includes(ch))}`)
  }

  private indexEmail(email: string, id: number): void {
    const key = email.trim().toLowerCase()
    this.emailIndex.set(key, [...(this.emailIndex.get(key) ?? []), id])
  }

  private unindexEmail(email: string, id: number): void {
    const key = email.trim().toLowerCase()
    const ids = (this.emailIndex.get(key) ?? []).filter((other) => other !== id)
    if (ids.length) this.emailIndex.set(key, ids)
    else this.emailIndex.delete(key)
  }

  /** Address changes do not fire `store/customer/updated`, only the address scope. */
  addCustomerAddress(customerId: number, address: Partial<Omit<CustomerAddress, 'id' | 'customer_id'>> = {},
    at?: number): Mutation<CustomerAddress> {
    const customer = this.requireCustomer(customerId)
    const stored = this.storeAddress(customer, address)
    customer.modifiedAt = at ?? this.clock()
    return { value: stored, events: [addressEvent('created', stored)] }
  }

  /** Changes a saved address; like its creation, only `store/customer/address/updated` fires. */
  updateCustomerAddress(addressId: number, patch: Partial<Omit<CustomerAddress, 'id' | 'customer_id'>>, at?: number): Mutation<CustomerAddress> {
    const { customer, address } = this.requireAddress(addressId)
    Object.assign(address, patch)
    customer.modifiedAt = at ?? this.clock()
    return { value: address, events: [addressEvent('updated', address)] }
  }

  deleteCustomerAddress(addressId: number, at?: number): Mutation<CustomerAddress> {
    const { customer, address } = this.requireAddress(addressId)
    const list = this.customerAddresses.get(customer.id)!
    list.splice(list.indexOf(address), 1)
    customer.modifiedAt = at ?? this.clock()
    return { value: address, events: [addressEvent('deleted', address)] }
  }

  private requireAddress(addressId: number): { customer: Customer; address: CustomerAddress } {
    for (const [customerId, list] of this.customerAddresses) {
      const address = list.find((a) => a.id === addressId)
      if (address) return { customer: this.requireCustomer(customerId), address }
    }
    throw new StoreError(`customer address ${addressId} does not exist`)
  }

  deleteCustomer(id: number): Mutation<Customer> {
    const customer = this.requireCustomer(id)
    this.customers.delete(id)
    this.customerAddresses.delete(id)
    this.unindexEmail(customer.email, id)
    return { value: customer, events: [{ scope: 'store/customer/deleted', data: { type: 'customer', id } }] }
  }

  /** Creates or replaces the subscriber for `email`; empty consents means unsubscribed. */
  upsertSubscriber(email: string, consents: SubscriberConsent[], options: {
    firstName?: string; lastName?: string; source?: string; orderId?: number | null; channelId?: number; at?: number
  } = {}): Mutation<Subscriber> {
    const at = options.at ?? this.clock()
    const existing = this.subscriberByEmail(email)
    if (existing) {
      existing.consents = [...consents]
      if (options.firstName !== undefined) existing.first_name = options.firstName
      if (options.lastName !== undefined) existing.last_name = options.lastName
      existing.modifiedAt = at
      return { value: existing, events: [{ scope: 'store/subscriber/updated', data: { type: 'subscriber', id: existing.id } }] }
    }
    const id = this.next.subscriber++
    const [firstName, lastName] = namesFromEmail(email)
    const subscriber: Subscriber = {
      id,
      email: email.trim(),
      first_name: options.firstName ?? firstName,
      last_name: options.lastName ?? lastName,
      source: options.source ?? 'storefront',
      order_id: options.orderId ?? null,
      channel_id: options.channelId ?? 1,
      consents: [...consents],
      createdAt: at,
      modifiedAt: at,
    }
    this.subscribers.set(id, subscriber)
    this.subscriberEmailIndex.set(subscriber.email.toLowerCase(), id)
    return { value: subscriber, events: [{ scope: 'store/subscriber/created', data: { type: 'subscriber', id } }] }
  }

  /** Changes a subscriber record (`PUT /v3/customers/subscribers/{id}`); the email stays unique. */
  updateSubscriber(id: number, patch: Partial<Pick<Subscriber, 'email' | 'first_name' | 'last_name' | 'consents'>>, at?: number): Mutation<Subscriber> {
    const subscriber = this.subscribers.get(id)
    if (!subscriber) throw new StoreError(`subscriber ${id} does not exist`)
    if (patch.email !== undefined) {
      const other = this.subscriberByEmail(patch.email)
      if (other && other.id !== id) throw new StoreError(`a subscriber with email ${patch.email} already exists`)
      this.subscriberEmailIndex.delete(subscriber.email.toLowerCase())
      this.subscriberEmailIndex.set(patch.email.trim().toLowerCase(), id)
    }
    Object.assign(subscriber, patch)
    subscriber.modifiedAt = at ?? this.clock()
    return { value: subscriber, events: [{ scope: 'store/subscriber/updated', data: { type: 'subscriber', id } }] }
  }

  deleteSubscriber(id: number): Mutation<Subscriber> {
    const subscriber = this.subscribers.get(id)
    if (!subscriber) throw new StoreError(`subscriber ${id} does not exist`)
    this.subscribers.delete(id)
    this.subscriberEmailIndex.delete(subscriber.email.toLowerCase())
    return { value: subscriber, events: [{ scope: 'store/subscriber/deleted', data: { type: 'subscriber', id } }] }
  }

  // ---------------------------------------------------------------- orders

  /**
   * Creates an order with consistent money: line taxes on discounted amounts, and
   * total_ex_tax = subtotal_ex_tax + shipping + handling − discount_amount − coupon_discount,
   * total_inc_tax = total_ex_tax + total_tax. Emits `store/order/created` (and, when the shopper ticked the
   * newsletter box, `store/subscriber/*` as BigCommerce records the opt-in as a subscriber with source "order").
   */
  createOrder(input: OrderInput = {}): Mutation<Order> {
    const at = input.at ?? this.clock()
    const currency = input.currency ?? BASE_CURRENCY
    const currencyInfo = CURRENCIES[currency]
    if (!currencyInfo && input.exchangeRate === undefined) throw new StoreError(`unknown currency ${currency}`)
    const rate = input.exchangeRate ?? currencyInfo!.fromBase
    // Amounts in whole minor units of the order's currency: cents, fils (KWD), yen.
    const minorStep = 10 ** (4 - minorUnitsOf(currency))
    const round = (units: Units) => roundMinor(units, minorUnitsOf(currency))
    const customer = input.customerId ? this.requireCustomer(input.customerId)
      : input.customerId === 0 ? undefined : (input.email ? this.customerByEmail(input.email, input.channelId ?? 1) : undefined)
    const email = input.email ?? customer?.email ?? 'guest@example.com'
    const id = this.takeId('order', input.id)
    const taxRate = input.taxRate ?? 0.08
    const statusId = input.statusId ?? 11

    const [firstName, lastName] = customer ? [customer.first_name, customer.last_name] : namesFromEmail(email)
    // Checkout offers a customer's saved address first.
    const saved = customer ? this.customerAddresses.get(customer.id)?.[0] : undefined
    const billing: Address = {
      ...DEFAULT_ADDRESS, first_name: firstName, last_name: lastName, phone: customer?.phone ?? '', email,
      ...(saved ? orderAddressOf(saved) : {}),
      ...input.billing,
    }
    const shippingTo: Address = { ...billing, ...input.shipping }
    const orderAddressId = this.next.orderAddress++

    // Lines, before discounts.
    const lines = (input.lines ?? [{ productId: 1 }]).map((line) => {
      const product = this.requireProduct(line.productId)
      const variant = line.variantId !== undefined ? this.requireVariant(line.variantId)
        : this.variantsOf(product.id)[0]!
      if (variant.product_id !== product.id) throw new StoreError(`variant ${variant.id} is not a variant of product ${product.id}`)
      const quantity = line.quantity ?? 1
      const unit = round(toUnits(line.price ?? variant.calculated_price * rate))
      return { product, variant, quantity, unit, totalEx: unit * quantity }
    })
    const subtotalEx = sum(lines.map((l) => l.totalEx))
    const shippingEx = toUnits(input.shippingCost ?? 10)
    const handlingEx = toUnits(input.handlingCost ?? 0)

    // Coupons, then other discounts, never more than the subtotal.
    let remaining = subtotalEx
    const coupons: OrderCoupon[] = (input.coupons ?? []).map((c) => {
      const type = c.type ?? 2
      const amount = c.amount ?? 10
      const itemCount = sum(lines.map((l) => l.quantity))
      let discount = type === 1 ? round(percentOf(subtotalEx, amount / 100))
        : type === 0 ? toUnits(amount) * itemCount
        : type === 3 || type === 4 ? shippingEx
        : toUnits(amount)
      discount = Math.min(discount, remaining)
      remaining -= discount
      let couponId = this.couponIds.get(c.code)
      if (couponId === undefined) this.couponIds.set(c.code, (couponId = this.next.coupon++))
      return { id: this.next.orderCoupon++, coupon_id: couponId, order_id: id, code: c.code, amount, type, discount: toNumber(discount) }
    })
    const couponUnits = sum(coupons.map((c) => toUnits(c.discount)))
    const discountUnits = Math.min(toUnits(input.discount ?? 0), remaining)
    // Shares in whole minor units, so every line amount stays one.
    const shareOf = (units: Units) => allocate(units / minorStep, lines.map((l) => l.totalEx)).map((c) => c * minorStep)
    const couponShares = shareOf(couponUnits)
    const discountShares = shareOf(discountUnits)

    const products: OrderProduct[] = lines.map((line, i) => {
      const lineDiscount = couponShares[i]! + discountShares[i]!
      const lineTax = round(percentOf(line.totalEx - lineDiscount, taxRate))
      const unitTax = round(percentOf(line.unit, taxRate))
      const costEx = round(toUnits(line.product.cost_price * rate))
      const orderProductId = this.next.orderProduct++
      const brand = line.product.brand_id ? this.brands.get(line.product.brand_id)?.name ?? '' : ''
      const appliedDiscounts = [
        ...(couponShares[i] ? [{ id: 'total-coupon', amount: toDecimal(couponShares[i]!), name: coupons.map((c) => c.code).join(', '), code: coupons[0]?.code ?? null, target: 'order' as const }] : []),
        ...(discountShares[i] ? [{ id: 'manual-discount', amount: toDecimal(discountShares[i]!), name: 'Manual Discount', code: null, target: 'order' as const }] : []),
      ]
      return {
        id: orderProductId,
        order_id: id,
        product_id: line.product.id,
        variant_id: line.variant.id,
        order_address_id: orderAddressId,
        name: line.product.name,
        name_customer: line.product.name,
        name_merchant: line.product.name,
        sku: line.variant.sku,
        upc: line.variant.upc,
        type: line.product.type,
        base_price: toDecimal(line.unit),
        price_ex_tax: toDecimal(line.unit),
        price_inc_tax: toDecimal(line.unit + unitTax),
        price_tax: toDecimal(unitTax),
        base_total: toDecimal(line.totalEx),
        total_ex_tax: toDecimal(line.totalEx),
        total_inc_tax: toDecimal(line.totalEx + lineTax),
        total_tax: toDecimal(lineTax),
        quantity: line.quantity,
        base_cost_price: toDecimal(costEx),
        cost_price_inc_tax: toDecimal(costEx),
        cost_price_ex_tax: toDecimal(costEx),
        cost_price_tax: toDecimal(0),
        weight: line.variant.calculated_weight,
        is_refunded: false,
        quantity_refunded: 0,
        refund_amount: toDecimal(0),
        return_id: 0,
        quantity_shipped: 0,
        brand,
        applied_discounts: appliedDiscounts,
        product_options: line.variant.option_values.map((ov, j) => ({
          id: orderProductId * 10 + j,
          option_id: ov.option_id,
          order_product_id: orderProductId,
          product_option_id: ov.option_id,
          display_name: ov.option_display_name,
          display_value: ov.label,
          value: String(ov.id),
          type: 'Multiple choice',
          name: ov.option_display_name,
          display_style: 'Rectangle',
          display_name_customer: ov.option_display_name,
          display_name_merchant: ov.option_display_name,
          display_value_customer: ov.label,
          display_value_merchant: ov.label,
        })),
        discounted_total_inc_tax: toDecimal(line.totalEx - lineDiscount + lineTax),
        lineDiscountUnits: lineDiscount,
      }
    })
    for (const line of lines) line.product.total_sold += line.quantity

    const subtotalTax = sum(products.map((p) => toUnits(p.total_tax)))
    const shippingTax = round(percentOf(shippingEx, taxRate))
    const handlingTax = round(percentOf(handlingEx, taxRate))
    const totalEx = subtotalEx + shippingEx + handlingEx - discountUnits - couponUnits
    const totalTax = subtotalTax + shippingTax + handlingTax
    const channelId = input.channelId ?? 1
    this.requireChannel(channelId)

    const order: Order = {
      id,
      customer_id: customer?.id ?? 0,
      status_id: statusId,
      subtotal_ex_tax: toDecimal(subtotalEx),
      subtotal_inc_tax: toDecimal(subtotalEx + subtotalTax),
      subtotal_tax: toDecimal(subtotalTax),
      base_shipping_cost: toDecimal(shippingEx),
      shipping_cost_ex_tax: toDecimal(shippingEx),
      shipping_cost_inc_tax: toDecimal(shippingEx + shippingTax),
      shipping_cost_tax: toDecimal(shippingTax),
      shipping_cost_tax_class_id: 2,
      base_handling_cost: toDecimal(handlingEx),
      handling_cost_ex_tax: toDecimal(handlingEx),
      handling_cost_inc_tax: toDecimal(handlingEx + handlingTax),
      handling_cost_tax: toDecimal(handlingTax),
      handling_cost_tax_class_id: 2,
      base_wrapping_cost: toDecimal(0),
      wrapping_cost_ex_tax: toDecimal(0),
      wrapping_cost_inc_tax: toDecimal(0),
      wrapping_cost_tax: toDecimal(0),
      wrapping_cost_tax_class_id: 3,
      total_ex_tax: toDecimal(totalEx),
      total_inc_tax: toDecimal(totalEx + totalTax),
      total_tax: toDecimal(totalTax),
      is_tax_inclusive_pricing: false,
      items_total: sum(lines.map((l) => l.quantity)),
      items_shipped: 0,
      payment_method: input.paymentMethod ?? (statusId === 0 ? '' : 'Credit Card'),
      payment_provider_id: input.paymentProviderId ?? (statusId === 0 ? '' : `pi_${this.random.hex(24)}`),
      payment_status: paymentStatusFor(statusId),
      // Documented as always 0: consumers must sum the v3 refunds.
      refunded_amount: toDecimal(0),
      order_is_digital: lines.every((l) => l.product.type === 'digital'),
      store_credit_amount: toDecimal(0),
      gift_certificate_amount: toDecimal(0),
      ip_address: input.ipAddress ?? '',
      ip_address_v6: '',
      geoip_country: billing.country,
      geoip_country_iso2: billing.country_iso2,
      currency_id: currencyInfo?.id ?? 1,
      currency_code: currency,
      currency_exchange_rate: '1.0000000000',
      default_currency_id: currencyInfo?.id ?? 1,
      default_currency_code: currency,
      store_default_currency_code: BASE_CURRENCY,
      store_default_to_transactional_exchange_rate: rate.toFixed(10),
      staff_notes: input.staffNotes ?? '',
      customer_message: input.customerMessage ?? '',
      discount_amount: toDecimal(discountUnits),
      coupon_discount: toDecimal(couponUnits),
      shipping_address_count: 1,
      is_deleted: false,
      ebay_order_id: '0',
      cart_id: input.cartId ?? '',
      billing_address: { ...billing, form_fields: [] },
      is_email_opt_in: input.isEmailOptIn ?? false,
      credit_card_type: null,
      order_source: input.orderSource ?? 'www',
      channel_id: channelId,
      external_source: input.externalSource ?? null,
      external_id: null,
      external_merchant_id: null,
      external_order_id: input.externalOrderId ?? '',
      tax_provider_id: 'BasicTaxProvider',
      customer_locale: input.locale ?? 'en',
      createdAt: at,
      modifiedAt: at,
      shippedAt: null,
    }
    this.orders.set(id, order)
    this.orderProducts.set(id, products)
    this.orderCoupons.set(id, coupons)
    this.orderShippingAddresses.set(id, [{
      ...shippingTo,
      id: orderAddressId,
      order_id: id,
      items_total: order.items_total,
      items_shipped: 0,
      base_cost: order.base_shipping_cost,
      cost_ex_tax: order.shipping_cost_ex_tax,
      cost_inc_tax: order.shipping_cost_inc_tax,
      cost_tax: order.shipping_cost_tax,
      cost_tax_class_id: 2,
      base_handling_cost: order.base_handling_cost,
      handling_cost_ex_tax: order.handling_cost_ex_tax,
      handling_cost_inc_tax: order.handling_cost_inc_tax,
      handling_cost_tax: order.handling_cost_tax,
      handling_cost_tax_class_id: 2,
      shipping_zone_id: 1,
      shipping_zone_name: COUNTRIES[shippingTo.country_iso2] ?? shippingTo.country,
      shipping_method: shippingEx ? 'Flat Rate' : 'Free Shipping',
      form_fields: [],
    }])
    if (statusId !== 0 && statusId !== 1) this.addTransaction(order, statusId === 6 ? 'error' : 'ok', statusId === 7 ? 'pending' : 'purchase', toUnits(order.total_inc_tax), at)

    const events: StoreEvent[] = [{ scope: 'store/order/created', data: { type: 'order', id } }]
    if (order.is_email_opt_in) {
      const existing = this.subscriberByEmail(email)
      if (!existing?.consents.includes('marketing_newsletter')) {
        const consents: SubscriberConsent[] = [...new Set([...(existing?.consents ?? []), 'marketing_newsletter' as const])]
        events.push(...this.upsertSubscriber(email, consents, { source: 'order', orderId: id, channelId, at }).events)
      }
    }
    return { value: order, events }
  }

  /** Emits `store/order/statusUpdated` (previous/new ids) and `store/order/updated`; nothing when unchanged. */
  setOrderStatus(orderId: number, statusId: number, at?: number): Mutation<Order> {
    const order = this.requireOrder(orderId)
    if (!this.orderStatuses.some((s) => s.id === statusId)) throw new StoreError(`unknown order status ${statusId}`)
    const previous = order.status_id
    if (previous === statusId) return { value: order, events: [] }
    const when = at ?? this.clock()
    order.status_id = statusId
    order.payment_status = paymentStatusFor(statusId)
    order.modifiedAt = when
    if (!order.payment_method && statusId !== 0 && statusId !== 1) order.payment_method = 'Credit Card'
    const paidNow = !['pending', '', 'declined', 'held for review', 'void'].includes(order.payment_status)
    const hasCapture = (this.transactions.get(orderId) ?? []).some((t) => t.event === 'purchase' || t.event === 'capture')
    if (paidNow && !hasCapture) this.addTransaction(order, 'ok', 'capture', toUnits(order.total_inc_tax), when)
    return { value: order, events: this.statusEvents(orderId, previous, statusId) }
  }

  updateOrder(orderId: number, patch: Partial<Pick<Order, 'staff_notes' | 'customer_message' | 'is_email_opt_in' |
    'external_order_id'>> & { at?: number }): Mutation<Order> {
    const order = this.requireOrder(orderId)
    const { at, ...fields } = patch
    Object.assign(order, fields)
    order.modifiedAt = at ?? this.clock()
    return { value: order, events: [{ scope: 'store/order/updated', data: { type: 'order', id: orderId } }] }
  }

  archiveOrder(orderId: number, at?: number): Mutation<Order> {
    const order = this.requireOrder(orderId)
    order.is_deleted = true
    order.modifiedAt = at ?? this.clock()
    return { value: order, events: [{ scope: 'store/order/archived', data: { type: 'order', id: orderId } }] }
  }

  /**
   * Ships `items` (default: everything not yet shipped). Sets status 2 Shipped when all is shipped, else
   * 3 Partially Shipped, and `date_shipped`. Emits `store/shipment/created` (`orderId`, camelCase) and the
   * status events.
   */
  addShipment(orderId: number, items?: { orderProductId: number; quantity: number }[], options: {
    trackingNumber?: string
    /** `shipping_provider` (default `ups`): an integrated provider, '' or `carrier_{id}`. */
    provider?: string
    /** `tracking_carrier` (default ''): an AfterShip courier slug. */
    carrier?: string
    /** A custom `tracking_link`; BigCommerce then generates none. */
    trackingLink?: string
    /** Display name of a `carrier_{id}` provider. */
    providerName?: string
    at?: number
  } = {}): Mutation<Shipment> {
    const order = this.requireOrder(orderId)
    const products = this.orderProducts.get(orderId)!
    const wanted = items ?? products
      .filter((p) => p.quantity > p.quantity_shipped)
      .map((p) => ({ orderProductId: p.id, quantity: p.quantity - p.quantity_shipped }))
    if (wanted.length === 0) throw new StoreError(`order ${orderId} has nothing left to ship`)
    for (const item of wanted) {
      const product = products.find((p) => p.id === item.orderProductId)
      if (!product) throw new StoreError(`order product ${item.orderProductId} is not on order ${orderId}`)
      if (item.quantity < 1 || product.quantity_shipped + item.quantity > product.quantity) {
        throw new StoreError(`cannot ship ${item.quantity} of order product ${item.orderProductId}`)
      }
    }
    const tracking = trackingFields({
      trackingNumber: options.trackingNumber ?? `1Z${this.random.hex(16).toUpperCase()}`,
      provider: options.provider ?? 'ups',
      carrier: options.carrier ?? '',
      trackingLink: options.trackingLink ?? '',
      providerName: options.providerName,
    })
    const at = options.at ?? this.clock()
    for (const item of wanted) products.find((p) => p.id === item.orderProductId)!.quantity_shipped += item.quantity
    order.items_shipped = sum(products.map((p) => p.quantity_shipped))
    const address = this.orderShippingAddresses.get(orderId)![0]!
    address.items_shipped = order.items_shipped
    const id = this.next.shipment++
    const { id: _addressId, order_id: _orderId, ...shippingAddress } = address
    const shipment: Shipment = {
      id,
      order_id: orderId,
      customer_id: order.customer_id,
      order_address_id: address.id,
      ...tracking,
      merchant_shipping_cost: toDecimal(0),
      shipping_method: address.shipping_method,
      comments: '',
      billing_address: pickAddress(order.billing_address),
      shipping_address: pickAddress(shippingAddress),
      items: wanted.map((w) => ({
        order_product_id: w.orderProductId,
        product_id: products.find((p) => p.id === w.orderProductId)!.product_id,
        quantity: w.quantity,
      })),
      createdAt: at,
    }
    const list = this.shipments.get(orderId) ?? []
    list.push(shipment)
    this.shipments.set(orderId, list)
    order.shippedAt = at
    order.modifiedAt = at
    const previous = order.status_id
    order.status_id = order.items_shipped >= order.items_total ? 2 : 3
    order.payment_status = paymentStatusFor(order.status_id)
    const events: StoreEvent[] = [{ scope: 'store/shipment/created', data: { type: 'shipment', id, orderId } }]
    events.push(...this.statusEvents(orderId, previous, order.status_id))
    return { value: shipment, events }
  }

  /**
   * Records a v3 refund: `amount` (order level), `items` (order products), or neither for everything left.
   * Sets status 4 Refunded when the whole total is refunded, else 14 Partially Refunded. Emits
   * `store/order/refund/created` with `refund.refund_id`, then the status events.
   */
  addRefund(orderId: number, input: RefundInput = {}): Mutation<Refund> {
    const order = this.requireOrder(orderId)
    const products = this.orderProducts.get(orderId)!
    const totalUnits = toUnits(order.total_inc_tax)
    const round = (units: Units) => roundMinor(units, minorUnitsOf(order.default_currency_code))
    const left = totalUnits - this.refundedUnits(orderId)
    if (left <= 0) throw new StoreError(`order ${orderId} is already fully refunded`)
    const at = input.at ?? this.clock()
    let amountUnits: Units
    let items: Refund['items']
    if (input.items?.length) {
      amountUnits = 0
      items = input.items.map((item) => {
        const product = products.find((p) => p.id === item.orderProductId)
        if (!product) throw new StoreError(`order product ${item.orderProductId} is not on order ${orderId}`)
        if (item.quantity < 1 || product.quantity_refunded + item.quantity > product.quantity) {
          throw new StoreError(`cannot refund ${item.quantity} of order product ${item.orderProductId}`)
        }
        const lineUnits = toUnits(product.discounted_total_inc_tax)
        const share = round((lineUnits * item.quantity) / product.quantity)
        product.quantity_refunded += item.quantity
        product.is_refunded = product.quantity_refunded === product.quantity
        product.refund_amount = toDecimal(toUnits(product.refund_amount) + share)
        amountUnits += share
        return { item_type: 'PRODUCT' as RefundItemType, item_id: product.id, quantity: item.quantity, requested_amount: null }
      })
      amountUnits = Math.min(amountUnits, left)
    } else {
      amountUnits = input.amount === undefined ? left : Math.min(round(toUnits(input.amount)), left)
      if (amountUnits <= 0) throw new StoreError('a refund needs a positive amount')
      items = [{ item_type: 'ORDER', item_id: orderId, quantity: null, requested_amount: toNumber(amountUnits) }]
      if (amountUnits === left) {
        for (const p of products) {
          p.quantity_refunded = p.quantity
          p.is_refunded = true
          p.refund_amount = p.discounted_total_inc_tax
        }
      }
    }
    const taxUnits = totalUnits ? Math.round((amountUnits * toUnits(order.total_tax)) / totalUnits) : 0
    const id = this.next.refund++
    const refund: Refund = {
      id,
      order_id: orderId,
      user_id: 0,
      reason: input.reason ?? 'Customer requested a refund.',
      total_amount: toNumber(amountUnits),
      total_tax: toNumber(round(taxUnits)),
      uses_merchant_override_values: false,
      items,
      payments: [{
        id: this.next.refundPayment++,
        provider_id: order.payment_method === 'Cash' ? 'cod' : 'stripev3',
        amount: toNumber(amountUnits),
        offline: order.payment_method === 'Cash',
        is_declined: false,
        declined_message: '',
      }],
      createdAt: at,
      amountUnits,
    }
    this.refunds.set(id, refund)
    const list = this.orderRefunds.get(orderId) ?? []
    list.push(refund)
    this.orderRefunds.set(orderId, list)
    this.addTransaction(order, 'ok', 'refund', amountUnits, at)

    const previous = order.status_id
    order.status_id = this.refundedUnits(orderId) >= totalUnits ? 4 : 14
    order.payment_status = paymentStatusFor(order.status_id)
    order.modifiedAt = at
    const events: StoreEvent[] = [{ scope: 'store/order/refund/created', data: { type: 'order', id: orderId, refund: { refund_id: id } } }]
    events.push(...this.statusEvents(orderId, previous, order.status_id))
    return { value: refund, events }
  }

  // ---------------------------------------------------------------- carts

  /** Emits `store/cart/created`, `store/cart/updated` (BigCommerce fires both) and one `lineItem/created` per item. */
  createCart(input: CartInput): Mutation<Cart> {
    if (input.lines.length === 0) throw new StoreError('a cart needs at least one line item')
    const at = input.at ?? this.clock()
    const customer = input.customerId ? this.requireCustomer(input.customerId) : undefined
    const currency = input.currency ?? BASE_CURRENCY
    if (!CURRENCIES[currency]) throw new StoreError(`unknown currency ${currency}`)
    const channelId = input.channelId ?? 1
    this.requireChannel(channelId)
    const cart: Cart = {
      id: this.random.uuid(),
      customer_id: customer?.id ?? 0,
      channel_id: channelId,
      email: input.email ?? customer?.email ?? '',
      currency: { code: currency },
      tax_included: false,
      base_amount: 0,
      discount_amount: 0,
      manual_discount_amount: 0,
      cart_amount: 0,
      coupons: [],
      discounts: [],
      physical_items: [],
      locale: input.locale ?? 'en',
      version: 1,
      token: this.random.hex(64),
      createdAt: at,
      modifiedAt: at,
    }
    cart.physical_items = input.lines.map((line) => this.cartItem(cart, line))
    this.recalculateCart(cart)
    this.carts.set(cart.id, cart)
    this.cartChannels.set(cart.id, channelId)
    return {
      value: cart,
      events: [
        { scope: 'store/cart/created', data: { type: 'cart', id: cart.id } },
        { scope: 'store/cart/updated', data: { type: 'cart', id: cart.id } },
        ...cart.physical_items.map((item) => ({ scope: 'store/cart/lineItem/created', data: { type: 'cart_line_item', id: item.id, cartId: cart.id } })),
      ],
    }
  }

  /**
   * Changes a cart (email at checkout, login, items). Emits `store/cart/updated` and the line item events;
   * removing the last item deletes the cart, as on the storefront (`lineItem/deleted`, then the deletion's).
   */
  updateCart(cartId: string, patch: CartPatch): Mutation<Cart> {
    const cart = this.requireCart(cartId)
    const at = patch.at ?? this.clock()
    if (patch.lines && patch.lines.length === 0) {
      const removed = cart.physical_items.map((item) => lineItemEvent('deleted', item.id, cart.id))
      const deleted = this.deleteCart(cartId, at)
      return { ...deleted, events: [...removed, ...deleted.events] }
    }
    const events: StoreEvent[] = []
    if (patch.email !== undefined) cart.email = patch.email
    if (patch.customerId !== undefined) {
      const customer = patch.customerId ? this.requireCustomer(patch.customerId) : undefined
      cart.customer_id = customer?.id ?? 0
      if (customer && !cart.email) cart.email = customer.email
    }
    if (patch.lines) {
      const before = new Map(cart.physical_items.map((i) => [i.variant_id, i]))
      const after: CartItem[] = []
      for (const line of patch.lines) {
        const item = this.cartItem(cart, line)
        const existing = before.get(item.variant_id)
        if (existing) {
          before.delete(item.variant_id)
          item.id = existing.id
          if (existing.quantity !== item.quantity) events.push(lineItemEvent('updated', item.id, cart.id))
        } else {
          events.push(lineItemEvent('created', item.id, cart.id))
        }
        after.push(item)
      }
      for (const removed of before.values()) events.push(lineItemEvent('deleted', removed.id, cart.id))
      cart.physical_items = after
      this.recalculateCart(cart)
    }
    cart.version += 1
    cart.modifiedAt = at
    return { value: cart, events: [{ scope: 'store/cart/updated', data: { type: 'cart', id: cart.id } }, ...events] }
  }

  /** Emits `store/cart/deleted` and `store/cart/updated`; the cart then answers 404. */
  deleteCart(cartId: string, at?: number): Mutation<Cart> {
    const cart = this.requireCart(cartId)
    this.carts.delete(cartId)
    cart.modifiedAt = at ?? this.clock()
    return {
      value: cart,
      events: [
        { scope: 'store/cart/deleted', data: { type: 'cart', id: cartId } },
        { scope: 'store/cart/updated', data: { type: 'cart', id: cartId } },
      ],
    }
  }

  /** BigCommerce's own abandonment signal (after an hour idle): a token that resolves to the cart id. */
  abandonCart(cartId: string): Mutation<{ cart: Cart; token: string }> {
    const cart = this.requireCart(cartId)
    const token = this.random.hex(32)
    this.abandonedCartTokens.set(token, cartId)
    return { value: { cart, token }, events: [{ scope: 'store/cart/abandoned', data: { type: 'cart', id: cartId, token } }] }
  }

  /**
   * Checkout: creates the order from the cart (`cart_id`, its items, email, customer, channel, currency),
   * deletes the cart, emits `store/cart/converted` (camelCase `orderId`) then `store/order/created`.
   */
  convertCart(cartId: string, orderInput: OrderInput = {}): Mutation<{ order: Order; cart: Cart }> {
    const cart = this.requireCart(cartId)
    const created = this.createOrder({
      customerId: cart.customer_id,
      email: cart.email || undefined,
      channelId: cart.channel_id,
      currency: cart.currency.code,
      lines: cart.physical_items.map((i) => ({ productId: i.product_id, variantId: i.variant_id, quantity: i.quantity, price: i.sale_price })),
      ...orderInput,
      cartId,
    })
    this.carts.delete(cartId)
    return {
      value: { order: created.value, cart },
      events: [{ scope: 'store/cart/converted', data: { type: 'cart', id: cartId, orderId: created.value.id } }, ...created.events],
    }
  }

  // ---------------------------------------------------------------- hooks

  createHook(input: HookInput): Hook {
    const at = input.at ?? this.clock()
    const id = this.next.hook++
    const hook: Hook = {
      id,
      client_id: input.clientId ?? 'standin-client',
      store_hash: this.storeHash,
      scope: input.scope,
      destination: input.destination,
      headers: input.headers ?? null,
      status: input.isActive === false ? 'inactive' : 'active',
      createdAt: at,
      modifiedAt: at,
    }
    this.hooks.set(id, hook)
    return hook
  }

  updateHook(id: number, patch: { scope?: string; destination?: string; headers?: Record<string, string> | null;
    isActive?: boolean; at?: number }): Hook {
    const hook = this.requireHook(id)
    if (patch.scope !== undefined) hook.scope = patch.scope
    if (patch.destination !== undefined) hook.destination = patch.destination
    if (patch.headers !== undefined) hook.headers = patch.headers
    if (patch.isActive !== undefined) hook.status = patch.isActive ? 'active' : 'inactive'
    hook.modifiedAt = patch.at ?? this.clock()
    return hook
  }

  deleteHook(id: number): Hook {
    const hook = this.requireHook(id)
    this.hooks.delete(id)
    return hook
  }

  /** What BigCommerce does after 48 h of failed deliveries (or 90 days idle). */
  deactivateHook(id: number): Hook {
    const hook = this.requireHook(id)
    hook.status = 'deactivated'
    hook.modifiedAt = this.clock()
    return hook
  }

  /** A destination BigCommerce blocked after its success ratio fell under 90% (3 minutes by default). */
  blockDomain(destination: string, forMs = 180_000, reason = 'Too many failures'): BlockedDomain {
    const now = this.clock()
    const blocked: BlockedDomain = {
      destination,
      until: now + forMs,
      reasons: [{ failure_description: reason, count: 1, timestamp: Math.floor(now / 1000) }],
    }
    this.hookAdmin.blockedDomains.push(blocked)
    return blocked
  }

  // ---------------------------------------------------------------- internals

  requireOrder(id: number): Order {
    return required(this.orders, id, 'order')
  }

  requireCustomer(id: number): Customer {
    return required(this.customers, id, 'customer')
  }

  requireProduct(id: number): Product {
    return required(this.products, id, 'product', ' (create it with store.createProduct or seedStore)')
  }

  requireVariant(id: number): Variant {
    return required(this.variants, id, 'variant')
  }

  requireCart(id: string): Cart {
    return required(this.carts, id, 'cart', ' (converted or deleted?)')
  }

  private requireCategory(id: number): Category {
    return required(this.categories, id, 'category')
  }

  private requireBrand(id: number): Brand {
    return required(this.brands, id, 'brand')
  }

  requireChannel(id: number): Channel {
    return required(this.channels, id, 'channel')
  }

  private requireHook(id: number): Hook {
    return required(this.hooks, id, 'hook')
  }

  private takeId(kind: keyof typeof FIRST_IDS, wanted?: number): number {
    if (wanted === undefined) return this.next[kind]++
    this.next[kind] = Math.max(this.next[kind], wanted + 1)
    return wanted
  }

  private statusEvents(orderId: number, previous: number, next: number): StoreEvent[] {
    const updated: StoreEvent = { scope: 'store/order/updated', data: { type: 'order', id: orderId } }
    if (previous === next) return [updated]
    return [
      { scope: 'store/order/statusUpdated', data: { type: 'order', id: orderId, status: { previous_status_id: previous, new_status_id: next } } },
      updated,
    ]
  }

  private addTransaction(order: Order, status: 'ok' | 'error', event: Transaction['event'], amount: Units, at: number): void {
    const list = this.transactions.get(order.id) ?? []
    const cash = order.payment_method === 'Cash'
    list.push({
      id: this.next.transaction++,
      order_id: String(order.id),
      event,
      method: cash ? 'offline' : 'credit_card',
      amount: toNumber(amount),
      currency: order.default_currency_code,
      gateway: cash ? 'cod' : 'stripe',
      gateway_transaction_id: cash ? '' : `ch_${this.random.hex(24)}`,
      test: false,
      status,
      fraud_review: false,
      reference_transaction_id: list[0]?.id ?? null,
      offline: cash ? { display_name: 'Cash on Delivery' } : null,
      custom: null,
      payment_method_id: cash ? 'cod' : 'stripev3.card',
      avs_result: AVS_MATCH,
      cvv_result: CVV_MATCH,
      credit_card: cash ? null : TEST_CARD,
      gift_certificate: null,
      store_credit: null,
      createdAt: at,
    })
    this.transactions.set(order.id, list)
  }

  private storeAddress(customer: Customer, address: Partial<Omit<CustomerAddress, 'id' | 'customer_id'>>): CustomerAddress {
    const stored: CustomerAddress = {
      id: this.next.address++,
      customer_id: customer.id,
      first_name: customer.first_name,
      last_name: customer.last_name,
      company: customer.company,
      address1: DEFAULT_ADDRESS.street_1,
      address2: '',
      city: DEFAULT_ADDRESS.city,
      state_or_province: DEFAULT_ADDRESS.state,
      postal_code: DEFAULT_ADDRESS.zip,
      country_code: 'US',
      country: 'United States',
      phone: customer.phone,
      address_type: 'residential',
      ...address,
    }
    this.customerAddresses.get(customer.id)!.push(stored)
    return stored
  }

  private cartItem(cart: Cart, line: LineInput): CartItem {
    const product = this.requireProduct(line.productId)
    const variant = line.variantId !== undefined ? this.requireVariant(line.variantId) : this.variantsOf(product.id)[0]!
    if (variant.product_id !== product.id) throw new StoreError(`variant ${variant.id} is not a variant of product ${product.id}`)
    const rate = CURRENCIES[cart.currency.code]!.fromBase
    const quantity = line.quantity ?? 1
    const price = line.price ?? Math.round(variant.calculated_price * rate * 100) / 100
    const listPrice = Math.round(product.price * rate * 100) / 100
    return {
      id: this.random.uuid(),
      parent_id: null,
      variant_id: variant.id,
      product_id: product.id,
      sku: variant.sku,
      name: product.name,
      url: `https://store-${this.storeHash}.mybigcommerce.com${product.custom_url.url}`,
      quantity,
      taxable: true,
      image_url: product.image_url,
      discounts: [],
      coupons: [],
      discount_amount: 0,
      coupon_amount: 0,
      original_price: Math.max(listPrice, price),
      list_price: price,
      sale_price: price,
      extended_list_price: Math.round(price * quantity * 100) / 100,
      extended_sale_price: Math.round(price * quantity * 100) / 100,
      is_require_shipping: product.type === 'physical',
      is_mutable: true,
      added_by_promotion: false,
      options: variant.option_values.map((ov) => ({ name: ov.option_display_name, nameId: ov.option_id, value: ov.label, valueId: ov.id })),
    }
  }

  private recalculateCart(cart: Cart): void {
    const base = sum(cart.physical_items.map((i) => toUnits(i.extended_sale_price)))
    cart.base_amount = toNumber(base)
    cart.cart_amount = toNumber(base - toUnits(cart.discount_amount))
  }

  private createDefaultCatalog(at: number): void {
    const home = this.createCategory({ name: 'Home & Garden', at }).value
    const apparel = this.createCategory({ name: 'Apparel', at }).value
    const brand = this.createBrand({ name: 'Common Good' }).value
    this.createProduct({ name: 'Orbit Terrarium - Large', price: 109, sku: 'OTL', categories: [home.id], brandId: brand.id, at })
    this.createProduct({
      name: 'Organic Cotton Tee', price: 25, sku: 'OCT', categories: [apparel.id], brandId: brand.id, at,
      options: [{ displayName: 'Size', values: ['S', 'M', { label: 'XL', priceAdjust: 3 }] }],
    })
    this.createProduct({ name: 'Ceramic Mug', price: 14.5, sku: 'MUG', categories: [home.id], at })
  }
}

// Shared by every transaction (read-only), which keeps big seeded stores small.
const AVS_MATCH = Object.freeze({ code: 'Y', message: 'Street address and 5-digit postal code match.', street_match: 'Y', postal_match: 'Y' })
const CVV_MATCH = Object.freeze({ code: 'M', message: 'CVV2 match' })
const TEST_CARD = Object.freeze({ card_type: 'visa', card_iin: '424242', card_last4: '4242', card_expiry_month: 12, card_expiry_year: 2030 })

function addressEvent(kind: 'created' | 'updated' | 'deleted', address: CustomerAddress): StoreEvent {
  return { scope: `store/customer/address/${kind}`, data: { type: 'customer', id: address.id, address: { customer_id: address.customer_id } } }
}

function lineItemEvent(kind: 'created' | 'updated' | 'deleted', id: string, cartId: string): StoreEvent {
  return { scope: `store/cart/lineItem/${kind}`, data: { type: 'cart_line_item', id, cartId } }
}

/** A saved address as an order's billing or shipping address. */
function orderAddressOf(a: CustomerAddress): Partial<Address> {
  return {
    first_name: a.first_name, last_name: a.last_name, company: a.company, street_1: a.address1, street_2: a.address2,
    city: a.city, state: a.state_or_province, zip: a.postal_code, country: a.country, country_iso2: a.country_code,
  }
}

function pickAddress(a: Address): Address {
  return {
    first_name: a.first_name, last_name: a.last_name, company: a.company, street_1: a.street_1, street_2: a.street_2,
    city: a.city, state: a.state, zip: a.zip, country: a.country, country_iso2: a.country_iso2, phone: a.phone,
    email: a.email,
  }
}

function slugify(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')
}

/** "jane.doe@example.com" → ["Jane", "Doe"]; a default when the local part gives no name. */
function namesFromEmail(email: string): [string, string] {
  const parts = email.split('@')[0]!.split(/[._-]+/).filter(Boolean)
  const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1)
  return [cap(parts[0] ?? 'Guest'), cap(parts[1] ?? 'Shopper')]
}

function cartesian(lists: number[][]): number[][] {
  return lists.reduce<number[][]>((acc, list) => acc.flatMap((prefix) => list.map((v) => [...prefix, v])), [[]])
}
