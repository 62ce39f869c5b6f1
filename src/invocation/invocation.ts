import type { B2BClient } from '../bigcommerce/b2b/b2b-client'
import { catalogReads } from '../bigcommerce/catalog-reads'
import type { BigCommerceClient } from '../bigcommerce/bigcommerce-client'
import { b2bClient, bigCommerceClient, type ClientTuning } from '../clients'
import { requireConfig, type Config } from '../config'
import { readApiPauses } from '../db/api-pauses'
import { createCatalogLookups, type RememberingLookups } from '../db/catalog'
import type { Env } from '../env'
import { InvocationBudget, type Cost } from './budget'
import { countedEnv } from './counted-env'
import { PauseWatch } from './pause-watch'

export interface InvocationOptions {
  limits?: Cost
  tuning?: ClientTuning
}

/**
 * What one Worker invocation (a queue batch, a cron tick, a request's deferred work) shares among everything
 * it runs: one budget of subrequests and D1 queries (the environment it hands out counts every call), one
 * BigCommerce client and one B2B Edition client (one view of each quota), catalog facts read once, and
 * BigCommerce's circuit breaker as read at its start.
 */
export class Invocation {
  readonly budget: InvocationBudget
  readonly env: Env
  private client: BigCommerceClient | null = null
  private b2bClient: B2BClient | null = null
  private catalog: RememberingLookups | null = null
  private watch: Promise<PauseWatch> | null = null
  private readonly callListeners = new Set<() => void>()

  constructor(
    readonly rawEnv: Env,
    private readonly options: InvocationOptions = {},
  ) {
    this.budget = new InvocationBudget(options.limits)
    this.env = countedEnv(rawEnv, this.budget)
  }

  get config(): Config {
    return requireConfig(this.rawEnv)
  }

  /** The invocation's BigCommerce client: every call counted as a subrequest. */
  get bigcommerce(): BigCommerceClient {
    this.client ??= bigCommerceClient(this.config, {
      ...this.options.tuning,
      fetch: (input, init) => {
        for (const listener of this.callListeners) listener()
        return this.countedFetch(input, init)
      },
    })
    return this.client
  }

  /** The invocation's B2B Edition client (BIGCOMMERCE_B2B=on): every call counted as a subrequest. */
  get b2b(): B2BClient {
    this.b2bClient ??= b2bClient(this.config, {
      ...this.options.tuning,
      fetch: (input, init) => this.countedFetch(input, init),
    })
    return this.b2bClient
  }

  private countedFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    this.budget.spendSubrequests()
    return fetch(input, init)
  }

  /** Called on each BigCommerce request of this invocation (the backfill counts its calls so); returns the unsubscribe. */
  onBigCommerceCall(listener: () => void): () => void {
    this.callListeners.add(listener)
    return () => this.callListeners.delete(listener)
  }

  /** Catalog facts, each read once per invocation: a batch of orders naming the same products reads them once. */
  get lookups(): RememberingLookups {
    this.catalog ??= createCatalogLookups(this.env.DB, catalogReads(this.bigcommerce), () => new Date(), { remember: true })
    return this.catalog
  }

  /** BigCommerce's breaker, read once (one query) at the first need. */
  pauseWatch(): Promise<PauseWatch> {
    this.watch ??= readApiPauses(this.env.DB).then(
      (pauses) => new PauseWatch(this.env.DB, pauses.bigcommerce),
      (err: unknown) => {
        this.watch = null
        throw err
      },
    )
    return this.watch
  }
}
