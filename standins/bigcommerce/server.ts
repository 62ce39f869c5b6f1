/**
 * Node only: serves the stand-in over HTTP on 127.0.0.1 (for `npm start`, the demo and benchmarks).
 * Point BIGCOMMERCE_API_BASE at the returned `url`.
 */
import { listenLocally } from '../shared/listen'
import { createBigCommerceStandin, type BigCommerceStandin, type BigCommerceStandinOptions } from './index'
import { seedStore, type SeedOptions, type SeedSummary } from './seed'

export interface StartOptions extends BigCommerceStandinOptions {
  /** 0 (default) picks a free port. */
  port?: number
  /** Seeds the store before listening. `true` uses the seed defaults (300 customers, 3,000 orders). */
  seed?: SeedOptions | true
}

export interface RunningStandin {
  url: string
  standin: BigCommerceStandin
  seeded?: SeedSummary
  close(): Promise<void>
}

export async function startBigCommerceStandin(options: StartOptions = {}): Promise<RunningStandin> {
  const { port = 0, seed: seedOptions, ...standinOptions } = options
  const standin = createBigCommerceStandin(standinOptions)
  const seeded = seedOptions ? seedStore(standin.store, seedOptions === true ? {} : seedOptions) : undefined
  const { url, close } = await listenLocally((request) => standin.fetch(request), port)
  return { url, standin, seeded, close }
}
