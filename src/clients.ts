import { B2BClient } from './bigcommerce/b2b/b2b-client'
import { BigCommerceClient, type BigCommerceClientOptions } from './bigcommerce/bigcommerce-client'
import type { TransportTuning } from './bigcommerce/transport'
import type { Config } from './config'
import { HubSpotClient } from './hubspot/hubspot-client'

/**
 * The API clients as the configuration sets them up: the one place each is built (an invocation's own, counted
 * clients: invocation.ts, through these).
 */

/** Adjusts the BigCommerce client's retries (tests use it to skip real waits). */
export type ClientTuning = Partial<Pick<BigCommerceClientOptions, 'sleep' | 'maxAttempts' | 'maxWaitMs'>>

/** A client for calls outside event processing (setup, webhook health, a cart recovery link's visit). */
export function bigCommerceClient(config: Config, tuning: TransportTuning = {}): BigCommerceClient {
  return new BigCommerceClient({
    apiBase: config.BIGCOMMERCE_API_BASE,
    storeHash: config.BIGCOMMERCE_STORE_HASH,
    accessToken: config.BIGCOMMERCE_ACCESS_TOKEN,
    ...tuning,
  })
}

/** B2B Edition's own host, the same store token and hash (research/bigcommerce.md §6). */
export function b2bClient(config: Config, tuning: TransportTuning = {}): B2BClient {
  return new B2BClient({
    apiBase: config.BIGCOMMERCE_B2B_API_BASE,
    storeHash: config.BIGCOMMERCE_STORE_HASH,
    accessToken: config.BIGCOMMERCE_ACCESS_TOKEN,
    ...tuning,
  })
}

/** A HubSpot client with the configured token; `timeoutMs` bounds each call where a caller waits on it. */
export function hubspotClient(config: Config, tuning: { timeoutMs?: number } = {}): HubSpotClient {
  return new HubSpotClient({ baseUrl: config.HUBSPOT_API_BASE, accessToken: config.HUBSPOT_ACCESS_TOKEN, ...tuning })
}
