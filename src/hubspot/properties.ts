import { COMPANY_STATUSES } from '../domain/b2b-companies'
import { CONSENT_REGIONS, TRIGGERS, type Trigger } from '../domain/model'
import { ID_PROPERTY, OBJECT_TYPES, OPTIONAL_OBJECT_TYPES, type HubSpotObjectType, type PropertyValue } from './records'

/**
 * The one registry of every HubSpot property the worker writes (contract section 4). Setup creates the
 * custom ones from it, the writer validates outgoing properties against it, and /docs/mapping.json is
 * generated from it. Renaming anything here breaks operators' workflows: add, never rename.
 */
export const PROPERTY_GROUP = { name: 'bigcommerce', label: 'BigCommerce', displayOrder: -1 } as const

export type PropertyType = 'string' | 'number' | 'date' | 'datetime' | 'enumeration' | 'bool'

export interface PropertyOption {
  label: string
  value: string
  displayOrder: number
}

export interface PropertyDefinition {
  name: string
  label: string
  type: PropertyType
  fieldType: 'text' | 'textarea' | 'number' | 'date' | 'select' | 'phonenumber' | 'booleancheckbox'
  description: string
  /** Custom properties live in the `bigcommerce` group and are created by setup; the others are HubSpot's. */
  custom: boolean
  options?: PropertyOption[]
  hasUniqueValue?: boolean
}

const options = (...values: string[]): PropertyOption[] =>
  values.map((value, displayOrder) => ({ value, label: labelOf(value), displayOrder }))

function labelOf(name: string): string {
  const text = name.replace(/^bc_/, '').replace(/_/g, ' ')
  return text.charAt(0).toUpperCase() + text.slice(1)
}

type Spec = Omit<PropertyDefinition, 'custom' | 'label' | 'fieldType'> & Partial<Pick<PropertyDefinition, 'label' | 'fieldType'>>

const DEFAULT_FIELD_TYPE: Record<PropertyType, PropertyDefinition['fieldType']> = {
  string: 'text',
  number: 'number',
  date: 'date',
  datetime: 'date',
  enumeration: 'select',
  bool: 'booleancheckbox',
}

function define(custom: boolean, spec: Spec): PropertyDefinition {
  return {
    ...spec,
    custom,
    label: spec.label ?? `BigCommerce ${labelOf(spec.name).toLowerCase()}`,
    fieldType: spec.fieldType ?? DEFAULT_FIELD_TYPE[spec.type],
  }
}
const bc = (spec: Spec) => define(true, spec)
const hs = (spec: Spec) => define(false, spec)
const unique = (name: string, description: string) =>
  bc({ name, type: 'string', description, hasUniqueValue: true, label: `BigCommerce ${labelOf(name).toLowerCase()}` })

export const ORDER_CHANNEL_NOTE = 'storefront, marketplace, pos, wholesale, partner, manual or unassigned'
const ADDRESS_NOTE = "From the customer's default address, else the latest order's billing address"
const TOUCH_NOTE = 'direct, organic_search, paid_search, organic_social, paid_social, email, sms, affiliate, referral, display, video, shopping or unassigned'
/** The BigCommerce channel (Multi-Storefront) of an order, its line items and a cart. */
const channelProperties = (what: string) => [
  bc({ name: 'bc_channel_id', type: 'number', description: `BigCommerce channel id of the ${what} (1: the default storefront)` }),
  bc({ name: 'bc_storefront', type: 'string', description: `Name of the ${what}'s BigCommerce channel (its storefront, marketplace or POS)` }),
]

/** The datetime property a trigger sets on the contact when it fires. */
export function triggerProperty(trigger: Trigger): string {
  return `bc_${trigger}_at`
}

