import { normalizeEmail } from '../domain/identity-keys'
import { BigCommerceError, type BigCommerceClient } from './bigcommerce-client'
import { parsePayloadList } from './parse'
import { v3Customer, v3Subscriber } from './resources'

/**
 * CONSENT_WRITE_BACK (contract section 2): HubSpot's unsubscribe written to the store, never the other way
 * round. The email's subscriber records lose `marketing_newsletter` (and `abandoned_cart` for an unsubscribe from
 * all email): `PUT /v3/customers/subscribers/{id}` with `consents` (subscribers.v3.yml `subscriber_Put`); its
 * customer accounts get `accepts_product_review_abandoned_cart_emails: false`: `PUT /v3/customers`, an array of
 * at most 10 with `id` required (customers.v3.yml `customer_Put`). Both need the Customers modify scope
 * (`store_v2_customers`). A record changed after the HubSpot unsubscribe is left alone: a store opt-in newer
 * than the unsubscribe counts, and the worker never takes it back. Nothing here ever adds a consent.
 */
export interface OptOutToWrite {
  email: string
  allEmail: boolean
  /** ISO-8601: HubSpot's unsubscribe. */
  optedOutAt: string
}

export interface WrittenChange {
  record: 'subscriber' | 'customer'
  id: number
  before: Record<string, unknown>
  after: Record<string, unknown>
}

const CUSTOMERS_PER_PUT = 10

export async function writeBackOptOut(client: BigCommerceClient, optOut: OptOutToWrite): Promise<WrittenChange[]> {
  const changes: WrittenChange[] = []
  const drop = new Set(['marketing_newsletter', ...(optOut.allEmail ? ['abandoned_cart'] : [])])
  const subscribers = parsePayloadList(v3Subscriber, await client.all('v3', '/customers/subscribers', { email: optOut.email }), 'subscribers')
  for (const subscriber of subscribers) {
    if (normalizeEmail(subscriber.email) !== optOut.email || newer(subscriber.date_modified, optOut.optedOutAt)) continue
    const consents = subscriber.consents.filter((c) => !drop.has(c))
    if (consents.length === subscriber.consents.length) continue
    await client.put(`/v3/customers/subscribers/${subscriber.id}`, { consents })
    changes.push({ record: 'subscriber', id: subscriber.id, before: { consents: subscriber.consents }, after: { consents } })
  }
  const listed = await client.v3<{ data?: unknown }>('/customers', { 'email:in': optOut.email })
  const customers = parsePayloadList(v3Customer, listed?.data ?? [], 'customers').filter(
    (c) => normalizeEmail(c.email) === optOut.email && c.accepts_product_review_abandoned_cart_emails && !newer(c.date_modified, optOut.optedOutAt),
  )
  for (let i = 0; i < customers.length; i += CUSTOMERS_PER_PUT) {
    const chunk = customers.slice(i, i + CUSTOMERS_PER_PUT)
    await client.put('/v3/customers', chunk.map((c) => ({ id: c.id, accepts_product_review_abandoned_cart_emails: false })))
    for (const c of chunk) {
      changes.push({
        record: 'customer',
        id: c.id,
        before: { accepts_product_review_abandoned_cart_emails: true },
        after: { accepts_product_review_abandoned_cart_emails: false },
      })
    }
  }
  return changes
}

/** Compared as instants: BigCommerce writes `...:02Z`, HubSpot's history `...:02.000Z`. */
function newer(modifiedAt: string | null, optedOutAt: string): boolean {
  return modifiedAt !== null && Date.parse(modifiedAt) > Date.parse(optedOutAt)
}

export type ScopeCheck = { available: true } | { available: false; reason: string }

/**
 * Setup's check of the Customers modify scope, changing nothing: an empty update (`PUT /v3/customers` with `[]`)
 * is refused with 403 by a token without it, before anything is read; a token with it gets past that check.
 */
export async function checkCustomersWriteScope(client: BigCommerceClient): Promise<ScopeCheck> {
  try {
    await client.put('/v3/customers', [])
    return { available: true }
  } catch (err) {
    if (!(err instanceof BigCommerceError)) throw err
    if (err.status === 403 || err.status === 401) {
      return {
        available: false,
        reason: `BigCommerce refused a customer update (${err.message}): give the API account the Customers modify scope (store_v2_customers)`,
      }
    }
    // Anything else (422 for the empty list) came after the scope check passed.
    if (err.status >= 400 && err.status < 500) return { available: true }
    throw err
  }
}
