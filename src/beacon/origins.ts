import { knownChannels } from '../db/storefronts'
import { originOf, storefrontOfOrigin, type StoreChannel } from '../domain/multi-storefront'

/**
 * Where beacon hits may come from (contract section 3): every active storefront's site (the store's channels in
 * D1, kept by setup, the daily sync and `store/channel/*` webhooks) and the origins in BEACON_ALLOWED_ORIGINS.
 * A hit from a storefront's site records that storefront.
 */
export interface BeaconOrigin {
  /** The request's origin, lower-cased: what CORS answers with. */
  origin: string
  /** The storefront (BigCommerce channel id) whose site it is; null for an origin only the variable allows. */
  channelId: number | null
}

export interface BeaconOrigins {
  /** The hit's origin when it may post, else null. */
  allowed: BeaconOrigin | null
  /** Hosts that are the store itself: a referral from one of them is no referral. */
  selfHosts: string[]
}

export async function beaconOrigins(db: D1Database, configured: readonly string[], header: string | null | undefined): Promise<BeaconOrigins> {
  const channels = await knownChannels(db)
  const origin = originOf(header)
  const selfHosts = [...configured, ...channels.flatMap((c) => c.siteOrigins)].map(hostOf)
  return { allowed: origin ? allowedOrigin(channels, configured, origin) : null, selfHosts }
}

function allowedOrigin(channels: readonly StoreChannel[], configured: readonly string[], origin: string): BeaconOrigin | null {
  const storefront = storefrontOfOrigin(channels, origin)
  if (storefront) return { origin, channelId: storefront.id }
  return configured.some((o) => originOf(o) === origin) ? { origin, channelId: null } : null
}

function hostOf(origin: string): string {
  try {
    return new URL(origin).hostname
  } catch {
    return origin
  }
}