const TRIGGER_MEANING: Record<Trigger, string> = {
  cart_abandoned: 'a cart with items and a known email went idle without an order (marketing)',
  browse_abandoned: 'product views with no cart or order afterwards (marketing)',
  order_placed: 'an order first counted as paid (transactional)',
  order_shipped: 'a shipment was created (transactional)',
  order_refunded: 'a refund, partial or full, was issued (transactional)',
  order_cancelled: 'an order was cancelled or declined after it counted as paid (transactional)',
  post_purchase_step: 'a post-purchase step fell due after the first paid order (day_0 transactional, later steps marketing)',
  winback_due: 'a customer passed LAPSED_AFTER since the last paid order (marketing)',
  replenishment_due: 'a category bought repeatedly is due again (marketing)',
}

/** Companion properties written together with a trigger. */
export const TRIGGER_COMPANIONS: Record<Trigger, string[]> = {
  cart_abandoned: ['bc_abandoned_cart_url', 'bc_abandoned_cart_value'],
  browse_abandoned: ['bc_browse_abandoned_product'],
  order_placed: [],
  order_shipped: [],
  order_refunded: [],
  order_cancelled: [],
  post_purchase_step: ['bc_post_purchase_step'],
  winback_due: [],
  replenishment_due: [],
}

const CONTACT_PROPERTIES: PropertyDefinition[] = [
  hs({ name: 'email', label: 'Email', type: 'string', description: 'Normalized (trimmed, lower-cased) email; the key' }),
  hs({ name: 'firstname', label: 'First name', type: 'string', description: 'From the customer or the billing address' }),
  hs({ name: 'lastname', label: 'Last name', type: 'string', description: 'From the customer or the billing address' }),
  hs({ name: 'phone', label: 'Phone number', type: 'string', fieldType: 'phonenumber', description: 'E.164 when it parses' }),
  bc({ name: 'bc_customer_id', type: 'number', description: 'BigCommerce customer id (absent for guests)' }),
  bc({ name: 'bc_order_count', type: 'number', description: 'Orders that count as paid (a fully refunded order still counts)' }),
  bc({ name: 'bc_lifetime_value', type: 'number', description: "Net revenue (paid orders minus refunds) in the store's base currency" }),
  bc({ name: 'bc_average_order_value', type: 'number', description: 'Lifetime value divided by order count' }),
  bc({ name: 'bc_first_order_date', type: 'date', description: 'UTC creation date of the first paid order' }),
  bc({ name: 'bc_last_order_date', type: 'date', description: 'UTC creation date of the latest paid order' }),
  bc({
    name: 'bc_customer_status',
    type: 'enumeration',
    description: 'prospect (no paid order), customer (1), repeat_customer (2+), at_risk (overdue by 1.5x the median gap), lapsed (no paid order within LAPSED_AFTER)',
    options: options('prospect', 'customer', 'repeat_customer', 'at_risk', 'lapsed'),
  }),
  bc({
    name: 'bc_value_tier',
    type: 'enumeration',
    description: 'Rank by lifetime value among paying contacts: vip top 10%, high up to 30%, standard the rest; empty for prospects',
    options: options('vip', 'high', 'standard'),
  }),
  bc({ name: 'bc_category_affinity', type: 'string', description: 'Up to 3 categories from the newest paid orders, newest first, ;-separated' }),
  bc({
    name: 'bc_email_consent',
    type: 'enumeration',
    description: 'Marketing email consent from BigCommerce subscribers and checkout opt-ins',
    options: options('opted_in', 'opted_out', 'unknown'),
  }),
  bc({ name: 'bc_refunded_total', type: 'number', description: "Refunds in the store's base currency" }),
  bc({ name: 'bc_last_refund_date', type: 'date', description: 'UTC date of the latest refund' }),
  bc({ name: 'bc_first_order_channel', type: 'string', description: `Channel of the first paid order: ${ORDER_CHANNEL_NOTE}` }),
  bc({ name: 'bc_last_order_channel', type: 'string', description: `Channel of the latest paid order: ${ORDER_CHANNEL_NOTE}` }),
  bc({ name: 'bc_first_storefront', type: 'string', description: 'Storefront (BigCommerce channel name) of the first paid order' }),
  bc({ name: 'bc_storefronts', type: 'string', description: 'Every storefront (channel name) with a paid order, first purchase first, ;-separated' }),
  bc({ name: 'bc_customer_ids', type: 'string', description: 'Every BigCommerce customer id of this email (one account per storefront channel), ascending, ;-separated' }),
  // Spelled out, like every contract name, so a search for a property finds where it is defined.
  bc({ name: 'bc_first_touch_channel', type: 'string', description: `Channel of the first known touch: ${TOUCH_NOTE}` }),
  bc({ name: 'bc_first_touch_source', type: 'string', description: 'Source of the first known touch' }),
  bc({ name: 'bc_first_touch_medium', type: 'string', description: 'Medium of the first known touch' }),
  bc({ name: 'bc_first_touch_campaign', type: 'string', description: 'Campaign of the first known touch' }),
  bc({ name: 'bc_first_touch_at', type: 'datetime', description: 'When the first known touch happened' }),
  bc({ name: 'bc_last_touch_channel', type: 'string', description: `Channel of the last touch before the latest order: ${TOUCH_NOTE}` }),
  bc({ name: 'bc_last_touch_source', type: 'string', description: 'Source of the last touch before the latest order' }),
  bc({ name: 'bc_last_touch_medium', type: 'string', description: 'Medium of the last touch before the latest order' }),
  bc({ name: 'bc_last_touch_campaign', type: 'string', description: 'Campaign of the last touch before the latest order' }),
  bc({ name: 'bc_last_touch_at', type: 'datetime', description: 'When the last touch before the latest order happened' }),
  // Region: the customer's default address (the first saved), else the latest order's billing address.
  hs({ name: 'country', label: 'Country/Region', type: 'string', description: `${ADDRESS_NOTE}: ISO 3166-1 alpha-2 code (DE, US, GB)` }),
  hs({ name: 'state', label: 'State/Region', type: 'string', description: `${ADDRESS_NOTE}: ISO 3166-2 code (US-CA, CA-QC, DE-BY, AU-NSW) where known, else the name as given` }),
  hs({ name: 'city', label: 'City', type: 'string', description: ADDRESS_NOTE }),
  hs({ name: 'zip', label: 'Postal code', type: 'string', description: `${ADDRESS_NOTE}, upper-cased` }),
  bc({
    name: 'bc_consent_region',
    type: 'enumeration',
    description: "Regulatory region of the contact's country: eu_eea (GDPR: EU, Iceland, Liechtenstein, Norway), uk, ca, us (with its territories), other, unknown (no country)",
    options: options(...CONSENT_REGIONS),
  }),
  ...TRIGGERS.map((trigger) =>
    bc({ name: triggerProperty(trigger), type: 'datetime', description: `Set when ${TRIGGER_MEANING[trigger]}; the time of its cause` }),
  ),
  bc({ name: 'bc_abandoned_cart_url', type: 'string', description: 'Recovery link of the abandoned cart' }),
  bc({ name: 'bc_abandoned_cart_value', type: 'number', description: 'Amount of the abandoned cart, in its currency' }),
  bc({ name: 'bc_browse_abandoned_product', type: 'string', description: 'Name of the product last viewed' }),
  bc({ name: 'bc_post_purchase_step', type: 'string', description: 'The post-purchase step that fell due: day_0, day_3, hour_12, ...' }),
]

