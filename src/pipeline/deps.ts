import { BigCommerceClient, type BigCommerceClientOptions } from '../bigcommerce/client'
import type { Config } from '../config'
import { createCatalogLookups } from '../db/catalog'
import type { CatalogLookups } from '../bigcommerce/hydrate'
import type { Env } from '../env'

/** What processing needs, built once per event from the environment (tests build their own). */
export interface PipelineDeps {
  env: Env
  config: Config
  bigcommerce: BigCommerceClient
  lookups: CatalogLookups
}

/** `tuning` adjusts retry behaviour (tests use it to skip real waits). */
export type ClientTuning = Partial<Pick<BigCommerceClientOptions, 'sleep' | 'maxAttempts' | 'maxWaitMs'>>

export function bigCommerceClient(config: Config, tuning: ClientTuning = {}): BigCommerceClient {
  return new BigCommerceClient({
    apiBase: config.BIGCOMMERCE_API_BASE,
    storeHash: config.BIGCOMMERCE_STORE_HASH,
    accessToken: config.BIGCOMMERCE_ACCESS_TOKEN,
    ...tuning,
  })
}

export function pipelineDeps(env: Env, config: Config, tuning: ClientTuning = {}): PipelineDeps {
  const bigcommerce = bigCommerceClient(config, tuning)
  return { env, config, bigcommerce, lookups: createCatalogLookups(env.DB, bigcommerce, () => new Date()) }
}
