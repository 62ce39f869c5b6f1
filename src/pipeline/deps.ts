import { BigCommerceClient } from '../bigcommerce/client'
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

export function bigCommerceClient(config: Config): BigCommerceClient {
  return new BigCommerceClient({
    apiBase: config.BIGCOMMERCE_API_BASE,
    storeHash: config.BIGCOMMERCE_STORE_HASH,
    accessToken: config.BIGCOMMERCE_ACCESS_TOKEN,
  })
}

export function pipelineDeps(env: Env, config: Config): PipelineDeps {
  const bigcommerce = bigCommerceClient(config)
  return { env, config, bigcommerce, lookups: createCatalogLookups(env.DB, bigcommerce, () => new Date()) }
}