const ORDER_PROPERTIES: PropertyDefinition[] = [
  unique('bc_order_id', 'BigCommerce order id; the key'),
  hs({ name: 'hs_order_name', label: 'Name', type: 'string', description: 'Order #<id>' }),
  hs({ name: 'hs_currency_code', label: 'Currency code', type: 'string', description: "The order's transactional currency" }),
  hs({ name: 'hs_total_price', label: 'Total price', type: 'number', description: 'total_inc_tax' }),
  hs({ name: 'hs_subtotal_price', label: 'Subtotal price', type: 'number', description: 'subtotal_ex_tax' }),
  hs({ name: 'hs_tax', label: 'Tax', type: 'number', description: 'total_tax' }),
  hs({ name: 'hs_shipping_cost', label: 'Shipping cost', type: 'number', description: 'shipping_cost_ex_tax' }),
  hs({ name: 'hs_order_discount', label: 'Order discount', type: 'number', description: 'discount_amount + coupon_discount' }),
  hs({ name: 'hs_fulfillment_status', label: 'Fulfillment status', type: 'string', description: 'unshipped, partially_shipped or shipped' }),
  hs({ name: 'hs_external_order_id', label: 'External order ID', type: 'string', description: 'The BigCommerce order id' }),
  hs({ name: 'hs_external_created_date', label: 'External created date', type: 'datetime', description: 'When the order was created in BigCommerce' }),
  hs({ name: 'hs_external_order_url', label: 'External order URL', type: 'string', description: "The order in the store's control panel: https://store-<hash>.mybigcommerce.com/manage/orders/<id>" }),
  hs({ name: 'hs_shipping_tracking_number', label: 'Shipping tracking number', type: 'string', description: 'Tracking number of the latest shipment that has one' }),
  hs({ name: 'hs_shipping_status_url', label: 'Shipping status URL', type: 'string', description: "That shipment's tracking link: the merchant's, else BigCommerce's, else the carrier's page for common carriers" }),
  bc({ name: 'bc_status', type: 'string', description: 'System name of the BigCommerce status id (not the merchant label)' }),
  bc({ name: 'bc_refunded_amount', type: 'number', description: "Refunded, in the order's currency" }),
  // The total again in a property the worker owns: reconciliation reads this one back, never an hs_ property
  // a portal may lack.
  bc({ name: 'bc_order_total', type: 'number', description: "total_inc_tax, in the order's currency (the same as hs_total_price, which a portal may lack)" }),
  bc({ name: 'bc_net_revenue', type: 'number', description: "Total minus refunds in the order's currency; 0 for pending, cancelled and declined" }),
  bc({ name: 'bc_coupon_codes', type: 'string', description: 'Coupon codes, ;-separated' }),
  bc({ name: 'bc_channel', type: 'string', description: `Where the order was placed: ${ORDER_CHANNEL_NOTE}` }),
  ...channelProperties('order'),
  bc({
    name: 'bc_order_status_url',
    type: 'string',
    description: "The order in the shopper's account on its storefront's site (registered customers on Stencil or Catalyst storefronts; empty for guests)",
  }),
  bc({ name: 'bc_attributed_channel', type: 'string', description: `Channel credited with the order: ${TOUCH_NOTE}` }),
  bc({ name: 'bc_attributed_source', type: 'string', description: 'Source credited with the order' }),
  bc({ name: 'bc_attributed_medium', type: 'string', description: 'Medium credited with the order' }),
  bc({ name: 'bc_attributed_campaign', type: 'string', description: 'Campaign credited with the order' }),
]

