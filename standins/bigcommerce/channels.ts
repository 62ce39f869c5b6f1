/**
 * Channels as BigCommerce has them (channels.v3.yml): which `type` and `platform` pairs and which statuses it
 * accepts, a channel's site (where a storefront is hosted, and the URLs that belong to it), and the
 * channel-scoped webhooks it sends beside the global ones (docs/integrations/webhooks/events/channels.mdx):
 * `store/channel/{id}/order/*` with `data: {order_id}`, `store/channel/{id}/cart/*` with `data: {cart_id}` and
 * `…/cart/lineItem/*` with `data: {cart_id, cart_item_id}`, none of them with `type` or `id`.
 */
import { StoreError } from './errors'
import type { Channel, ChannelStatus, ChannelType, Site, StoreEvent } from './types'

/** The platform → accepted types table of channels.v3.yml ("A channel's type and platform combination must be a valid pair"). */
const PLATFORM_TYPES: Record<string, readonly ChannelType[]> = {
  clover: ['pos'], square: ['pos'], stripe: ['pos'], talech: ['pos'], vend: ['pos'],
  amazon: ['marketplace'], belk: ['marketplace'], catch: ['marketplace'], ebay: ['marketplace'], etsy: ['marketplace'],
  facebook: ['marketplace', 'marketing'], hudsons_bay: ['marketplace'], google: ['marketplace', 'marketing'],
  google_shopping: ['marketing'], instagram: ['marketplace', 'marketing'], macys: ['marketplace'],
  meta: ['marketplace', 'marketing'], microsoft: ['marketing'], mirakl: ['marketplace'], overstock: ['marketplace'],
  pinterest: ['marketplace'], target_plus: ['marketplace'], tiktok: ['marketplace'], wayfair: ['marketplace'],
  wish: ['marketplace'], walmart: ['marketplace'],
  acquia: ['storefront'], bigcommerce: ['storefront'], bloomreach: ['storefront'], catalyst: ['storefront'],
  deity: ['storefront'], drupal: ['storefront'], gatsby: ['storefront'], next: ['storefront'], vue: ['storefront'],
  wordpress: ['storefront'],
  custom: ['storefront', 'pos', 'marketing', 'marketplace'],
}

/** Writable statuses per type; `terminated` is read-only and `deleted` cannot be created. */
const WRITABLE_STATUSES: Record<ChannelType, readonly ChannelStatus[]> = {
  storefront: ['prelaunch', 'active', 'inactive', 'archived', 'deleted'],
  marketplace: ['connected', 'disconnected', 'archived', 'deleted'],
  marketing: ['connected', 'disconnected', 'archived', 'deleted'],
  pos: ['connected', 'disconnected', 'archived', 'deleted'],
}

/** Refuses what BigCommerce refuses when a channel is created (422; a duplicate is 409 there). */
export function checkNewChannel(
  input: { name: string; type: ChannelType; platform: string; status: ChannelStatus },
  existing: Iterable<Channel>,
): void {
  if (!input.name.trim()) throw new StoreError('a channel needs a name')
  const types = PLATFORM_TYPES[input.platform]
  if (!types?.includes(input.type)) {
    throw new StoreError(`platform ${input.platform} and type ${input.type} are not a valid combination`)
  }
  if (input.status === 'deleted' || !WRITABLE_STATUSES[input.type].includes(input.status)) {
    throw new StoreError(`status ${input.status} is not valid for a new ${input.type} channel`)
  }
  for (const channel of existing) {
    if (channel.name === input.name && channel.platform === input.platform && channel.type === input.type) {
      throw new StoreError(`a channel named ${input.name} with platform ${input.platform} and type ${input.type} already exists`)
    }
  }
}

/** What an update may change: `prelaunch` is not valid for PUT; deleted or terminated channels cannot change. */
export function checkChannelUpdate(channel: Channel, status: ChannelStatus | undefined): void {
  if (channel.status === 'deleted' || channel.status === 'terminated') {
    throw new StoreError(`channel ${channel.id} is ${channel.status} and cannot be updated`)
  }
  if (status !== undefined && (status === 'prelaunch' || !WRITABLE_STATUSES[channel.type].includes(status))) {
    throw new StoreError(`status ${status} is not valid for a ${channel.type} channel update`)
  }
}

/**
 * A site for `url` (fully qualified, scheme and host). BigCommerce keeps the URL as the merchant entered it
 * (with or without `www.`); the primary and canonical URLs are that URL, a custom checkout domain adds one.
 */
export function buildSite(id: number, channel: Channel, url: string, at: number, checkoutUrl?: string): Site {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new StoreError(`site url ${url} is not a fully qualified URL`)
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new StoreError(`site url ${url} is not http(s)`)
  if (channel.type !== 'storefront') throw new StoreError(`channel ${channel.id} is a ${channel.type} channel: only storefronts have sites`)
  const urls: Site['urls'] = [
    { url, type: 'primary', createdAt: at, modifiedAt: at },
    { url, type: 'canonical', createdAt: at, modifiedAt: at },
  ]
  if (checkoutUrl) urls.push({ url: checkoutUrl, type: 'checkout', createdAt: at, modifiedAt: at })
  return {
    id,
    url,
    channel_id: channel.id,
    ssl_status: 'shared',
    urls,
    is_checkout_url_customized: Boolean(checkoutUrl),
    createdAt: at,
    modifiedAt: at,
  }
}

/** The origin of a site's primary URL, for building storefront links (`https://shop.example`). */
export function siteOrigin(site: Site): string {
  return new URL(site.url).origin
}

/** Global scopes that BigCommerce also sends per channel, and how their `data` is spelled there. */
const CHANNEL_SCOPED: { scope: RegExp; resource: 'order' | 'cart' }[] = [
  { scope: /^store\/order\/(created|updated|archived|statusUpdated|message\/created|refund\/created)$/, resource: 'order' },
  { scope: /^store\/cart\/(created|updated|deleted|couponApplied|abandoned|converted|lineItem\/(created|updated|deleted))$/, resource: 'cart' },
]

/**
 * The channel-scoped twin of a global event (`store/order/created` → `store/channel/{id}/order/created`,
 * `data: {order_id}`), or null for scopes BigCommerce sends only globally. `channelOf` names the channel of the
 * order or cart the event is about.
 */
export function channelScopedTwin(
  event: StoreEvent,
  channelOf: (resource: 'order' | 'cart', id: string | number) => number | undefined,
): StoreEvent | null {
  const rule = CHANNEL_SCOPED.find((r) => r.scope.test(event.scope))
  if (!rule) return null
  const rest = event.scope.slice('store/'.length)
  if (rule.resource === 'order') {
    const orderId = event.data.id as number
    const channelId = channelOf('order', orderId)
    return channelId === undefined ? null : { scope: `store/channel/${channelId}/${rest}`, data: { order_id: orderId } }
  }
  const lineItem = rest.startsWith('cart/lineItem/')
  const cartId = String(lineItem ? event.data.cartId : event.data.id)
  const channelId = channelOf('cart', cartId)
  if (channelId === undefined) return null
  const data = lineItem ? { cart_id: cartId, cart_item_id: event.data.id } : { cart_id: cartId }
  return { scope: `store/channel/${channelId}/${rest}`, data }
}
