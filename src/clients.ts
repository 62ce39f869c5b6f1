import { B2BClient } from './bigcommerce/b2b/client'
import { BigCommerceClient, type BigCommerceClientOptions } from './bigcommerce/client'
import type { Config } from './config'

/** The API clients as the configuration sets them up (an invocation's own BigCommerce client: invocation.ts). */

/** Adjusts the BigCommerce client's retries (tests use it to skip real waits). */
export type ClientTuning = Partial<Pick<BigCommerceClientOptions, 'sleep' | 'maxAttempts' | 'maxWaitMs'>>

/** A client for calls outside event processing (setup, webhook health, a cart recovery link's visit). */
export function bigCommerceClient(config: Config, tuning: ClientTuning = {}): BigCommerceClient {
  return new BigCommerceClient({
    apiBase: config.BIGCOMMERCE_API_BASE,
    storeHash: config.BIGCOMMERCE_STORE_HASH,
    accessToken: config.BIGCOMMERCE_ACCESS_TOKEN,
    ...tuning,
  })
}

/** B2B Edition's own host, the same store token and hash (research/bigcommerce.md §6). */
export function b2bClient(config: Config, tuning: ClientTuning = {}): B2BClient {
  return new B2BClient({
    apiBase: config.BIGCOMMERCE_B2B_API_BASE,
    storeHash: config.BIGCOMMERCE_STORE_HASH,
    accessToken: config.BIGCOMMERCE_ACCESS_TOKEN,
    ...tuning,
  })
}
