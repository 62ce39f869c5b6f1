import { B2BClient } from '../bigcommerce/b2b/client'
import { BigCommerceClient } from '../bigcommerce/client'
import type { Config } from '../config'
import type { RememberingLookups } from '../db/catalog'
import type { Env } from '../env'
import type { ClientTuning, Invocation } from '../invocation/invocation'

/** What processing needs, from the invocation it runs in (one client and one catalog cache for all of it). */
export interface PipelineDeps {
  env: Env
  config: Config
  bigcommerce: BigCommerceClient
  /** B2B Edition's API (used only with BIGCOMMERCE_B2B=on). */
  b2b: B2BClient
  lookups: RememberingLookups
}

export function pipelineDeps(invocation: Invocation): PipelineDeps {
  return {
    env: invocation.env,
    config: invocation.config,
    bigcommerce: invocation.bigcommerce,
    b2b: invocation.b2b,
    lookups: invocation.lookups,
  }
}

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
