import { hubspotAmount } from '../../domain/money'
import type { ContactSummary, Email, FiredTrigger, ValueTier } from '../../domain/model'
import { toHubSpotDate, toHubSpotDateTime, triggerProperty } from '../properties'
import type { HubSpotRecord, PropertyValue, TriggerWrite } from '../records'

/**
 * The contact, keyed by normalized email: identity, the BigCommerce summary, and the triggers that fired.
 * Name, phone and address are only ever set, never cleared (HubSpot may know them from forms); an address is
 * written whole, so no part of an older one lingers. Figures derived from orders are cleared (`''`) when
 * they no longer apply, e.g. after the only paid order was cancelled.
 */
export function contactRecord(summary: ContactSummary, fired: FiredTrigger[] = []): HubSpotRecord {
  const properties: Record<string, PropertyValue> = { email: summary.email }
  if (summary.firstName) properties.firstname = summary.firstName
  if (summary.lastName) properties.lastname = summary.lastName
  if (summary.phone) properties.phone = summary.phone
  if (summary.customerId !== null && summary.customerId > 0) properties.bc_customer_id = summary.customerId
  if (summary.customerIds.length > 0) properties.bc_customer_ids = summary.customerIds.join(';')
  if (summary.address) {
    const { country, state, city, zip } = summary.address
    Object.assign(properties, { country: country ?? '', state: state ?? '', city: city ?? '', zip: zip ?? '' })
  }
  Object.assign(properties, {
    bc_order_count: summary.orderCount,
    bc_lifetime_value: hubspotAmount(summary.lifetimeValue, summary.baseCurrency),
    bc_average_order_value: hubspotAmount(summary.averageOrderValue, summary.baseCurrency),
    bc_first_order_date: summary.firstOrderAt ? toHubSpotDate(summary.firstOrderAt) : '',
    bc_last_order_date: summary.lastOrderAt ? toHubSpotDate(summary.lastOrderAt) : '',
    bc_customer_status: summary.customerStatus,
    bc_category_affinity: summary.categoryAffinity.slice(0, 3).join(';'),
    bc_email_consent: summary.emailConsent,
    bc_refunded_total: hubspotAmount(summary.refundedTotal, summary.baseCurrency),
    bc_last_refund_date: summary.lastRefundAt ? toHubSpotDate(summary.lastRefundAt) : '',
    bc_first_order_channel: summary.firstOrderChannel ?? '',
    bc_last_order_channel: summary.lastOrderChannel ?? '',
    bc_first_storefront: summary.firstStorefront ?? '',
    bc_storefronts: summary.storefronts.join(';'),
    bc_consent_region: summary.consentRegion,
  })
  const triggers = [...fired].sort((a, b) => Date.parse(a.at) - Date.parse(b.at)).map(triggerWrite)
  return { objectType: 'contacts', key: summary.email, properties, ...(triggers.length ? { triggers } : {}) }
}

/** `bc_<trigger>_at` and its companions for one fired trigger: written together, never merged with another. */
export function triggerWrite(f: FiredTrigger): TriggerWrite {
  const property = triggerProperty(f.trigger)
  const properties: Record<string, PropertyValue> = { [property]: toHubSpotDateTime(f.at) }
  if (f.trigger === 'cart_abandoned') {
    properties.bc_abandoned_cart_url = f.cartUrl ?? ''
    properties.bc_abandoned_cart_value = f.cartValue !== undefined ? hubspotAmount(f.cartValue, f.cartCurrency ?? null) : ''
  } else if (f.trigger === 'browse_abandoned') {
    properties.bc_browse_abandoned_product = f.productName ?? ''
  } else if (f.trigger === 'post_purchase_step') {
    properties.bc_post_purchase_step = f.step ?? ''
  }
  return { property, properties }
}

/** The value tier, set by the ranking cron; `null` clears it (prospects have none). */
export function valueTierRecord(email: Email, tier: ValueTier | null): HubSpotRecord {
  return { objectType: 'contacts', key: email, properties: { email, bc_value_tier: tier ?? '' } }
}
