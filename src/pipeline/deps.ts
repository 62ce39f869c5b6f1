import type { B2BClient } from '../bigcommerce/b2b/b2b-client'
import type { BigCommerceClient } from '../bigcommerce/bigcommerce-client'
import type { Config } from '../config'
import type { RememberingLookups } from '../db/catalog'
import type { Env } from '../env'
import type { Invocation } from '../invocation/invocation'

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
