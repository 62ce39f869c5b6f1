import { eq, notInArray } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import { add, type Amount } from '../domain/money'
import { storefrontBaseUrl, type StoreChannel } from '../domain/multi-storefront'
import { catalogChannels } from './schema'

/**
 * The store's channels in D1 (migrations 0002 and 0060: the channel cache, kept whole): setup and the daily
 * channel sync write them all, `store/channel/*` webhooks and order hydration one at a time. Everything that
 * needs a storefront's site (links, the beacon's origins, reports) reads them here, never from BigCommerce.
 */

type ChannelRow = typeof catalogChannels.$inferSelect

/** The row for a channel (`null`: BigCommerce has none by that id, remembered as not found). */
export function channelRow(id: number, channel: StoreChannel | null, fetchedAt: number): ChannelRow {
  return {
    id,
    found: channel !== null,
    name: channel?.name || null,
    type: channel?.type || null,
    platform: channel?.platform || null,
    fetchedAt,
    status: channel?.status || null,
    siteUrl: channel?.siteUrl ?? null,
    siteOrigins: JSON.stringify(channel?.siteOrigins ?? []),
    defaultCurrency: channel?.defaultCurrency ?? null,
    currencies: JSON.stringify(channel?.currencies ?? []),
  }
}

/** The channel a row holds; null when it was not found. Rows cached before 0060 have no status or site yet. */
export function storeChannelOf(row: ChannelRow): StoreChannel | null {
  if (!row.found) return null
  return {
    id: row.id,
    name: row.name ?? '',
    type: row.type ?? '',
    platform: row.platform ?? '',
    status: row.status ?? '',
    siteUrl: row.siteUrl,
    siteOrigins: jsonList(row.siteOrigins),
    defaultCurrency: row.defaultCurrency,
    currencies: jsonList(row.currencies),
  }
}

/**
 * Replaces the store's channels with a complete read (the sync): each is upserted, and a cached channel the
 * store no longer lists is remembered as not found.
 */
export async function saveChannels(db: D1Database, channels: StoreChannel[], fetchedAt: number): Promise<void> {
  const orm = drizzle(db)
  const rows = channels.map((c) => channelRow(c.id, c, fetchedAt))
  const upserts = rows.map((row) => orm.insert(catalogChannels).values(row).onConflictDoUpdate({ target: catalogChannels.id, set: row }))
  const gone = orm
    .update(catalogChannels)
    .set({ found: false, fetchedAt })
    .where(notInArray(catalogChannels.id, rows.length ? rows.map((r) => r.id) : [-1]))
  await orm.batch([gone, ...upserts])
}

/** One channel as just read (a `store/channel/*` webhook), or remembered as gone. */
export async function saveChannel(db: D1Database, id: number, channel: StoreChannel | null, fetchedAt: number): Promise<void> {
  const row = channelRow(id, channel, fetchedAt)
  await drizzle(db).insert(catalogChannels).values(row).onConflictDoUpdate({ target: catalogChannels.id, set: row })
}

/** Every channel the store has, by id. */
export async function knownChannels(db: D1Database): Promise<StoreChannel[]> {
  const rows = await drizzle(db).select().from(catalogChannels).where(eq(catalogChannels.found, true)).orderBy(catalogChannels.id)
  return rows.map(storeChannelOf).filter((c): c is StoreChannel => c !== null)
}

/**
 * The one lookup from a channel to its storefront's URL (no trailing slash): the channel's site, else the
 * default storefront's; null when neither is known yet. Cart recovery and order links go through it.
 */
export async function storefrontUrl(db: D1Database, channelId: number): Promise<string | null> {
  return storefrontBaseUrl(await knownChannels(db), channelId)
}

/** Paid orders and net revenue (store base currency, exact decimal) per channel created since `from` (ISO). */
export async function channelSales(db: D1Database, from: string): Promise<Map<number, { orders: number; revenue: Amount }>> {
  const { results } = await db
    .prepare(
      `SELECT coalesce(channel_id, 1) AS channel_id, net_revenue_base FROM orders
       WHERE counts_as_paid = 1 AND created_at >= ?1`,
    )
    .bind(from)
    .all<{ channel_id: number; net_revenue_base: string }>()
  const sales = new Map<number, { orders: number; revenue: Amount }>()
  for (const row of results) {
    const entry = sales.get(row.channel_id) ?? { orders: 0, revenue: '0' }
    sales.set(row.channel_id, { orders: entry.orders + 1, revenue: add(entry.revenue, row.net_revenue_base) })
  }
  return sales
}

function jsonList(text: string | null): string[] {
  if (!text) return []
  try {
    const value: unknown = JSON.parse(text)
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
  } catch {
    return []
  }
}

