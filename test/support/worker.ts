import {
  abortAllDurableObjects,
  createExecutionContext,
  listDurableObjectIds,
  runInDurableObject,
  waitOnExecutionContext,
} from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import worker from '../../src/index'
import { createBigCommerceStandin, deliver, type BigCommerceStandin, type StoreEvent } from '../../standins/bigcommerce'
import { createHubSpotStandin } from '../../standins/hubspot'
import { contactObject, hubspotWriter } from '../../src/durable/stubs'
import { serveHost } from './network'
import { CapturingQueue, consumeBatch } from './queue'
import type { BackfillStepMessage } from '../../src/queues/messages'

export const WEBHOOK_URL = 'https://worker.example.com/webhooks/bigcommerce'
export const SECRETS = { clientSecret: 'test-client-secret', webhookSecret: 'test-webhook-secret' }

/**
 * Calls the worker and waits for everything it deferred, and for what it queued: the webhook queue's consumer
 * runs on the messages the call sent, as Cloudflare would run it next (a backfill's steps are kept, not run:
 * test/backfill runs them). `withEnv` replaces the environment, e.g. to test another configuration.
 */
export async function callWorker(request: Request, withEnv: typeof env = env): Promise<Response> {
  const queue = new CapturingQueue()
  const workerEnv = { ...withEnv, WEBHOOK_QUEUE: queue, BACKFILL_QUEUE: new CapturingQueue<BackfillStepMessage>() }
  const response = await fetchWorker(request, workerEnv)
  for (let messages = queue.take(); messages.length; messages = queue.take()) await consumeBatch(messages, workerEnv)
  return response
}

/** The worker's answer once its waitUntil work is done; what it queued stays in the env's queues. */
export async function fetchWorker(request: Request, workerEnv: Record<string, unknown>): Promise<Response> {
  const ctx = createExecutionContext()
  const response = await worker.fetch(request, workerEnv, ctx)
  await waitOnExecutionContext(ctx)
  return response
}

/** Fresh BigCommerce and HubSpot stand-ins, served at the hosts the test configuration points at. */
export function useStandins() {
  const bigcommerce = createBigCommerceStandin({ storeHash: 'teststore', accessToken: 'bc-test-token' })
  const hubspot = createHubSpotStandin({ accessToken: 'hs-test-token' })
  serveHost('bigcommerce.standin', (request) => bigcommerce.fetch(request))
  serveHost('hubspot.standin', (request) => hubspot.fetch(request))
  return { bigcommerce, hubspot }
}

/** Delivers store events to the worker as BigCommerce would: enveloped, signed, with the shared secret. */
export async function deliverEvents(events: StoreEvent[], options: { webhookId?: string; createdAt?: number } = {}) {
  const responses: Response[] = []
  for (const event of events) {
    responses.push(await deliver(callWorker, WEBHOOK_URL, event, { storeHash: 'teststore', ...SECRETS, ...options }))
  }
  return responses
}

/**
 * Delivers store events as signed webhooks without running the queue's consumer: returns the messages the
 * route queued and the environment that captures further sends (a resume, a backlog handed over).
 */
export async function deliverQueued(events: StoreEvent[]) {
  const queue = new CapturingQueue()
  const workerEnv = { ...env, WEBHOOK_QUEUE: queue }
  for (const event of events) {
    const response = await deliver(
      async (request) => {
        const ctx = createExecutionContext()
        const answer = await worker.fetch(request, workerEnv, ctx)
        await waitOnExecutionContext(ctx)
        return answer
      },
      WEBHOOK_URL,
      event,
      { storeHash: 'teststore', ...SECRETS, webhookId: `msg_${crypto.randomUUID()}` },
    )
    if (response.status !== 200) throw new Error(`the webhook route answered ${response.status}`)
  }
  return { messages: queue.take(), queue, workerEnv }
}

/** Flushes the HubSpot writer now instead of waiting for its alarm. */
export async function flushHubSpot(): Promise<void> {
  await hubspotWriter(env).flush()
}

/** Flushes the HubSpot writer until no record or contact merge waits (line items may wait for products no webhook wrote). */
export async function flushRecordsAndMerges(): Promise<void> {
  for (let i = 0; i < 20; i++) {
    await flushHubSpot()
    const status = await hubspotWriter(env).status()
    if (Object.values(status.queue).every((n) => n === 0) && status.contactMerges.pending === 0) return
  }
  throw new Error('the HubSpot writer did not settle')
}

/** D1 is shared by the tests of one file: start each test from empty tables. */
export async function clearDatabase(): Promise<void> {
  const { results } = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'd1_%' AND name NOT LIKE '_cf_%'",
  ).all<{ name: string }>()
  await env.DB.batch(results.map(({ name }) => env.DB.prepare(`DELETE FROM "${name}"`)))
}

/** Durable Objects outlive a test within its file: wipe their storage and restart them. */
export async function clearDurableObjects(): Promise<void> {
  // Stop in-flight work first, so nothing touches storage while it is wiped; restart afterwards.
  await abortAllDurableObjects()
  const wipe = async (_instance: unknown, state: DurableObjectState) => {
    await state.storage.deleteAlarm()
    await state.storage.deleteAll()
  }
  for (const id of await listDurableObjectIds(env.CONTACT)) await runInDurableObject(env.CONTACT.get(id), wipe)
  for (const id of await listDurableObjectIds(env.HUBSPOT_WRITER)) await runInDurableObject(env.HUBSPOT_WRITER.get(id), wipe)
  await abortAllDurableObjects()
}

/** A test's clean slate: empty D1 tables, fresh Durable Objects, new stand-ins. */
export async function freshWorld() {
  await clearDatabase()
  await clearDurableObjects()
  return useStandins()
}

/** Gives `email` the newsletter consent on the store, and tells the worker, as a storefront sign-up would. */
export async function subscribe(bigcommerce: BigCommerceStandin, email: string): Promise<void> {
  await deliverEvents(bigcommerce.store.upsertSubscriber(email, ['marketing_newsletter']).events)
}

/** Fires the contact's alarm as of `at` (epoch ms): a quiet period or cap window played out without waiting. */
export async function wakeContact(email: string, at: number): Promise<void> {
  await contactObject(env, email).wake(new Date(at).toISOString())
}
