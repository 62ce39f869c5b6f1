import { normalizeEmail, normalizePhone } from '../../domain/identity-keys'
import type { Customer, PostalAddress, Subscriber } from '../../domain/model'
import { postalAddress } from '../../domain/region'
import type { V3Customer, V3Subscriber } from '../resources'
import { UnusableResourceError } from './errors'

export function normalizeCustomer(customer: V3Customer): Customer {
  const email = normalizeEmail(customer.email)
  if (!email) throw new UnusableResourceError('customer_without_email', `customer ${customer.id} has no usable email`)
  const address = defaultAddress(customer.addresses)
  // A local number is read in the country of the customer's default address.
  const country = address?.country ?? null
  return {
    customerId: customer.id,
    email,
    firstName: customer.first_name.trim() || null,
    lastName: customer.last_name.trim() || null,
    phone: normalizePhone(customer.phone || customer.addresses.find((a) => a.phone)?.phone, country),
    acceptsAbandonedCartEmails: customer.accepts_product_review_abandoned_cart_emails,
    address,
    // An account without an origin channel predates Multi-Storefront: it belongs to the default storefront.
    originChannelId: customer.origin_channel_id ?? 1,
    channelIds: [...new Set(customer.channel_ids)].sort((a, b) => a - b),
    createdAt: customer.date_created,
    modifiedAt: customer.date_modified ?? customer.date_created,
  }
}

/**
 * BigCommerce's customer addresses have no default flag (customers.v3.yml `address_Full`): the default is the
 * first one the customer saved (lowest id), so a later address, often a gift recipient's, does not move them.
 */
function defaultAddress(addresses: V3Customer['addresses']): PostalAddress | null {
  const oldestFirst = [...addresses].sort((a, b) => (a.id ?? Infinity) - (b.id ?? Infinity))
  for (const a of oldestFirst) {
    const address = postalAddress({ country: a.country_code, state: a.state_or_province, city: a.city, zip: a.postal_code })
    if (address) return address
  }
  return null
}

export function normalizeSubscriber(subscriber: V3Subscriber): Subscriber {
  const email = normalizeEmail(subscriber.email)
  if (!email) throw new UnusableResourceError('subscriber_without_email', `subscriber ${subscriber.id} has no usable email`)
  const consents = new Set(subscriber.consents.map((c) => c.trim().toLowerCase()))
  return {
    subscriberId: subscriber.id,
    email,
    newsletter: consents.has('marketing_newsletter'),
    abandonedCart: consents.has('abandoned_cart'),
    modifiedAt: subscriber.date_modified ?? subscriber.date_created ?? new Date(0).toISOString(),
  }
}
