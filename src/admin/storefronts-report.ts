import { lastStorefrontSync } from '../upkeep/storefront-sync'
import { storeBaseCurrency } from '../db/outcomes'
import { channelSales, knownChannels } from '../db/storefronts'
import { toMinorUnits } from '../domain/money'
import { isLiveStorefront, storefrontChannels, type StoreChannel } from '../domain/multi-storefront'
import type { Env } from '../env'

/**
 * `GET /admin/api/storefronts` and the dashboard's storefronts panel: the store's storefront channels (and its
 * other channels) as the last sync read them, each with its site, whether beacon hits are accepted from it,
 * its currencies, and its paid orders and net revenue (store base currency) over the last 30 days.
 */
const DAYS = 30

export async function storefrontsReport(env: Env, now: Date) {
  const since = new Date(now.getTime() - DAYS * 86_400_000).toISOString()
  const [channels, sales, sync, currency] = await Promise.all([
    knownChannels(env.DB),
    channelSales(env.DB, since),
    lastStorefrontSync(env),
    storeBaseCurrency(env.DB),
  ])
  const storefronts = storefrontChannels(channels)
  const describe = (c: StoreChannel) => ({
    id: c.id,
    name: c.name,
    type: c.type,
    platform: c.platform,
    status: c.status,
    siteUrl: c.siteUrl,
    live: isLiveStorefront(c),
    defaultCurrency: c.defaultCurrency,
    currencies: c.currencies,
    orders: sales.get(c.id)?.orders ?? 0,
    revenue: toMinorUnits(sales.get(c.id)?.revenue ?? '0', currency),
  })
  return {
    syncedAt: sync?.syncedAt ?? null,
    since,
    currency,
    storefronts: storefronts.map(describe),
    otherChannels: channels.filter((c) => !storefronts.includes(c)).map(describe),
  }
}
