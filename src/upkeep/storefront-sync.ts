import { readChannels } from '../bigcommerce/channel-reads'
import { requireConfig } from '../config'
import { readState, writeState } from '../db/sync-state'
import { saveChannels } from '../db/storefronts'
import { isLiveStorefront } from '../domain/multi-storefront'
import type { Env } from '../env'
import { bigCommerceClient } from '../clients'

/**
 * The daily channel sync: every channel of the store with its site and currencies, read from BigCommerce into
 * D1 (db/storefronts.ts), so links, the beacon's origins, reports and the audience lists know every storefront.
 * Setup runs it at once; `store/channel/*` webhooks keep single channels current in between.
 */
const STATE_KEY = 'storefronts'
const STOREFRONT_SYNC_INTERVAL_MS = 24 * 60 * 60 * 1000

export interface StorefrontSync {
  channels: number
  /** Active storefronts with a site (their origins may post beacon hits). */
  liveStorefronts: number
  syncedAt: string
}

export async function syncStorefronts(env: Env, now: Date): Promise<StorefrontSync> {
  const channels = await readChannels(bigCommerceClient(requireConfig(env)))
  await saveChannels(env.DB, channels, now.getTime())
  const result = { channels: channels.length, liveStorefronts: channels.filter(isLiveStorefront).length, syncedAt: now.toISOString() }
  await writeState(env.DB, STATE_KEY, result, now.getTime())
  return result
}

/** The last sync, or null before the first. */
export async function lastStorefrontSync(env: Env): Promise<StorefrontSync | null> {
  return (await readState<StorefrontSync>(env.DB, STATE_KEY))?.value ?? null
}

/** Whether the daily sync is due: never run, a day since the last, or the last stamped later than now. */
export async function storefrontSyncDue(env: Env, now: Date): Promise<boolean> {
  const last = await readState<StorefrontSync>(env.DB, STATE_KEY)
  return !(last && now.getTime() - last.updatedAt < STOREFRONT_SYNC_INTERVAL_MS && last.updatedAt <= now.getTime())
}
