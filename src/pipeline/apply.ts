import {
  hydrateCart,
  hydrateCustomer,
  hydrateOrder,
  hydrateProductVariants,
  hydrateSubscriber,
  resolveAbandonedCartToken,
} from '../bigcommerce/hydrate'
import { readChannel } from '../bigcommerce/channel-reads'
import type { WebhookSubject } from '../bigcommerce/webhook'
import { forgetCatalogEntry } from '../db/catalog'
import { saveChannel } from '../db/storefronts'
import { recordHookException } from '../db/sync-state'
import {
  canonicalEmail,
  cartOwner,
  customerEmailOf,
  forgetCustomerEmail,
  forgetSubscriberEmail,
  linkCartToOrder,
  recordCart,
  recordSubscriberEmail,
  subscriberEmailOf,
} from '../db/identity'
import { startsAfterErasure } from '../domain/erasure-rules'
import { normalizeEmail } from '../domain/identity-keys'
import { recoveryLink } from '../recovery/recovery-link'
import { isSynced } from '../domain/order-status'
import { erasedAt } from '../erasure/gate'
import { productRecords } from '../hubspot/mapping/product-records'
import { contactObject, hubspotWriter, personObject } from '../durable/stubs'
import { applyCompanyEvent, applyCompanyOrder } from './company-events'
import { deliverCustomer, deliverOrder, deliverSubscriber } from './deliver'
import type { PipelineDeps } from './deps'

export interface ApplyContext {
  /** The webhook's `created_at` (unix seconds), for latency figures. */
  eventCreatedAt: number | null
}

/**
 * Applies one webhook subject: re-fetch the resource's current state from BigCommerce (payloads are light
 * and may arrive late or twice), normalize it, and hand it to the contact it belongs to (the person's, when its
 * email was linked to another). Everything here is safe to repeat: the contact's Durable Object ignores stale
 * states and every effect is keyed.
 */
export async function applySubject(deps: PipelineDeps, subject: WebhookSubject, context: ApplyContext): Promise<void> {
  switch (subject.kind) {
    case 'order':
      return applyOrder(deps, subject.orderId, context)
    case 'cart':
      return subject.change === 'updated'
        ? applyCart(deps, subject.cartId, null)
        : applyCartGone(deps, subject.cartId, subject.change, subject.orderId)
    case 'cart_abandoned': {
      const cartId = subject.cartId ?? (subject.token ? await resolveAbandonedCartToken(deps.bigcommerce, subject.token) : null)
      return cartId ? applyCart(deps, cartId, context.eventCreatedAt) : undefined
    }
    case 'customer':
      return subject.change === 'updated' ? applyCustomer(deps, subject.customerId) : applyCustomerGone(deps, subject.customerId)
    case 'subscriber':
      return subject.change === 'updated'
        ? applySubscriber(deps, subject.subscriberId)
        : applySubscriberGone(deps, subject.subscriberId, context.eventCreatedAt)
    case 'product':
      return subject.change === 'updated' ? applyProduct(deps, subject.productId) : undefined
    case 'channel':
      // A new or renamed storefront, a status change, a new domain: links and beacon origins follow at once.
      return saveChannel(deps.env.DB, subject.channelId, await readChannel(deps.bigcommerce, subject.channelId), Date.now())
    case 'hook_exception':
      return recordHookException(deps.env.DB, subject, new Date())
    case 'company':
      return applyCompanyEvent(deps, subject.companyId, subject.change)
    case 'ignored':
      return
  }
}

async function applyOrder(deps: PipelineDeps, orderId: number, context: ApplyContext): Promise<void> {
  const order = await hydrateOrder(deps.bigcommerce, orderId, deps.lookups)
  // Deleted orders (404) and Incomplete ones (status 0: the shopper never paid) are never synced.
  if (!order || !isSynced(order.statusId)) return
  await deliverOrder(deps.env, order, { mode: 'live', eventCreatedAt: context.eventCreatedAt })
  await applyCompanyOrder(deps, order.customerId)
}

