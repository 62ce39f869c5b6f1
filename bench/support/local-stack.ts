/**
 * The whole product on this machine for a benchmark: both stand-ins (with per-call latency and quotas), the
 * worker under `wrangler dev` on fresh local state wired to them, HubSpot setup and the BigCommerce webhooks
 * registered, and the crons fired as the demo fires them.
 */
import { randomBytes } from 'node:crypto'
import { startBigCommerceStandin, type StartOptions } from '../../standins/bigcommerce/server'
import { startHubSpotStandin } from '../../standins/hubspot/server'
import type { HubSpotStandinOptions } from '../../standins/hubspot/index'
import { startLocalWorker } from '../../scripts/demo/local-worker'
import { CronDriver, WorkerApi } from '../../scripts/demo/worker-api'

export interface StackOptions {
  bigcommerce: Omit<StartOptions, 'storeHash' | 'accessToken' | 'port'>
  hubspot: Omit<HubSpotStandinOptions, 'accessToken'>
  /** Extra worker variables (e.g. WEBHOOK_PROCESSING). */
  vars?: Record<string, string>
}

// 24 random bytes: admin tokens must be at least 32 characters.
const secret = (prefix: string) => `${prefix}-${randomBytes(24).toString('hex')}`

export async function startStack(options: StackOptions) {
  const secrets = { bc: secret('bc'), hs: secret('hs'), client: secret('client'), webhook: secret('whsec'), admin: secret('admin') }
  const hubspot = await startHubSpotStandin({ ...options.hubspot, accessToken: secrets.hs })
  const bigcommerce = await startBigCommerceStandin({ ...options.bigcommerce, storeHash: 'benchstore', accessToken: secrets.bc })
  const worker = await startLocalWorker({
    vars: (url) => ({
      BIGCOMMERCE_STORE_HASH: 'benchstore',
      BIGCOMMERCE_ACCESS_TOKEN: secrets.bc,
      BIGCOMMERCE_API_BASE: bigcommerce.url,
      BIGCOMMERCE_CLIENT_SECRET: secrets.client,
      BIGCOMMERCE_WEBHOOK_SECRET: secrets.webhook,
      HUBSPOT_ACCESS_TOKEN: secrets.hs,
      HUBSPOT_API_BASE: hubspot.url,
      PUBLIC_URL: url,
      ADMIN_TOKENS: `admin:${secrets.admin}`,
      ...options.vars,
    }),
    onLine: (line) => {
      if (process.env.BENCH_VERBOSE) console.log(`  worker: ${line}`)
    },
  })
  const api = new WorkerApi(worker.url, secrets.admin)
  const cron = new CronDriver(api, (line) => console.log(`  cron: ${line}`))
  const setup = await api.admin('POST', '/setup', {})
  if (setup.status !== 200) throw new Error(`setup answered ${setup.status}: ${JSON.stringify(setup.body).slice(0, 300)}`)
  return {
    hubspot,
    bigcommerce,
    worker,
    api,
    cron,
    clientSecret: secrets.client,
    async stop() {
      await cron.stop()
      await worker.close()
      await Promise.allSettled([hubspot.close(), bigcommerce.close()])
    },
  }
}
