import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it } from 'vitest'
import { BigCommerceClient } from '../../src/bigcommerce/bigcommerce-client'
import {
  DELIVERY_EXCEPTION_SCOPE,
  HOOK_SCOPES,
  registerWebhooks,
  webhookDestination,
} from '../../src/bigcommerce/hooks'
import { checkWebhookHealth, lastWebhookHealth, WEBHOOK_HEALTH_INTERVAL_MS, webhookHealth } from '../../src/upkeep/webhook-health'
import { recordHookException } from '../../src/db/sync-state'
import { runScheduled } from '../../src/cron/schedule'
import { createBigCommerceStandin, type BigCommerceStandin } from '../../standins/bigcommerce'
import { serveHost } from '../support/network'
import { signDelivery } from '../../standins/bigcommerce'
import { callWorker, clearDatabase, SECRETS, useStandins, WEBHOOK_URL } from '../support/worker'

const DESTINATION = 'https://worker.example.com/webhooks/bigcommerce'
const SECRET = 'test-webhook-secret'

let bigcommerce: BigCommerceStandin
let client: BigCommerceClient

beforeEach(async () => {
  await clearDatabase()
  bigcommerce = createBigCommerceStandin({ storeHash: 'teststore', accessToken: 'bc-test-token' })
  serveHost('bigcommerce.standin', (request) => bigcommerce.fetch(request))
  client = new BigCommerceClient({ apiBase: 'http://bigcommerce.standin', storeHash: 'teststore', accessToken: 'bc-test-token' })
})

function hooks() {
  return [...bigcommerce.store.hooks.values()]
}

function writes() {
  return bigcommerce.requests.filter((r) => r.method !== 'GET')
}

describe('registerWebhooks', () => {
  it('creates one hook per scope at the destination, with the secret header, and nothing on a second run', async () => {
    const first = await registerWebhooks(client, { destination: DESTINATION, webhookSecret: SECRET })
    // Every scope of ours, and store/hook/deliveryException at a destination of its own.
    const all = HOOK_SCOPES.length + 1
    expect(first.created.map((h) => h.scope).sort()).toEqual([...HOOK_SCOPES, DELIVERY_EXCEPTION_SCOPE].sort())
    expect(first.updated).toEqual([])
    expect(hooks()).toHaveLength(all)
    for (const hook of hooks()) {
      const destination = hook.scope === DELIVERY_EXCEPTION_SCOPE ? `${DESTINATION}/delivery-exceptions` : DESTINATION
      expect(hook).toMatchObject({ destination, status: 'active', headers: { 'X-Webhook-Secret': SECRET } })
    }

    const writesBefore = writes().length
    const second = await registerWebhooks(client, { destination: DESTINATION, webhookSecret: SECRET })
    expect(second.created).toEqual([])
    expect(second.updated).toEqual([])
    expect(second.unchanged).toHaveLength(all)
    expect(writes()).toHaveLength(writesBefore)
    expect(hooks()).toHaveLength(all)
  })

  it('never returns the secret', async () => {
    const result = await registerWebhooks(client, { destination: DESTINATION, webhookSecret: SECRET })
    expect(JSON.stringify(result)).not.toContain(SECRET)
    expect(result.created.every((h) => h.secretHeader)).toBe(true)
  })

  it('registers without a header when no secret is configured', async () => {
    await registerWebhooks(client, { destination: DESTINATION })
    expect(hooks().every((h) => h.headers === null)).toBe(true)
  })

  it('reactivates an inactive hook and repairs a stale secret, keeping other headers', async () => {
    await registerWebhooks(client, { destination: DESTINATION, webhookSecret: SECRET })
    const [orders, carts] = [hooks().find((h) => h.scope === 'store/order/*')!, hooks().find((h) => h.scope === 'store/cart/*')!]
    bigcommerce.store.deactivateHook(orders.id)
    bigcommerce.store.updateHook(carts.id, { headers: { 'X-Webhook-Secret': 'old-secret', 'X-Merchant': 'kept' } })

    const result = await registerWebhooks(client, { destination: DESTINATION, webhookSecret: SECRET })
    expect(result.created).toEqual([])
    expect(result.updated.map((h) => h.id).sort()).toEqual([orders.id, carts.id].sort())
    expect(bigcommerce.store.hooks.get(orders.id)!.status).toBe('active')
    expect(bigcommerce.store.hooks.get(carts.id)!.headers).toEqual({ 'X-Webhook-Secret': SECRET, 'X-Merchant': 'kept' })
  })

  it('leaves hooks at other destinations alone and adds its own beside them', async () => {
    const other = bigcommerce.store.createHook({ scope: 'store/order/*', destination: 'https://other.example.com/hook' })
    await registerWebhooks(client, { destination: DESTINATION, webhookSecret: SECRET })
    expect(bigcommerce.store.hooks.get(other.id)).toMatchObject({ destination: 'https://other.example.com/hook', headers: null })
    expect(hooks().filter((h) => h.destination === DESTINATION)).toHaveLength(HOOK_SCOPES.length)
  })
})