const LINE_ITEM_PROPERTIES: PropertyDefinition[] = [
  unique('bc_line_item_id', 'BigCommerce order product id; the key'),
  hs({ name: 'name', label: 'Name', type: 'string', description: 'Product name as ordered' }),
  hs({ name: 'hs_sku', label: 'SKU', type: 'string', description: 'SKU as ordered' }),
  hs({ name: 'quantity', label: 'Quantity', type: 'number', description: 'Quantity ordered' }),
  hs({ name: 'price', label: 'Unit price', type: 'number', description: 'price_ex_tax' }),
  hs({ name: 'amount', label: 'Net price', type: 'number', description: 'total_ex_tax' }),
  hs({ name: 'hs_line_item_currency_code', label: 'Currency', type: 'string', description: "The order's currency" }),
  hs({ name: 'hs_product_id', label: 'Product ID', type: 'number', description: 'HubSpot id of the product (set by the writer once the product exists)' }),
  ...channelProperties('order'),
]

const PRODUCT_PROPERTIES: PropertyDefinition[] = [
  unique('bc_variant_id', 'BigCommerce variant id; the key'),
  hs({ name: 'name', label: 'Name', type: 'string', description: "Product name with the variant's option values in parentheses" }),
  hs({ name: 'hs_sku', label: 'SKU', type: 'string', description: 'Variant SKU' }),
  hs({ name: 'price', label: 'Unit price', type: 'number', description: 'Variant price' }),
  hs({ name: 'description', label: 'Description', type: 'string', fieldType: 'textarea', description: 'Product description' }),
  bc({ name: 'bc_product_id', type: 'number', description: 'BigCommerce product id' }),
  bc({ name: 'bc_category', type: 'string', description: "The product's first category" }),
  bc({ name: 'bc_brand', type: 'string', description: 'Brand name' }),
]

