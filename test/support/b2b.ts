import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import worker from '../../src/index'
import { deliver, type BigCommerceStandin, type StoreEvent } from '../../standins/bigcommerce'
import { createB2BStandin } from '../../standins/b2b'
import { hubspotWriter } from '../../src/durable/stubs'
import { serveHost } from './network'
import { callWorker, SECRETS, WEBHOOK_URL } from './worker'

/** The worker's environment with B2B Edition on, its API at the in-process stand-in (the Durable Objects need neither). */
export const B2B_ENV = { ...env, BIGCOMMERCE_B2B: 'on', BIGCOMMERCE_B2B_API_BASE: 'http://b2b.standin' } satisfies typeof env

/** A B2B Edition stand-in beside the BigCommerce one, served where B2B_ENV points. */
export function useB2B(bigcommerce: BigCommerceStandin) {
  const b2b = createB2BStandin({ bigcommerce })
  serveHost('b2b.standin', (request) => b2b.fetch(request))
  return b2b
}

/** Delivers store events (B2B Edition's included) to the worker as BigCommerce would, with B2B on unless told. */
export async function deliverWith(events: StoreEvent[], workerEnv: typeof env = B2B_ENV): Promise<Response[]> {
  const responses: Response[] = []
  for (const event of events) {
    responses.push(await deliver((request) => callWorker(request, workerEnv), WEBHOOK_URL, event, { storeHash: 'teststore', ...SECRETS }))
  }
  return responses
}

/** Fires the scheduled handler for `cron` at `at`, with B2B on. */
export async function fireCron(cron: string, at: number, workerEnv: typeof env = B2B_ENV): Promise<void> {
  const ctx = createExecutionContext()
  await worker.scheduled(createScheduledController({ cron, scheduledTime: at }), workerEnv, ctx)
  await waitOnExecutionContext(ctx)
}

/** Flushes the writer until nothing it can write is left (records, then the associations their ids allow). */
export async function flushUntilIdle(): Promise<void> {
  const writer = hubspotWriter(env)
  for (let i = 0; i < 10; i++) {
    const result = await writer.flush()
    const status = await writer.status()
    const queued = Object.values(status.queue).reduce((a, b) => a + b, 0)
    if (result.calls === 0 && queued === 0 && status.associationsPending === 0) return
  }
}
