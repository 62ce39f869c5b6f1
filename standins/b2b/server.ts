/**
 * Node only: serves the B2B Edition stand-in over HTTP on 127.0.0.1, beside a BigCommerce stand-in (its users
 * are that store's customers). Point BIGCOMMERCE_B2B_API_BASE at the returned `url`.
 */
import { listenLocally } from '../shared/listen'
import { createB2BStandin, type B2BStandin, type B2BStandinOptions } from './index'
import { seedCompanies, type CompanySeedOptions, type CompanySeedSummary } from './seed'

export interface StartB2BOptions extends B2BStandinOptions {
  /** 0 (default) picks a free port. */
  port?: number
  /** Seeds a few companies from the store's customers before listening. */
  seed?: CompanySeedOptions
}

export interface RunningB2BStandin {
  url: string
  standin: B2BStandin
  seeded?: CompanySeedSummary
  close(): Promise<void>
}

export async function startB2BStandin(options: StartB2BOptions): Promise<RunningB2BStandin> {
  const { port = 0, seed, ...standinOptions } = options
  const standin = createB2BStandin(standinOptions)
  const seeded = seed ? seedCompanies(standin.store, seed) : undefined
  const { url, close } = await listenLocally((request) => standin.fetch(request), port)
  return { url, standin, seeded, close }
}
