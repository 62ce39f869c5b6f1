import { z } from 'zod'
import type { BigCommerceClient } from './bigcommerce-client'
import { parsePayload } from './parse'
import { v3CartRedirectUrls } from './resources'

/**
 * The storefront side of cart recovery. BigCommerce's redirect URLs are "valid for 30 days and may only be
 * used once" (carts.v3.yml), so one is asked for at each visit of the worker's recovery link, never stored.
 */

/** A fresh single-use URL that restores the cart; null when the cart is gone (converted or deleted: 404). */
export async function freshCartRedirectUrl(client: BigCommerceClient, cartId: string): Promise<string | null> {
  const created = await client.post(`/v3/carts/${encodeURIComponent(cartId)}/redirect_urls`, {})
  if (created === null) return null
  const urls = parsePayload(z.object({ data: v3CartRedirectUrls }), created, `redirect URLs of cart ${cartId}`).data
  return urls.cart_url.trim() || urls.checkout_url.trim() || null
}

/**
 * Where a shopper lands when a recovery link has no cart to restore (it became an order, was deleted, or
 * expired): the storefront's cart page. The one place that knows a storefront's address, so links per
 * storefront channel (Multi-Storefront) change only this function. The channel's site is read from
 * `GET /v3/channels/{id}/site`; without one (or when BigCommerce does not answer), the store's permanent
 * address `https://store-{hash}.mybigcommerce.com`.
 */
export async function storefrontCartPage(client: BigCommerceClient, channelId: number | null): Promise<string> {
  const fallback = `https://store-${client.storeHash}.mybigcommerce.com/cart.php`
  try {
    const raw = await client.v3(`/channels/${channelId ?? 1}/site`)
    if (raw === null) return fallback
    const site = parsePayload(z.object({ data: z.object({ url: z.string().url() }) }), raw, 'channel site').data
    return `${site.url.replace(/\/+$/, '')}/cart.php`
  } catch (err) {
    console.warn(`storefront address not read: ${err instanceof Error ? err.message : String(err)}`)
    return fallback
  }
}
