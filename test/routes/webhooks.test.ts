import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it } from 'vitest'
import { signDelivery, standardWebhookSignature } from '../../standins/bigcommerce'
import { callWorker, clearDatabase, SECRETS, useStandins, WEBHOOK_URL } from '../support/worker'

const body = JSON.stringify({
  scope: 'store/order/created',
  store_id: '1025646',
  data: { type: 'order', id: 4242 },
  hash: 'dd70c0976e06b67aaf671e73f49dcb79230ebf9d',
  created_at: 1561479335,
  producer: 'stores/teststore',
})

const now = () => Math.floor(Date.now() / 1000)

async function post(payload: string, headers: Record<string, string>, withEnv?: typeof env) {
  const request = new Request(WEBHOOK_URL, { method: 'POST', body: payload, headers: { 'content-type': 'application/json', ...headers } })
  return callWorker(request, withEnv)
}

async function signed(payload = body, overrides: Record<string, string> = {}) {
  return { ...(await signDelivery(payload, SECRETS)), ...overrides }
}

async function storedEvents() {
  const { results } = await env.DB.prepare('SELECT id, status FROM webhook_events').all<{ id: string; status: string }>()
  return results
}

describe('POST /webhooks/bigcommerce authentication', () => {
  beforeEach(async () => {
    useStandins()
    await clearDatabase()
  })

  it('accepts a delivery with a valid signature and the shared secret', async () => {
    const res = await post(body, await signed())
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'accepted' })
    expect(await storedEvents()).toHaveLength(1)
  })

  it.each([
    ['no authentication at all', async () => ({})],
    ['the signature headers but no shared secret', async () => {
      const { ['X-Webhook-Secret']: _omit, ...rest } = await signed()
      return rest
    }],
    ['a wrong shared secret', async () => signed(body, { 'X-Webhook-Secret': 'not-the-secret' })],
    ['a shared secret but no signature', async () => ({ 'X-Webhook-Secret': SECRETS.webhookSecret })],
    ['a signature made with another secret', async () => ({
      ...(await signDelivery(body, { clientSecret: 'another-secret', webhookSecret: SECRETS.webhookSecret })),
    })],
    ['a signature over another body', async () => signDelivery(body.replace('4242', '4243'), SECRETS)],
    ['a truncated signature', async () => {
      const headers = await signed()
      return { ...headers, 'webhook-signature': headers['webhook-signature']!.slice(0, 20) }
    }],
    ['an empty v1 signature', async () => signed(body, { 'webhook-signature': 'v1,' })],
    ['a timestamp more than 5 minutes old', async () =>
      signDelivery(body, { ...SECRETS, timestamp: now() - 301 })],
    ['a timestamp more than 5 minutes in the future', async () =>
      signDelivery(body, { ...SECRETS, timestamp: now() + 301 })],
    ['a timestamp that is not a number', async () => signed(body, { 'webhook-timestamp': 'yesterday' })],
    ['a missing webhook-id', async () => {
      const { ['webhook-id']: _omit, ...rest } = await signed()
      return rest
    }],
  ])('refuses %s with 401 and stores nothing', async (_case, headers) => {
    const res = await post(body, await headers())
    expect(res.status).toBe(401)
    const error = await res.json<{ error: string; message: string }>()
    expect(error.error).toBe('unauthorized')
    expect(error.message.length).toBeGreaterThan(0)
    expect(JSON.stringify(error)).not.toContain(SECRETS.webhookSecret)
    expect(await storedEvents()).toHaveLength(0)
  })

  it('accepts timestamps just inside the tolerance', async () => {
    expect((await post(body, await signDelivery(body, { ...SECRETS, timestamp: now() - 290 }))).status).toBe(200)
  })

  it('accepts a header with several signatures when one of them is valid', async () => {
    const headers = await signed()
    const other = await standardWebhookSignature('rotated-out-secret', headers['webhook-id']!, Number(headers['webhook-timestamp']), body)
    const res = await post(body, { ...headers, 'webhook-signature': `${other} v1,bm90LWEtc2ln ${headers['webhook-signature']}` })
    expect(res.status).toBe(200)
  })
})

