/**
 * Multi-Storefront: a store's BigCommerce channels as the worker keeps them (channels.v3.yml), and the rules
 * that use them: which sites are live storefronts (the beacon's origins), which storefront a page belongs to,
 * and the storefront links of an order or cart. Pure; the channels are read by bigcommerce/channel-reads.ts and
 * kept in D1 by db/storefronts.ts.
 */
export interface StoreChannel {
  id: number
  /** The channel's name: `bc_storefront` on orders, carts and line items. */
  name: string
  /** storefront, marketplace, pos, marketing. */
  type: string
  platform: string
  /** prelaunch, active, inactive, connected, disconnected, archived, deleted, terminated. */
  status: string
  /** The site's URL, as BigCommerce returns it (storefronts; null without a site). */
  siteUrl: string | null
  /** Origins of every URL of the site (its `url`, primary, canonical and checkout URLs). */
  siteOrigins: string[]
  defaultCurrency: string | null
  currencies: string[]
}

/** Channel 1 is the store's default storefront; an order or cart that names no channel belongs to it. */
export const DEFAULT_CHANNEL_ID = 1

/** A storefront channel whose site is live: its shoppers' pages may post beacon hits. */
export function isLiveStorefront(channel: StoreChannel): boolean {
  return channel.type === 'storefront' && channel.status === 'active' && channel.siteOrigins.length > 0
}

/** `scheme://host[:port]`, lower-cased, for a URL or origin; null when it is not an http(s) URL. */
export function originOf(url: string | null | undefined): string | null {
  if (!url) return null
  try {
    const parsed = new URL(url.trim())
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.origin.toLowerCase() : null
  } catch {
    return null
  }
}

/** Every origin of a site: its `url` and each of its `urls` (primary, canonical, checkout), once each. */
export function siteOrigins(siteUrl: string | null, urls: readonly string[]): string[] {
  return [...new Set([siteUrl, ...urls].map(originOf).filter((o): o is string => o !== null))]
}

/** The origins live storefronts post beacon hits from. */
export function liveStorefrontOrigins(channels: readonly StoreChannel[]): string[] {
  return [...new Set(channels.filter(isLiveStorefront).flatMap((c) => c.siteOrigins))]
}

/** The live storefront an origin belongs to (a hit's `Origin`); null for an origin that is no storefront's. */
export function storefrontOfOrigin(channels: readonly StoreChannel[], origin: string | null | undefined): StoreChannel | null {
  const wanted = originOf(origin)
  if (!wanted) return null
  return channels.find((c) => isLiveStorefront(c) && c.siteOrigins.includes(wanted)) ?? null
}

/**
 * The storefront a link for `channelId` goes to: the channel's site, else (a channel without a site: a
 * marketplace, a POS, a headless storefront not yet given one) the default storefront's site; null when
 * neither is known. Without a trailing slash, so a path can follow.
 */
export function storefrontBaseUrl(channels: readonly StoreChannel[], channelId: number): string | null {
  const site = (id: number) => channels.find((c) => c.id === id)?.siteUrl ?? null
  const url = site(channelId) ?? site(DEFAULT_CHANNEL_ID)
  return url ? url.trim().replace(/\/+$/, '') : null
}

/**
 * The order in the shopper's account on its storefront (`bc_order_status_url`): Stencil storefronts
 * (platform `bigcommerce`) show it at `/account.php?action=view_order&order_id=<id>`, Catalyst at
 * `/account/orders/<id>`. A guest has no account page, and other platforms have their own routes: null then.
 */
export function orderStatusUrl(
  channel: Pick<StoreChannel, 'platform'> | null,
  baseUrl: string | null,
  order: { orderId: number; customerId: number },
): string | null {
  if (!channel || !baseUrl || order.customerId <= 0) return null
  if (channel.platform === 'bigcommerce') return `${baseUrl}/account.php?action=view_order&order_id=${order.orderId}`
  if (channel.platform === 'catalyst') return `${baseUrl}/account/orders/${order.orderId}`
  return null
}

/** Storefront channels that are not archived, deleted or terminated: the store's storefronts. */
export function storefrontChannels(channels: readonly StoreChannel[]): StoreChannel[] {
  return channels.filter((c) => c.type === 'storefront' && !['archived', 'deleted', 'terminated'].includes(c.status))
}