describe('store/hook/deliveryException', () => {
  it('is registered at a destination distinct from every other hook, which BigCommerce requires', async () => {
    await registerWebhooks(client, { destination: DESTINATION, webhookSecret: SECRET })
    const exception = hooks().find((h) => h.scope === DELIVERY_EXCEPTION_SCOPE)!
    expect(exception.destination).toBe(`${DESTINATION}/delivery-exceptions`)
    expect(hooks().filter((h) => h.destination === exception.destination)).toHaveLength(1)
  })

  it('the stand-in refuses one at the destination other hooks use, as BigCommerce does', async () => {
    bigcommerce.store.createHook({ scope: 'store/order/*', destination: DESTINATION })
    const res = await bigcommerce.fetch(
      new Request('http://bigcommerce.standin/stores/teststore/v3/hooks', {
        method: 'POST',
        headers: { 'X-Auth-Token': 'bc-test-token', 'content-type': 'application/json' },
        body: JSON.stringify({ scope: DELIVERY_EXCEPTION_SCOPE, destination: DESTINATION, is_active: true }),
      }),
    )
    expect(res.status).toBe(422)
    expect(JSON.stringify(await res.json())).toContain('distinct')
  })

  it('its callbacks are accepted at that destination and recorded', async () => {
    useStandins()
    const payload = JSON.stringify({
      scope: DELIVERY_EXCEPTION_SCOPE,
      store_id: '1025646',
      data: { id: 7, error_code: 90002, message: 'attempts exhausted' },
      hash: 'a1b2c3',
      created_at: Math.floor(Date.now() / 1000),
      producer: 'stores/teststore',
    })
    const res = await callWorker(
      new Request(`${WEBHOOK_URL}/delivery-exceptions`, {
        method: 'POST',
        body: payload,
        headers: { 'content-type': 'application/json', ...(await signDelivery(payload, SECRETS)) },
      }),
    )
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'accepted' })
    const { results } = await env.DB.prepare('SELECT scope FROM webhook_events').all<{ scope: string }>()
    expect(results.map((r) => r.scope)).toEqual([DELIVERY_EXCEPTION_SCOPE])
  })
})

describe('webhookHealth', () => {
  it('reports status, missing scopes, blocked domains and delivery exceptions', async () => {
    await registerWebhooks(client, { destination: DESTINATION, webhookSecret: SECRET })
    const shipments = hooks().find((h) => h.scope === 'store/shipment/*')!
    bigcommerce.store.deactivateHook(shipments.id)
    bigcommerce.store.deleteHook(hooks().find((h) => h.scope === 'store/sku/*')!.id)
    bigcommerce.store.blockDomain('worker.example.com', 120_000)
    await recordHookException(env.DB, { hookId: shipments.id, errorCode: 90002, message: 'attempts exhausted' }, new Date())

    const health = await webhookHealth(client, env.DB, { destination: DESTINATION, webhookSecret: SECRET })
    // Our scopes less the deleted one, plus the delivery exception hook at its own destination.
    expect(health.hooks).toHaveLength(HOOK_SCOPES.length - 1 + 1)
    expect(health.hooks.find((h) => h.id === shipments.id)).toMatchObject({ status: 'deactivated', active: false })
    expect(health.deactivated).toBe(1)
    expect(health.missingScopes).toEqual(['store/sku/*'])
    expect(health.blockedDomains).toEqual([
      expect.objectContaining({ destination: 'worker.example.com', secondsLeft: 120 }),
    ])
    expect(health.deliveryExceptions).toEqual([
      expect.objectContaining({ hookId: shipments.id, errorCode: 90002, message: 'attempts exhausted' }),
    ])
    expect(JSON.stringify(health)).not.toContain(SECRET)
  })
})

describe('the webhook-health cron', () => {
  it('re-enables a deactivated hook at our destination, and only ours', async () => {
    expect(webhookDestination(env.PUBLIC_URL as string)).toBe(DESTINATION)
    await registerWebhooks(client, { destination: DESTINATION, webhookSecret: SECRET })
    const orders = hooks().find((h) => h.scope === 'store/order/*')!
    const foreign = bigcommerce.store.createHook({ scope: 'store/order/*', destination: 'https://other.example.com/hook' })
    bigcommerce.store.deactivateHook(orders.id)
    bigcommerce.store.deactivateHook(foreign.id)

    await runScheduled('* * * * *', Date.now(), env)
    expect(bigcommerce.store.hooks.get(orders.id)!.status).toBe('active')
    expect(bigcommerce.store.hooks.get(foreign.id)!.status).toBe('deactivated')
    const puts = bigcommerce.requests.filter((r) => r.method === 'PUT')
    expect(puts.map((r) => r.path)).toEqual([`/stores/teststore/v3/hooks/${orders.id}`])

    const stored = await lastWebhookHealth(env)
    expect(stored).toMatchObject({ reenabled: [orders.id], deactivated: 0, missingScopes: [] })
    expect(stored?.hooks.find((h) => h.id === orders.id)).toMatchObject({ status: 'active', active: true })
  })

  it('checks BigCommerce at most once per interval, however often it fires', async () => {
    await registerWebhooks(client, { destination: DESTINATION, webhookSecret: SECRET })
    const start = Date.now()
    const adminCalls = () => bigcommerce.requests.filter((r) => r.path.endsWith('/v3/hooks/admin')).length

    expect(await checkWebhookHealth(env, new Date(start))).not.toBeNull()
    expect(await checkWebhookHealth(env, new Date(start + 60_000))).toBeNull()
    expect(await checkWebhookHealth(env, new Date(start + WEBHOOK_HEALTH_INTERVAL_MS - 1))).toBeNull()
    expect(adminCalls()).toBe(1)

    bigcommerce.store.deactivateHook(hooks()[0]!.id)
    const later = await checkWebhookHealth(env, new Date(start + WEBHOOK_HEALTH_INTERVAL_MS))
    expect(later?.reenabled).toEqual([hooks()[0]!.id])
    expect(adminCalls()).toBe(2)
  })

  it('does nothing without PUBLIC_URL', async () => {
    const withoutUrl = { ...env, PUBLIC_URL: undefined }
    expect(await checkWebhookHealth(withoutUrl, new Date())).toBeNull()
    expect(bigcommerce.requests).toHaveLength(0)
  })
})
