import { siteOrigins, type StoreChannel } from '../domain/multi-storefront'
import { mapLimit } from '../map-limit'
import type { BigCommerceClient } from './bigcommerce-client'
import { parsePayload as parse, parsePayloadList as parseList } from './parse'
import { v3Channel, v3ChannelCurrencies, v3One, v3Site, type V3Channel, type V3ChannelCurrencies } from './resources'

/**
 * The store's channels with their sites and currencies (channels.v3.yml). The whole set costs one call per page
 * of channels, one for every channel's currency assignments, and one per storefront for its site; one channel
 * costs one call (currencies come with it) and one more for a storefront's site.
 */
export async function readChannels(client: BigCommerceClient): Promise<StoreChannel[]> {
  const [channels, assignments] = await Promise.all([
    client.all('v3', '/channels'),
    client.v3<{ data?: unknown }>('/channels/currency-assignments'),
  ])
  const currencies = new Map(
    parseList(v3ChannelCurrencies, assignments?.data ?? [], 'channel currency assignments').map((a) => [a.channel_id, a]),
  )
  const parsed = parseList(v3Channel, channels, 'channels')
  // A few sites at a time: a store with many storefronts must not spend the shared quota in one burst.
  return mapLimit(parsed, 4, async (channel) => storeChannel(channel, currencies.get(channel.id) ?? null, await readSite(client, channel)))
}

/** One channel, or null when BigCommerce has none by that id. */
export async function readChannel(client: BigCommerceClient, id: number): Promise<StoreChannel | null> {
  const raw = await client.v3(`/channels/${id}`, { include: 'currencies' })
  if (raw === null) return null
  const data = parse(v3One(v3Channel.extend({ currencies: v3ChannelCurrencies.nullish() })), raw, `channel ${id}`).data
  return storeChannel(data, data.currencies ?? null, await readSite(client, data))
}

/** A storefront's site; other channels have none, and a storefront without one answers 404. */
async function readSite(client: BigCommerceClient, channel: V3Channel): Promise<{ url: string; urls: string[] } | null> {
  if (channel.type.trim().toLowerCase() !== 'storefront') return null
  const raw = await client.v3(`/channels/${channel.id}/site`)
  if (raw === null) return null
  const site = parse(v3One(v3Site), raw, `channel ${channel.id} site`).data
  return { url: site.url.trim(), urls: site.urls.map((u) => u.url) }
}

function storeChannel(channel: V3Channel, currencies: V3ChannelCurrencies | null, site: { url: string; urls: string[] } | null): StoreChannel {
  return {
    id: channel.id,
    name: channel.name.trim(),
    type: channel.type.trim().toLowerCase(),
    platform: channel.platform.trim().toLowerCase(),
    status: channel.status.trim().toLowerCase(),
    siteUrl: site?.url || null,
    siteOrigins: site ? siteOrigins(site.url, site.urls) : [],
    defaultCurrency: currencies?.default_currency.trim().toUpperCase() || null,
    currencies: (currencies?.enabled_currencies ?? []).map((c) => c.trim().toUpperCase()).filter(Boolean),
  }
}
