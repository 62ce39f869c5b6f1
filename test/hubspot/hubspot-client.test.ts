import { describe, expect, it } from 'vitest'
import { API_VERSION, HubSpotClient, classifyError } from '../../src/hubspot/hubspot-client'
import { serveHost } from '../support/network'

const TOKEN = 'hs-secret-token-123'

function clientFor(handler: (request: Request) => Response | Promise<Response>, timeoutMs?: number) {
  serveHost('hubspot.client', handler)
  return new HubSpotClient({ baseUrl: 'http://hubspot.client/', accessToken: TOKEN, timeoutMs })
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } })

describe('HubSpot client', () => {
  it('sends the bearer token to the versioned path and returns the rate-limit headers', async () => {
    let seen: Request | undefined
    const client = clientFor((request) => {
      seen = request
      return json(200, { status: 'COMPLETE', results: [] }, {
        'X-HubSpot-RateLimit-Max': '100',
        'X-HubSpot-RateLimit-Remaining': '97',
        'X-HubSpot-RateLimit-Interval-Milliseconds': '10000',
        'X-HubSpot-RateLimit-Daily-Remaining': '249990',
      })
    })
    const res = await client.batchUpsert('orders', 'bc_order_id', [{ id: '7', properties: { hs_order_name: 'Order #7' }, objectWriteTraceId: '7' }])
    expect(seen!.url).toBe(`http://hubspot.client/crm/${API_VERSION.crm}/objects/orders/batch/upsert`)
    expect(seen!.headers.get('authorization')).toBe(`Bearer ${TOKEN}`)
    expect(await seen!.json()).toEqual({
      inputs: [{ idProperty: 'bc_order_id', id: '7', properties: { hs_order_name: 'Order #7' }, objectWriteTraceId: '7' }],
    })
    expect(res.ok).toBe(true)
    expect(res.rateLimit).toEqual({ max: 100, remaining: 97, intervalMs: 10000, dailyRemaining: 249990 })
  })

  it('uses the v4 path for default associations', async () => {
    let url = ''
    const client = clientFor(async (request) => {
      url = request.url
      return json(200, { status: 'COMPLETE', results: [] })
    })
    await client.batchAssociateDefault('orders', 'contacts', [{ from: '1', to: '2' }])
    expect(url).toBe(`http://hubspot.client/crm/${API_VERSION.associations}/associations/orders/contacts/batch/associate/default`)
  })

  it('classifies 429 by policy: ten-secondly is retryable, daily is not', async () => {
    const body = (policyName: string) => ({ status: 'error', message: 'You have reached your limit.', errorType: 'RATE_LIMIT', policyName })
    let policy = 'TEN_SECONDLY_ROLLING'
    const client = clientFor(() => json(429, body(policy)))
    const first = await client.listGroups('contacts')
    expect(first.ok || first.error).toMatchObject({ kind: 'rate_limit', policyName: 'TEN_SECONDLY_ROLLING', retryable: true })
    policy = 'DAILY'
    const second = await client.listGroups('contacts')
    expect(second.ok || second.error).toMatchObject({ kind: 'rate_limit', policyName: 'DAILY', retryable: false })
    // Without policyName (some 429 bodies), the message decides.
    expect(classifyError(429, { message: 'You have reached your daily limit.' }, '')).toMatchObject({ policyName: 'DAILY' })
  })

  it('classifies 5xx, 409 with the existing id, and 400 with the offending properties', async () => {
    expect(classifyError(502, undefined, 'Bad gateway')).toMatchObject({ kind: 'server', retryable: true })
    expect(
      classifyError(409, { message: 'Contact already exists. Existing ID: 37765128953', category: 'CONFLICT' }, ''),
    ).toMatchObject({ kind: 'conflict', existingId: '37765128953', retryable: false })
    const invalid = classifyError(
      400,
      {
        category: 'VALIDATION_ERROR',
        message:
          'Property values were not valid: [{"isValid":false,"message":"Property \\"hs_tax\\" does not exist","error":"PROPERTY_DOESNT_EXIST","name":"hs_tax"},{"isValid":false,"message":"x was not one of the allowed options","error":"INVALID_OPTION","name":"bc_value_tier"}]',
        errors: [{ message: 'bad date', code: 'INVALID_DATE', context: { propertyName: ['bc_first_order_date'] } }],
      },
      '',
    )
    expect(invalid.kind).toBe('validation')
    expect(invalid.propertyErrors).toEqual(
      expect.arrayContaining([
        { name: 'hs_tax', code: 'PROPERTY_DOESNT_EXIST' },
        { name: 'bc_value_tier', code: 'INVALID_OPTION' },
        { name: 'bc_first_order_date', code: 'INVALID_DATE' },
      ]),
    )
  })

  it('reports a timeout as retryable without throwing', async () => {
    const client = clientFor(
      (request) =>
        new Promise<Response>((_resolve, reject) => request.signal.addEventListener('abort', () => reject(request.signal.reason))),
      50,
    )
    const res = await client.listProperties('orders')
    expect(res.ok).toBe(false)
    if (!res.ok) expect(res.error).toMatchObject({ kind: 'timeout', retryable: true, status: 0 })
  })

  it('never puts the token in an error, even when the server echoes it', async () => {
    const client = clientFor((request) => json(401, { message: `token ${request.headers.get('authorization')} is invalid` }))
    const res = await client.listGroups('orders')
    expect(res.ok).toBe(false)
    if (!res.ok) {
      expect(res.error.kind).toBe('auth')
      expect(JSON.stringify(res.error)).not.toContain(TOKEN)
    }
    const failing = clientFor(() => {
      throw new TypeError(`connect failed for ${TOKEN}`)
    })
    const network = await failing.listGroups('orders')
    expect(JSON.stringify(network)).not.toContain(TOKEN)
    expect(network.ok || network.error.kind).toBe('network')
  })
})
