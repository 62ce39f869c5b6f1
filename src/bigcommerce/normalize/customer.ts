import { normalizeEmail, normalizePhone } from '../../domain/identity'
import type { Customer, Subscriber } from '../../domain/model'
import type { V3Customer, V3Subscriber } from '../resources'
import { UnusableResourceError } from './errors'

export function normalizeCustomer(customer: V3Customer): Customer {
  const email = normalizeEmail(customer.email)
  if (!email) throw new UnusableResourceError('customer_without_email', `customer ${customer.id} has no usable email`)
  // A local number is read in the country of the customer's first address.
  const country = customer.addresses.find((a) => a.country_code)?.country_code ?? null
  return {
    customerId: customer.id,
    email,
    firstName: customer.first_name.trim() || null,
    lastName: customer.last_name.trim() || null,
    phone: normalizePhone(customer.phone || customer.addresses.find((a) => a.phone)?.phone, country),
    acceptsAbandonedCartEmails: customer.accepts_product_review_abandoned_cart_emails,
    createdAt: customer.date_created,
    modifiedAt: customer.date_modified ?? customer.date_created,
  }
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
