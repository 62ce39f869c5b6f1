import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { ApiError, errorAnswer } from '../../../src/http'
import { callWorker } from '../../support/worker'
import { adminCall, freshClient, TOKENS, WORKER } from '../../support/admin'

// The admin API's input handling (@hono/zod-openapi validates, our hook answers) and its one error mapping.
type ErrorBody = { error: string; message: string; problems?: string[] }

function post(path: string, body: string | null, headers: Record<string, string> = {}) {
  return callWorker(
    new Request(`${WORKER}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKENS.operator}`, 'cf-connecting-ip': freshClient(), ...headers },
      body,
    }),
  )
}

describe('admin API input', () => {
  it('names each invalid query or path parameter as a 400 invalid_request', async () => {
    const query = await adminCall('GET', '/admin/api/dead-letters?limit=0&state=closed', { role: 'viewer' })
    expect(query.status).toBe(400)
    const queryError = (await query.json()) as ErrorBody
    expect(queryError.error).toBe('invalid_request')
    expect(queryError.problems).toEqual([expect.stringMatching(/^query\.state: /), expect.stringMatching(/^query\.limit: /)])
    expect(queryError.message).toBe(queryError.problems!.join('; '))

    const path = await adminCall('POST', '/admin/api/dead-letters/abc/replay', { role: 'operator' })
    expect(path.status).toBe(400)
    expect(((await path.json()) as ErrorBody).message).toMatch(/^path\.id: /)
  })

  it('checks the role before the input: a viewer sending nonsense gets 403, not 400', async () => {
    const response = await adminCall('POST', '/admin/api/dead-letters/abc/replay', { role: 'viewer' })
    expect(response.status).toBe(403)
    expect(((await response.json()) as ErrorBody).error).toBe('forbidden')
  })

  it('reads a body as JSON whatever its Content-Type, and refuses one that is not JSON', async () => {
    // curl -d sends application/x-www-form-urlencoded
    const form = await post('/admin/api/dead-letters/replay', '{"dryRun": true, "kind": "webhook"}', { 'content-type': 'application/x-www-form-urlencoded' })
    expect(form.status).toBe(200)
    expect(await form.json()).toMatchObject({ dryRun: true, replayed: 0 })

    for (const headers of [{}, { 'content-type': 'application/json' }] as Record<string, string>[]) {
      const notJson = await post('/admin/api/dead-letters/replay', 'dryRun=true', headers)
      expect(notJson.status).toBe(400)
      expect(await notJson.json()).toEqual({ error: 'invalid_json', message: 'the body is not JSON' })
    }
  })

  it('an empty body is no body: refused where one is needed, naming it, and fine where it is optional', async () => {
    const missing = await post('/admin/api/dead-letters/replay', '', { 'content-type': 'application/json' })
    expect(missing.status).toBe(400)
    const error = (await missing.json()) as ErrorBody
    expect(error.error).toBe('invalid_request')
    expect(error.problems).toEqual([expect.stringMatching(/^body: /)])

    const strict = await post('/admin/api/dead-letters/replay', '{"dryRun": true, "extra": 1}', { 'content-type': 'application/json' })
    expect(strict.status).toBe(400)
    expect(((await strict.json()) as ErrorBody).message).toMatch(/^body: .*extra/)
  })

  it("answers a handler's raised error in the JSON error shape", async () => {
    const notFound = await adminCall('POST', `/admin/api/sessions/${'a'.repeat(64)}/revoke`, { role: 'admin' })
    expect(notFound.status).toBe(404)
    expect(await notFound.json()).toEqual({ error: 'not_found', message: `no open session ${'a'.repeat(64)}` })
  })
})

describe('errorAnswer', () => {
  const app = new Hono()
  app.get('/refused', () => {
    throw new ApiError(409, 'not_replayable', 'already settled', { id: 7 }, { 'retry-after': '3' })
  })
  app.get('/broken', () => {
    throw new Error('secret detail')
  })
  app.onError(errorAnswer)

  it('answers a raised ApiError with its status, code, message, details and headers', async () => {
    const response = await app.request('/refused')
    expect(response.status).toBe(409)
    expect(response.headers.get('retry-after')).toBe('3')
    expect(await response.json()).toEqual({ error: 'not_replayable', message: 'already settled', id: 7 })
  })

  it('answers anything else with a 500 that does not repeat the error', async () => {
    const response = await app.request('/broken')
    expect(response.status).toBe(500)
    expect(await response.json()).toEqual({ error: 'internal_error', message: 'the worker failed to handle this request' })
  })
})
