import { normalizeEmail } from '../../domain/identity-keys'
import type { Cart, CartLine } from '../../domain/model'
import type { V3Cart } from '../resources'

/**
 * A cart as BigCommerce holds it. Its status (open, abandoned, converted...) is decided from events, not here.
 * `categories` maps product id → first category name, when the caller looked them up; `storefront` is the name
 * of the cart's channel, when known.
 */
export function normalizeCart(
  cart: V3Cart,
  categories: ReadonlyMap<number, string | null> = new Map(),
  storefront: string | null = null,
): Cart {
  const { physical_items, digital_items, custom_items } = cart.line_items
  const lines: CartLine[] = [...physical_items, ...digital_items, ...custom_items].map((item) => ({
    productId: item.product_id ?? 0,
    variantId: item.variant_id,
    sku: item.sku,
    name: item.name,
    quantity: item.quantity,
    category: item.product_id ? (categories.get(item.product_id) ?? null) : null,
  }))
  return {
    cartId: cart.id,
    customerId: cart.customer_id,
    channelId: cart.channel_id ?? 1,
    storefront,
    email: normalizeEmail(cart.email),
    currency: cart.currency.code.toUpperCase(),
    amount: cart.cart_amount,
    lines,
    // The worker's own recovery link, signed by the pipeline (BigCommerce's redirect URLs work once).
    recoveryUrl: null,
    createdAt: cart.created_time,
    updatedAt: cart.updated_time ?? cart.created_time,
  }
}

/** Product ids of a cart's catalog items, for category lookups. */
export function cartProductIds(cart: V3Cart): number[] {
  const { physical_items, digital_items } = cart.line_items
  return [...new Set([...physical_items, ...digital_items].map((i) => i.product_id).filter((id): id is number => id !== null))]
}