const CART_PROPERTIES: PropertyDefinition[] = [
  unique('bc_cart_id', 'BigCommerce cart id; the key'),
  hs({ name: 'hs_cart_name', label: 'Name', type: 'string', description: 'Cart <id>' }),
  hs({ name: 'hs_external_cart_id', label: 'External cart ID', type: 'string', description: 'The BigCommerce cart id' }),
  hs({ name: 'hs_cart_url', label: 'Cart URL', type: 'string', description: 'Recovery link that restores the cart' }),
  hs({ name: 'hs_total_price', label: 'Total price', type: 'number', description: 'cart_amount, in the cart currency' }),
  hs({ name: 'hs_currency_code', label: 'Currency code', type: 'string', description: 'The cart currency' }),
  hs({ name: 'hs_external_status', label: 'External status', type: 'string', description: 'open, abandoned, converted or emptied (also a cart BigCommerce deleted without an order)' }),
  ...channelProperties('cart'),
]

/** Sales tasks for high-value abandoned carts (HIGH_VALUE_CART_PERCENTILE); HubSpot's own task properties. */
const TASK_PROPERTIES: PropertyDefinition[] = [
  unique('bc_task_key', 'What the task is for (the cart_abandoned trigger key: cart and quiet period); the key'),
  hs({ name: 'hs_timestamp', label: 'Due date', type: 'datetime', description: 'Due two hours after the cart became abandoned (or fired, if later)' }),
  hs({ name: 'hs_task_subject', label: 'Task title', type: 'string', description: 'High-value abandoned cart: <value>' }),
  hs({ name: 'hs_task_body', label: 'Notes', type: 'string', fieldType: 'textarea', description: "The cart's items, value and recovery link" }),
  hs({
    name: 'hs_task_status',
    label: 'Task status',
    type: 'enumeration',
    description: 'NOT_STARTED when created',
    options: options('NOT_STARTED', 'IN_PROGRESS', 'WAITING', 'COMPLETED', 'DEFERRED'),
  }),
  hs({ name: 'hs_task_priority', label: 'Priority', type: 'enumeration', description: 'HIGH', options: options('NONE', 'LOW', 'MEDIUM', 'HIGH') }),
  hs({ name: 'hs_task_type', label: 'Task type', type: 'enumeration', description: 'Kind of task: call, email or to-do', options: options('CALL', 'EMAIL', 'TODO') }),
]

/**
 * B2B Edition companies (BIGCOMMERCE_B2B=on), HubSpot's own company properties and ours. The figures follow the
 * contact's rules over the orders every user of the company placed.
 */
