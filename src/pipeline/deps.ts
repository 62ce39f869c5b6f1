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
  lookups: RememberingLookups
}

export function pipelineDeps(invocation: Invocation): PipelineDeps {
  return { env: invocation.env, config: invocation.config, bigcommerce: invocation.bigcommerce, lookups: invocation.lookups }
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
