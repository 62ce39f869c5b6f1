import { publishUnlinkedOrder } from '../db/erasure'
import { canonicalEmail, linkCartToOrder, recordCustomerEmail, recordSubscriberEmail } from '../db/identity'
import { startsAfterErasure } from '../domain/erasure-rules'
import type { Customer, Order, Subscriber } from '../domain/model'
import { contactObject, hubspotWriter } from '../durable/stubs'
import type { ApplyOptions } from '../durable/contact-object'
import type { Env } from '../env'
import { erasedAt } from '../erasure/gate'
import { unlinkedOrderRecords } from '../hubspot/mapping/order-records'

/**
 * Hands a hydrated record to its contact, with the identity rows that lead to it: what webhooks and the
 * backfill share. The contact is the person's: the record's email, or the email it was linked to. An erased
 * person's history (a record from before the erasure of its own email) does not bring them back: an old order
 * is kept up to date as the store's financial record without a personal link, anything else is dropped; a new
 * order or sign-up starts a new relationship.
 */
export async function deliverOrder(env: Env, order: Order, options: ApplyOptions): Promise<void> {
  const erased = await erasedAt(env, order.email)
  if (erased !== null && !startsAfterErasure.order(order, erased)) {
    await publishUnlinkedOrder(env.DB, order)
    await hubspotWriter(env).enqueue(unlinkedOrderRecords(order), [], options.mode === 'import' ? 'bulk' : 'live')
    return
  }
  const person = await canonicalEmail(env.DB, order.email)
  if (order.cartId) await linkCartToOrder(env.DB, order.cartId, order.orderId, person, order.channelId)
  await contactObject(env, person).applyOrder(order, options)
}

export async function deliverCustomer(env: Env, customer: Customer, subscriber: Subscriber | null, options: ApplyOptions): Promise<void> {
  const erased = await erasedAt(env, customer.email)
  if (erased !== null && !startsAfterErasure.customer(customer, erased)) return
  const person = await canonicalEmail(env.DB, customer.email)
  await recordCustomerEmail(env.DB, customer.customerId, person)
  // The subscriber record keeps its own email: a deletion re-reads the store's records by it.
  if (subscriber) await recordSubscriberEmail(env.DB, subscriber.subscriberId, subscriber.email)
  await contactObject(env, person).applyCustomer(customer, subscriber, options)
}

export async function deliverSubscriber(env: Env, subscriber: Subscriber, options: ApplyOptions): Promise<void> {
  const erased = await erasedAt(env, subscriber.email)
  if (erased !== null && !startsAfterErasure.subscriber(subscriber, erased)) return
  await recordSubscriberEmail(env.DB, subscriber.subscriberId, subscriber.email)
  await contactObject(env, await canonicalEmail(env.DB, subscriber.email)).applySubscriber(subscriber, options)
}