const COMPANY_ADDRESS_NOTE = "The company's own address, else its default billing address in B2B Edition"
const COMPANY_PROPERTIES: PropertyDefinition[] = [
  unique('bc_company_id', 'B2B Edition company id; the key'),
  hs({ name: 'name', label: 'Company name', type: 'string', description: 'The B2B Edition company name' }),
  hs({ name: 'phone', label: 'Phone number', type: 'string', fieldType: 'phonenumber', description: "The company's phone number" }),
  hs({ name: 'address', label: 'Street address', type: 'string', description: `${COMPANY_ADDRESS_NOTE}: first line` }),
  hs({ name: 'address2', label: 'Street address 2', type: 'string', description: `${COMPANY_ADDRESS_NOTE}: second line` }),
  hs({ name: 'city', label: 'City', type: 'string', description: COMPANY_ADDRESS_NOTE }),
  hs({ name: 'state', label: 'State/Region', type: 'string', description: `${COMPANY_ADDRESS_NOTE}: ISO 3166-2 code where known, else the name` }),
  hs({ name: 'zip', label: 'Postal code', type: 'string', description: `${COMPANY_ADDRESS_NOTE}, upper-cased` }),
  hs({ name: 'country', label: 'Country/Region', type: 'string', description: `${COMPANY_ADDRESS_NOTE}: ISO 3166-1 alpha-2 code` }),
  bc({
    name: 'bc_company_status',
    type: 'enumeration',
    description: 'B2B Edition status: pending (applied, not yet approved), approved, rejected, inactive; deleted once gone from B2B Edition',
    options: options(...COMPANY_STATUSES),
  }),
  bc({ name: 'bc_customer_group', type: 'string', description: "Name of the BigCommerce customer group the company's buyers are in (their catalogue and prices)" }),
  bc({ name: 'bc_customer_group_id', type: 'number', description: 'Id of that customer group' }),
  bc({ name: 'bc_catalog', type: 'string', description: 'The price list (B2B Edition catalog) assigned to the company' }),
  bc({ name: 'bc_order_count', type: 'number', description: "Orders of the company's users that count as paid (a fully refunded order still counts)" }),
  bc({ name: 'bc_lifetime_value', type: 'number', description: "Net revenue of those orders (paid minus refunds) in the store's base currency" }),
  bc({ name: 'bc_first_order_date', type: 'date', description: "UTC creation date of the company's first paid order" }),
  bc({ name: 'bc_last_order_date', type: 'date', description: "UTC creation date of the company's latest paid order" }),
]

export const OBJECT_PROPERTIES: Record<HubSpotObjectType, PropertyDefinition[]> = {
  contacts: CONTACT_PROPERTIES,
  products: PRODUCT_PROPERTIES,
  orders: ORDER_PROPERTIES,
  line_items: LINE_ITEM_PROPERTIES,
  carts: CART_PROPERTIES,
  tasks: TASK_PROPERTIES,
  companies: COMPANY_PROPERTIES,
}

const BY_NAME: Record<HubSpotObjectType, Map<string, PropertyDefinition>> = Object.fromEntries(
  OBJECT_TYPES.map((type) => [type, new Map(OBJECT_PROPERTIES[type].map((p) => [p.name, p]))]),
) as Record<HubSpotObjectType, Map<string, PropertyDefinition>>

export function propertyDefinition(objectType: HubSpotObjectType, name: string): PropertyDefinition | undefined {
  return BY_NAME[objectType].get(name)
}

export function customProperties(objectType: HubSpotObjectType): PropertyDefinition[] {
  return OBJECT_PROPERTIES[objectType].filter((p) => p.custom)
}

/** HubSpot's own properties we write: an account may lack some (reported, left out of writes). */
export function hubspotProperties(objectType: HubSpotObjectType): PropertyDefinition[] {
  return OBJECT_PROPERTIES[objectType].filter((p) => !p.custom)
}

/** A `date` value as HubSpot takes it: the UTC calendar day (midnight UTC). */
export function toHubSpotDate(iso: string): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) throw new RangeError(`not a date: ${iso}`)
  return date.toISOString().slice(0, 10)
}

/** A `datetime` value as HubSpot takes it: ISO-8601 in UTC with milliseconds. */
export function toHubSpotDateTime(iso: string): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) throw new RangeError(`not a datetime: ${iso}`)
  return date.toISOString()
}

export type PropertyProblem = { name: string; reason: 'unknown' | 'unavailable' | 'invalid_value' }

/**
 * Validates outgoing properties against the registry and the portal: drops what the registry does not know,
 * what the portal lacks (`available`, when known) and values of the wrong shape; normalizes dates to
 * midnight UTC and datetimes to ISO. Returns the properties to send and what was left out.
 */
