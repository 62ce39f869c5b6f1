import { B2BClient } from '../bigcommerce/b2b/client'
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
  /** B2B Edition's API (used only with BIGCOMMERCE_B2B=on). */
  b2b: B2BClient
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

/** B2B Edition's own host, the same store token and hash (research/bigcommerce.md §6). */
export function b2bClient(config: Config, tuning: ClientTuning = {}): B2BClient {
  return new B2BClient({
    apiBase: config.BIGCOMMERCE_B2B_API_BASE,
    storeHash: config.BIGCOMMERCE_STORE_HASH,
    accessToken: config.BIGCOMMERCE_ACCESS_TOKEN,
    ...tuning,
  })
}

export function pipelineDeps(env: Env, config: Config, tuning: ClientTuning = {}): PipelineDeps {
  const bigcommerce = bigCommerceClient(config, tuning)
  return {
    env,
    config,
    bigcommerce,
    b2b: b2bClient(config, tuning),
    lookups: createCatalogLookups(env.DB, bigcommerce, () => new Date()),
  }
}
