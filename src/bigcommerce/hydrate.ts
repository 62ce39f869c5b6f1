import type { Cart, Customer, Order, ProductVariant, Subscriber } from '../domain/model'
import type { CatalogLookups } from '../domain/catalog-lookups'
import { orderStatusUrl } from '../domain/multi-storefront'
import type { BigCommerceClient } from './bigcommerce-client'
import { normalizeEmail } from '../domain/identity-keys'
import { cartProductIds, normalizeCart } from './normalize/normalize-cart'
import { normalizeCustomer, normalizeSubscriber } from './normalize/normalize-customer'
import { normalizeOrder } from './normalize/normalize-order'
import { normalizeProductVariants } from './normalize/normalize-product'
import {
  v2Order,
  v3AbandonedCart,
  v3Cart,
  v3Customer,
  v3One,
  v3Product,
  v3Refund,
  v3Subscriber,
  v3Variant,
  type V3Customer,
  type V3Subscriber,
} from './resources'
import { InvalidPayloadError, parsePayload as parse, parsePayloadList as parseList } from './parse'
import { ORDER_INCLUDES, readOrderParts } from './order-reads'

export { InvalidPayloadError }

/**
 * Hydration: webhooks carry only ids, so every handler re-fetches the current state and normalizes it. A
 * re-fetch returns the latest state, which makes processing out of order safe. `null` means the resource is
 * gone (404); failures throw `BigCommerceError` (retryable or not), a payload that breaks its schema throws
 * `InvalidPayloadError`, and a resource the model cannot hold throws `UnusableResourceError`.
 */

/**
 * The order with its line items (in the same call), refunds, and the shipments and coupons it says it has.
 * Status 0 orders come back as they are.
 */
export async function hydrateOrder(client: BigCommerceClient, orderId: number, lookups: CatalogLookups): Promise<Order | null> {
  const raw = await client.v2(`/orders/${orderId}`, ORDER_INCLUDES)
  if (raw === null) return null
  const order = parse(v2Order, raw, `order ${orderId}`)

  const [parts, refunds, channel, storefrontUrl] = await Promise.all([
    readOrderParts(client, order, raw, 'live'),
    client.all('v3', `/orders/${orderId}/payment_actions/refunds`),
    lookups.channel(order.channel_id ?? 1),
    lookups.storefrontUrl(order.channel_id ?? 1),
  ])
  const parsedProducts = parts.products
  const categories = await categoriesOf(
    parsedProducts.map((p) => p.product_id).filter((id): id is number => id !== null),
    lookups,
  )

  // A billing address without an email (POS, API orders): the customer account's email, when there is one.
  let fallbackEmail: string | null = null
  if (!normalizeEmail(order.billing_address?.email) && order.customer_id > 0) {
    fallbackEmail = (await fetchCustomer(client, order.customer_id))?.email ?? null
  }

  return normalizeOrder({
    order,
    products: parsedProducts,
    shipments: parts.shipments,
    coupons: parts.coupons,
    refunds: parseList(v3Refund, refunds, `order ${orderId} refunds`),
    categories,
    channel,
    statusUrl: orderStatusUrl(channel, storefrontUrl, { orderId: order.id, customerId: order.customer_id }),
    fallbackEmail,
    storeHash: client.storeHash,
  })
}

/**
 * The cart, with `lookups` adding the items' categories. No redirect URL is read or created here: they work
 * once, so the worker's recovery link asks for a fresh one at each visit (src/routes/cart-recovery.ts).
 */
export async function hydrateCart(client: BigCommerceClient, cartId: string, lookups?: CatalogLookups): Promise<Cart | null> {
  const raw = await client.v3(`/carts/${encodeURIComponent(cartId)}`, {
    include: 'line_items.physical_items.options,line_items.digital_items.options',
  })
  if (raw === null) return null
  const cart = parse(v3One(v3Cart), raw, `cart ${cartId}`).data
  const categories = lookups ? await categoriesOf(cartProductIds(cart), lookups) : new Map<number, string | null>()
  const channel = lookups ? await lookups.channel(cart.channel_id ?? 1) : null
  return normalizeCart(cart, categories, channel?.name ?? null)
}

/** `store/cart/abandoned` carries a token; /v3/abandoned-carts/{token} names its cart. */
export async function resolveAbandonedCartToken(client: BigCommerceClient, token: string): Promise<string | null> {
  const raw = await client.v3(`/abandoned-carts/${encodeURIComponent(token)}`)
  if (raw === null) return null
  return parse(v3One(v3AbandonedCart), raw, 'abandoned cart').data.cart_id
}

/** There is no GET /v3/customers/{id}: the list filtered by `id:in`. */
export async function hydrateCustomer(client: BigCommerceClient, customerId: number): Promise<Customer | null> {
  const customer = await fetchCustomer(client, customerId)
  return customer ? normalizeCustomer(customer) : null
}

async function fetchCustomer(client: BigCommerceClient, customerId: number): Promise<V3Customer | null> {
  const raw = await client.v3<{ data?: unknown }>('/customers', { 'id:in': customerId, include: 'addresses' })
  if (raw === null) return null
  const customers = parseList(v3Customer, raw.data ?? [], `customer ${customerId}`)
  return customers.find((c) => c.id === customerId) ?? null
}

/**
 * The newsletter subscriber by id (webhooks) or by email (a contact's consent). By email, the most recently
 * modified record wins when several channels hold one.
 */
export async function hydrateSubscriber(
  client: BigCommerceClient,
  key: { id: number } | { email: string },
): Promise<Subscriber | null> {
  if ('id' in key) {
    const raw = await client.v3(`/customers/subscribers/${key.id}`)
    if (raw === null) return null
    return normalizeSubscriber(parse(v3One(v3Subscriber), raw, `subscriber ${key.id}`).data)
  }
  const email = normalizeEmail(key.email)
  if (!email) return null
  const found: V3Subscriber[] = []
  for await (const page of client.v3List('/customers/subscribers', { email })) {
    found.push(...parseList(v3Subscriber, page.items, 'subscribers'))
  }
  const matching = found
    .filter((s) => normalizeEmail(s.email) === email)
    .sort((a, b) => (b.date_modified ?? '').localeCompare(a.date_modified ?? '') || b.id - a.id)
  return matching[0] ? normalizeSubscriber(matching[0]) : null
}

/** Every variant of a product, named with its option values, with the product's category and brand. */
export async function hydrateProductVariants(
  client: BigCommerceClient,
  productId: number,
  lookups: CatalogLookups,
): Promise<ProductVariant[] | null> {
  const raw = await client.v3(`/catalog/products/${productId}`)
  if (raw === null) return null
  const product = parse(v3One(v3Product), raw, `product ${productId}`).data
  const variants = parseList(v3Variant, 
    await client.all('v3', `/catalog/products/${productId}/variants`),
    `product ${productId} variants`,
  )
  const firstCategory = product.categories[0]
  const [category, brand] = await Promise.all([
    firstCategory !== undefined ? lookups.categoryName(firstCategory) : null,
    product.brand_id !== null ? lookups.brandName(product.brand_id) : null,
  ])
  return normalizeProductVariants(product, variants, { category, brand })
}

async function categoriesOf(productIds: number[], lookups: CatalogLookups): Promise<Map<number, string | null>> {
  const unique = [...new Set(productIds)]
  const names = await Promise.all(unique.map((id) => lookups.productCategory(id)))
  return new Map(unique.map((id, i) => [id, names[i] ?? null]))
}