export function prepareProperties(
  objectType: HubSpotObjectType,
  properties: Record<string, PropertyValue>,
  available?: ReadonlySet<string>,
): { properties: Record<string, string>; problems: PropertyProblem[] } {
  const out: Record<string, string> = {}
  const problems: PropertyProblem[] = []
  for (const [name, value] of Object.entries(properties)) {
    const definition = propertyDefinition(objectType, name)
    if (!definition) {
      problems.push({ name, reason: 'unknown' })
      continue
    }
    if (available && !available.has(name)) {
      problems.push({ name, reason: 'unavailable' })
      continue
    }
    const formatted = formatValue(definition, value)
    if (formatted === undefined) problems.push({ name, reason: 'invalid_value' })
    else out[name] = formatted
  }
  return { properties: out, problems }
}

function formatValue(definition: PropertyDefinition, value: PropertyValue): string | undefined {
  if (value === null || value === '') return ''
  switch (definition.type) {
    case 'number': {
      const n = typeof value === 'number' ? value : Number(value)
      return Number.isFinite(n) ? String(n) : undefined
    }
    case 'date':
    case 'datetime': {
      if (typeof value === 'boolean') return undefined
      const date = typeof value === 'number' ? new Date(value) : new Date(value)
      if (Number.isNaN(date.getTime())) return undefined
      return definition.type === 'date' ? date.toISOString().slice(0, 10) : date.toISOString()
    }
    case 'enumeration':
      return definition.options?.some((o) => o.value === String(value)) ? String(value) : undefined
    case 'bool':
      return typeof value === 'boolean' ? String(value) : value === 'true' || value === 'false' ? value : undefined
    default:
      return String(value)
  }
}

/** Associations the writer creates (HUBSPOT_DEFINED default types) and how a line item links its product. */
export const ASSOCIATIONS: { from: HubSpotObjectType; to: HubSpotObjectType; typeId: number; how: string }[] = [
  { from: 'orders', to: 'contacts', typeId: 507, how: 'v4 default association' },
  { from: 'line_items', to: 'orders', typeId: 514, how: 'v4 default association' },
  { from: 'carts', to: 'contacts', typeId: 586, how: 'v4 default association' },
  { from: 'carts', to: 'orders', typeId: 592, how: 'v4 default association' },
  { from: 'tasks', to: 'contacts', typeId: 204, how: 'v4 default association' },
  { from: 'contacts', to: 'companies', typeId: 279, how: 'v4 default association (a company user and their company)' },
  { from: 'orders', to: 'companies', typeId: 934, how: 'v4 default association (an order a company user placed)' },
  { from: 'line_items', to: 'products', typeId: 0, how: 'hs_product_id property (products cannot be associated)' },
]

/** Describes every object and property the worker writes, for /docs and /docs/mapping.json. */
export function describeHubSpotMapping() {
  return {
    propertyGroup: PROPERTY_GROUP.name,
    objects: OBJECT_TYPES.map((objectType) => ({
      objectType,
      uniqueProperty: ID_PROPERTY[objectType],
      ...(OPTIONAL_OBJECT_TYPES.includes(objectType) ? { writtenWhen: 'BIGCOMMERCE_B2B=on: B2B Edition companies' } : {}),
      associations: ASSOCIATIONS.filter((a) => a.from === objectType || a.to === objectType).map((a) => ({
        from: a.from,
        to: a.to,
        how: a.how,
        ...(a.typeId ? { associationTypeId: a.typeId } : {}),
      })),
      properties: OBJECT_PROPERTIES[objectType].map((p) => ({
        name: p.name,
        label: p.label,
        type: p.type,
        fieldType: p.fieldType,
        description: p.description,
        group: p.custom ? PROPERTY_GROUP.name : null,
        createdBySetup: p.custom,
        ...(p.hasUniqueValue ? { unique: true } : {}),
        ...(p.options ? { options: p.options.map((o) => o.value) } : {}),
      })),
    })),
    triggers: TRIGGERS.map((trigger) => ({
      trigger,
      property: triggerProperty(trigger),
      meaning: TRIGGER_MEANING[trigger],
      companions: TRIGGER_COMPANIONS[trigger],
    })),
  }
}
