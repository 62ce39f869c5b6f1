/**
 * Node only: serves the stand-in over HTTP on 127.0.0.1 (for `npm start`, the demo and benchmarks).
 * Point BIGCOMMERCE_API_BASE at the returned `url`.
 */
import { serve } from '@hono/node-server'
import type { AddressInfo } from 'node:net'
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
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: (request) => standin.fetch(request), port, hostname: '127.0.0.1' }, (info: AddressInfo) => {
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        standin,
        seeded,
        close: () => new Promise<void>((done, fail) => server.close((error) => (error ? fail(error) : done()))),
      })
    })
    server.once('error', reject)
  })
}
