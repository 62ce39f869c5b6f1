import type { Amount } from './money'

/**
 * The canonical model: the only shapes that cross from the BigCommerce side to the HubSpot side.
 * Everything here is plain, JSON-serializable data (it travels over Durable Object RPC and into storage).
 * Dates are ISO-8601 UTC strings; money is a decimal string; emails are normalized (trimmed, lower-cased).
 * Payment details (method, provider, card, transactions) have no place here, by design.
 */

export type Email = string
export type IsoDate = string

/** Where an order was placed (contract section 5). */
export const ORDER_CHANNELS = [
  'storefront',
  'marketplace',
  'pos',
  'wholesale',
  'partner',
  'manual',
  'unassigned',
] as const
export type OrderChannel = (typeof ORDER_CHANNELS)[number]

/** What brought the buyer (contract section 5). */
export const TOUCH_CHANNELS = [
  'direct',
  'organic_search',
  'paid_search',
  'organic_social',
  'paid_social',
  'email',
  'sms',
  'affiliate',
  'referral',
  'display',
  'video',
  'shopping',
  'unassigned',
] as const
export type TouchChannel = (typeof TOUCH_CHANNELS)[number]

/** `bc_consent_region`: the regulatory region of a contact's address, for workflows to branch on. */
export const CONSENT_REGIONS = ['eu_eea', 'uk', 'ca', 'us', 'other', 'unknown'] as const
export type ConsentRegion = (typeof CONSENT_REGIONS)[number]

/** A postal address as the contact shows it, normalised by domain/region.ts. */
export interface PostalAddress {
  /** ISO 3166-1 alpha-2 (`DE`); null when missing or not a country code. */
  country: string | null
  /** ISO 3166-2 (`US-CA`, `CA-QC`) where the subdivision is known, else the name as given; null when empty. */
  state: string | null
  city: string | null
  /** Upper-cased, spaces collapsed. */
  zip: string | null
}

export interface Customer {
  customerId: number
  email: Email
  firstName: string | null
  lastName: string | null
  /** E.164 when it parses, otherwise as entered; null when empty. */
  phone: string | null
  /** BigCommerce `accepts_product_review_abandoned_cart_emails`. */
  acceptsAbandonedCartEmails: boolean
  /** The default address: the first the customer saved (BigCommerce has no default flag); null when none. */
  address: PostalAddress | null
  /** The channel the account was created on (Multi-Storefront: one email may hold an account per channel). */
  originChannelId: number
  /** The channels the account may sign in to; empty for an account with global access. */
  channelIds: number[]
  createdAt: IsoDate
  modifiedAt: IsoDate
}

/** A BigCommerce newsletter subscriber record (email opt-in lives here, not on the customer). */
export interface Subscriber {
  subscriberId: number
  email: Email
  /** Consent `marketing_newsletter`. */
  newsletter: boolean
  /** Consent `abandoned_cart`. */
  abandonedCart: boolean
  modifiedAt: IsoDate
}

/**
 * HubSpot's record of an unsubscribe (contract section 4): `hs_email_optout` (all email) and the opt-outs of the
 * subscription types in HUBSPOT_MARKETING_SUBSCRIPTION_TYPES, with the time of the latest of them.
 */
export interface HubSpotOptOut {
  allEmail: boolean
  /** Subscription type ids opted out of (`hs_email_optout_<id>`). */
  types: string[]
  at: IsoDate
}

export interface OrderLine {
  /** The order product id (`bc_line_item_id`; refund items refer to it). */
  lineItemId: number
  productId: number
  variantId: number | null
  name: string
  sku: string
  quantity: number
  priceExTax: Amount
  totalExTax: Amount
  quantityRefunded: number
  /** The product's first category name, when known. */
  category: string | null
}

export interface Refund {
  refundId: number
  createdAt: IsoDate
  /** Total refunded in the order's (transactional) currency. */
  amount: Amount
  /** Order product ids refunded in this refund (item_type PRODUCT). */
  lineItemIds: number[]
}

export interface Shipment {
  shipmentId: number
  createdAt: IsoDate
  trackingNumber: string | null
  carrier: string | null
  /** The merchant's tracking link, else BigCommerce's generated one, else one built from the carrier. */
  trackingUrl: string | null
}

export type FulfillmentStatus = 'unshipped' | 'partially_shipped' | 'shipped'

export interface Order {
  orderId: number
  /** 0 for a guest checkout. */
  customerId: number
  /** The billing email, normalized. The contact this order belongs to. */
  email: Email
  firstName: string | null
  lastName: string | null
  phone: string | null
  billingAddress: PostalAddress | null
  /** The order in the store's admin (control panel). */
  adminUrl: string
  /** The order in the shopper's account on the storefront of its channel (`bc_order_status_url`); null for guests. */
  statusUrl: string | null
  /** BigCommerce status id (0..14); labels are the merchant's and are never used for rules. */
  statusId: number
  createdAt: IsoDate
  modifiedAt: IsoDate
  /** The transactional currency (`default_currency_code`). All order amounts are in it. */
  currency: string
  /** The store's base currency. */
  baseCurrency: string
  /** Multiply an amount in `currency` by this to get the base currency. */
  toBaseRate: Amount
  totalIncTax: Amount
  subtotalExTax: Amount
  totalTax: Amount
  shippingCostExTax: Amount
  /** `discount_amount` + `coupon_discount`. */
  discountTotal: Amount
  couponCodes: string[]
  channelId: number
  /** The BigCommerce channel's name (`bc_storefront`); null when the channel is unknown. */
  storefront: string | null
  channel: OrderChannel
  orderSource: string | null
  cartId: string | null
  /** The checkout's newsletter opt-in box. */
  emailOptIn: boolean
  lines: OrderLine[]
  refunds: Refund[]
  shipments: Shipment[]
  fulfillment: FulfillmentStatus
}