async function applyCart(deps: PipelineDeps, cartId: string, abandonedSignal: number | null): Promise<void> {
  const hydrated = await hydrateCart(deps.bigcommerce, cartId, deps.lookups)
  if (!hydrated) return
  const { PUBLIC_URL, BIGCOMMERCE_ACCESS_TOKEN } = deps.config
  const cart = { ...hydrated, recoveryUrl: await recoveryLink(PUBLIC_URL, BIGCOMMERCE_ACCESS_TOKEN, hydrated) }
  const known = cart.email ?? (cart.customerId > 0 ? await customerEmail(deps, cart.customerId) : null)
  // An erased person's cart from before the erasure is theirs no more to sync.
  const erased = known ? await erasedAt(deps.env, known) : null
  if (erased !== null && !startsAfterErasure.cart(cart, erased)) return
  const email = known === null ? null : await canonicalEmail(deps.env.DB, known)
  const previousOwner = await cartOwner(deps.env.DB, cartId)
  await recordCart(deps.env.DB, { ...cart, email })
  // The shopper changed the checkout email: the cart is no longer the previous contact's to abandon.
  if (previousOwner && email && previousOwner !== email) {
    await contactObject(deps.env, previousOwner).cartGone(cartId, 'moved', null)
  }
  // A cart without an email waits: the shopper's email at checkout fires store/cart/updated.
  if (!email) return
  const abandonedSignalAt = abandonedSignal === null ? null : new Date(abandonedSignal * 1000).toISOString()
  await contactObject(deps.env, email).applyCart({ ...cart, email }, { abandonedSignalAt })
}

async function applyCartGone(
  deps: PipelineDeps,
  cartId: string,
  change: 'deleted' | 'converted',
  orderId: number | null,
): Promise<void> {
  if (change === 'converted' && orderId !== null) await linkCartToOrder(deps.env.DB, cartId, orderId, null)
  const owner = await cartOwner(deps.env.DB, cartId)
  if (owner) await contactObject(deps.env, owner).cartGone(cartId, change, orderId)
}

async function applyCustomer(deps: PipelineDeps, customerId: number): Promise<void> {
  const customer = await hydrateCustomer(deps.bigcommerce, customerId)
  if (!customer) return
  const subscriber = await hydrateSubscriber(deps.bigcommerce, { email: customer.email })
  await deliverCustomer(deps.env, customer, subscriber, {})
}

/** A deleted customer account: its id no longer leads to the contact, which stays (HubSpot owns identity). */
async function applyCustomerGone(deps: PipelineDeps, customerId: number): Promise<void> {
  const email = await customerEmailOf(deps.env.DB, customerId)
  if (!email) return
  await (await personObject(deps.env, email)).customerGone(customerId)
  await forgetCustomerEmail(deps.env.DB, customerId)
}

async function applySubscriber(deps: PipelineDeps, subscriberId: number): Promise<void> {
  const subscriber = await hydrateSubscriber(deps.bigcommerce, { id: subscriberId })
  if (!subscriber) return
  await deliverSubscriber(deps.env, subscriber, {})
}

/**
 * A deleted subscriber record is an opt-out: the email's records are read again (another channel may hold one);
 * with none left, the contact (the person's, for an email linked to another) holds no newsletter consent from
 * the deletion on.
 */
async function applySubscriberGone(deps: PipelineDeps, subscriberId: number, eventCreatedAt: number | null): Promise<void> {
  const email = await subscriberEmailOf(deps.env.DB, subscriberId)
  if (!email) return
  const replacement = await hydrateSubscriber(deps.bigcommerce, { email })
  const at = new Date(eventCreatedAt === null ? Date.now() : eventCreatedAt * 1000).toISOString()
  if (replacement) await recordSubscriberEmail(deps.env.DB, replacement.subscriberId, replacement.email)
  await (await personObject(deps.env, email)).subscriberGone(subscriberId, replacement, at)
  if (replacement?.subscriberId !== subscriberId) await forgetSubscriberEmail(deps.env.DB, subscriberId)
}

async function applyProduct(deps: PipelineDeps, productId: number): Promise<void> {
  // Its category may have changed: the next order of it must not read a stale cached one (nor this batch's).
  await forgetCatalogEntry(deps.env.DB, 'product', productId)
  deps.lookups.forget('product', productId)
  const variants = await hydrateProductVariants(deps.bigcommerce, productId, deps.lookups)
  if (variants && variants.length > 0) await hubspotWriter(deps.env).enqueue(productRecords(variants))
}

async function customerEmail(deps: PipelineDeps, customerId: number): Promise<string | null> {
  const customer = await hydrateCustomer(deps.bigcommerce, customerId)
  return customer ? normalizeEmail(customer.email) : null
}