describe('POST /webhooks/bigcommerce validation', () => {
  beforeEach(async () => {
    useStandins()
    await clearDatabase()
  })

  it('answers 403 when producer names another store', async () => {
    const other = body.replace('stores/teststore', 'stores/otherstore')
    const res = await post(other, await signed(other))
    expect(res.status).toBe(403)
    expect(await res.json()).toMatchObject({ error: 'wrong_store' })
  })

  it.each([
    ['not JSON', '{"scope": "store/order/created",', 'invalid_json'],
    ['a JSON array', '[]', 'invalid_envelope'],
    ['an envelope without scope', JSON.stringify({ data: {}, hash: 'x', producer: 'stores/teststore' }), 'invalid_envelope'],
    ['an order hook without an id', body.replace('"id":4242', '"status":1'), 'invalid_envelope'],
  ])('answers 400 for %s, naming the problem', async (_case, payload, code) => {
    const res = await post(payload, await signed(payload))
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ error: code, message: expect.any(String) })
    expect(await storedEvents()).toHaveLength(0)
  })

  it('answers 413 above 1 MiB', async () => {
    const big = JSON.stringify({ ...JSON.parse(body), data: { type: 'order', id: 1, padding: 'x'.repeat(1024 * 1024) } })
    const res = await post(big, await signed(big))
    expect(res.status).toBe(413)
    expect(await res.json()).toMatchObject({ error: 'payload_too_large' })
  })

  it('acknowledges and ignores scopes it does not use', async () => {
    const category = JSON.stringify({ ...JSON.parse(body), scope: 'store/category/created', data: { type: 'category', id: 3 } })
    const res = await post(category, await signed(category))
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'ignored' })
    expect(await storedEvents()).toEqual([expect.objectContaining({ status: 'ignored' })])
  })

  it('records a redelivery with the same webhook-id once', async () => {
    const headers = await signed()
    expect(await (await post(body, headers)).json()).toEqual({ status: 'accepted' })
    expect(await (await post(body, headers)).json()).toEqual({ status: 'duplicate' })
    expect(await storedEvents()).toHaveLength(1)
  })

  it('without webhook-id, treats the same scope, hash and created_at as a duplicate', async () => {
    const secretOnly = { ...env, BIGCOMMERCE_CLIENT_SECRET: '', BIGCOMMERCE_APP_CLIENT_ID: '' }
    const headers = { 'X-Webhook-Secret': SECRETS.webhookSecret }
    const statuses: string[] = []
    for (let i = 0; i < 3; i++) statuses.push((await (await post(body, headers, secretOnly)).json<{ status: string }>()).status)
    expect(statuses).toEqual(['accepted', 'duplicate', 'duplicate'])
    const later = body.replace('1561479335', '1561479336')
    expect(await (await post(later, headers, secretOnly)).json()).toEqual({ status: 'accepted' })
    expect(await storedEvents()).toHaveLength(2)
  })
})

describe('POST /webhooks/bigcommerce configuration', () => {
  it('fails closed with 503 when neither webhook secret is configured', async () => {
    const res = await post(body, await signed(), { ...env, BIGCOMMERCE_CLIENT_SECRET: '', BIGCOMMERCE_APP_CLIENT_ID: '', BIGCOMMERCE_WEBHOOK_SECRET: '' })
    expect(res.status).toBe(503)
    expect(await res.json()).toMatchObject({ error: 'webhook_auth_not_configured' })
  })

  it('answers 503 naming the variable when the configuration is invalid', async () => {
    const res = await post(body, await signed(), { ...env, CART_ABANDON_AFTER: 'soon' })
    expect(res.status).toBe(503)
    expect(await res.json()).toMatchObject({ error: 'invalid_configuration', variable: 'CART_ABANDON_AFTER' })
  })

  it('checks only the shared secret when only it is configured', async () => {
    const secretOnly = { ...env, BIGCOMMERCE_CLIENT_SECRET: '', BIGCOMMERCE_APP_CLIENT_ID: '' }
    expect((await post(body, { 'X-Webhook-Secret': SECRETS.webhookSecret }, secretOnly)).status).toBe(200)
    expect((await post(body, { 'X-Webhook-Secret': 'wrong' }, secretOnly)).status).toBe(401)
  })
})