export interface CartLine {
  productId: number
  variantId: number | null
  sku: string
  name: string
  quantity: number
  category: string | null
}

/**
 * A cart as last seen. `status` is ours: BigCommerce deletes a cart when it converts or loses its last item,
 * so `converted` and `deleted` come from events, `emptied` from a cart with no items (HubSpot shows a deleted
 * one as emptied too).
 */
export type CartStatus = 'open' | 'abandoned' | 'converted' | 'emptied' | 'deleted'

export interface Cart {
  cartId: string
  customerId: number
  /** The BigCommerce channel the cart belongs to (1, the default storefront, when the cart names none). */
  channelId: number
  /** That channel's name; null when it is unknown. */
  storefront: string | null
  email: Email | null
  currency: string
  /** `cart_amount`, in the cart's currency. */
  amount: Amount
  lines: CartLine[]
  /** A recovery link the shopper can follow to restore the cart. */
  recoveryUrl: string | null
  createdAt: IsoDate
  updatedAt: IsoDate
}

export interface ProductVariant {
  variantId: number
  productId: number
  /** The product name, with the variant's option values in parentheses when it has any. */
  name: string
  sku: string
  price: Amount
  description: string
  category: string | null
  brand: string | null
}

/** A contact's lifecycle stage (`bc_customer_status`). */
export type CustomerStatus = 'prospect' | 'customer' | 'repeat_customer' | 'at_risk' | 'lapsed'
/** `bc_value_tier`; prospects have none. */
export type ValueTier = 'vip' | 'high' | 'standard'
/** `bc_email_consent`. */
export type EmailConsent = 'opted_in' | 'opted_out' | 'unknown'

/** Everything derived about a contact that lands on the HubSpot contact (but tiers and touches, set by cron). */
export interface ContactSummary {
  email: Email
  /** The person's first BigCommerce account (the oldest, when they hold one per storefront). */
  customerId: number | null
  /** Every customer id of the person: one account per storefront channel, and those their orders name. */
  customerIds: number[]
  firstName: string | null
  lastName: string | null
  phone: string | null
  orderCount: number
  /** The store's base currency (of the contact's orders), which its money figures are in; null without orders. */
  baseCurrency: string | null
  /** Paid revenue minus refunds, in the store's base currency. */
  lifetimeValue: Amount
  averageOrderValue: Amount
  firstOrderAt: IsoDate | null
  lastOrderAt: IsoDate | null
  customerStatus: CustomerStatus
  /** Category names, newest first, at most 3. */
  categoryAffinity: string[]
  emailConsent: EmailConsent
  /** Refunds in the store's base currency. */
  refundedTotal: Amount
  lastRefundAt: IsoDate | null
  firstOrderChannel: OrderChannel | null
  lastOrderChannel: OrderChannel | null
  /** The storefront (channel name) of the first paid order. */
  firstStorefront: string | null
  /** Every storefront bought from (paid orders), in the order of the first purchase on each. */
  storefronts: string[]
  /** The customer's default address, else the latest order's billing address. */
  address: PostalAddress | null
  consentRegion: ConsentRegion
  /** Since when the contact is known: its account's creation, its first order or cart; null when none says. */
  firstSeenAt: IsoDate | null
}

/** A classified touch (first touch, last touch, or the one an order is credited to). */
export interface TouchSummary {
  channel: TouchChannel
  source: string | null
  medium: string | null
  campaign: string | null
  at: IsoDate
}

/** Automation triggers; each lands on the contact as `bc_<trigger>_at`. */
export const TRIGGERS = [
  'cart_abandoned',
  'browse_abandoned',
  'order_placed',
  'order_shipped',
  'order_refunded',
  'order_cancelled',
  'post_purchase_step',
  'winback_due',
  'replenishment_due',
] as const
export type Trigger = (typeof TRIGGERS)[number]

export interface FiredTrigger {
  trigger: Trigger
  /** What makes it once-only, e.g. `order_placed:250`, `cart_abandoned:<cartId>:<updatedAt>`. */
  key: string
  /** The time of the event that caused it (so a replay writes the same value). */
  at: IsoDate
  cartUrl?: string
  cartValue?: Amount
  /** The currency of `cartValue`. */
  cartCurrency?: string
  productName?: string
  /** `day_0`, `day_3`, `hour_12`, ... */
  step?: string
}

export type DecisionKind = 'fired' | 'deferred' | 'suppressed' | 'cancelled' | 'shadowed'

/** What a trigger of a family in shadow mode would have done, had the family been live. */
export type ShadowOutcome = Exclude<DecisionKind, 'shadowed'>

export interface TriggerDecision {
  trigger: Trigger
  key: string
  decision: DecisionKind
  reason: string
  /** When the decision was taken. */
  at: IsoDate
  /** With `shadowed`: what a live family would have done, and the trigger it would have written. */
  shadow?: { outcome: ShadowOutcome; wouldFire?: FiredTrigger }
}
