import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import wranglerToml from '../../wrangler.toml?raw'
import { freshRateWindow } from '../support/rate-window'
import { callWorker } from '../support/worker'
import { postHit, SHOP } from './support'

/**
 * Rate limits on the platform's binding (wrangler.toml `[[ratelimits]]`, the same in workerd here as under
 * `wrangler dev`): 60 hits a minute per anonymous visitor, 600 per client.
 */
let n = 0
const visitor = () => `limited-${Date.now().toString(36)}-${++n}`

async function expectLimited(response: Response, what: string) {
  expect(response.status).toBe(429)
  expect(Number(response.headers.get('retry-after'))).toBe(60)
  expect(response.headers.get('access-control-allow-origin')).toBe(SHOP)
  expect(await response.json()).toEqual({ error: 'rate_limited', message: expect.stringContaining(what), retryAfter: 60 })
}

describe('beacon rate limits', () => {
  it('429 with Retry-After once one visitor passes 60 hits a minute; other visitors go on', { timeout: 120_000 }, async () => {
    await freshRateWindow()
    const id = visitor()
    const client = { 'cf-connecting-ip': '192.0.2.10' }
    const statuses: number[] = []
    for (let i = 0; i < 60; i++) statuses.push((await postHit({ anonymousId: id, url: `${SHOP}/p/${i}` }, client)).status)
    expect(statuses.every((s) => s === 204)).toBe(true)
    await expectLimited(await postHit({ anonymousId: id, url: `${SHOP}/` }, client), 'this visitor')
    expect((await postHit({ anonymousId: visitor(), url: `${SHOP}/` }, client)).status).toBe(204)
  })

  it('429 once one client (IP) passes its limit, whatever visitor ids it sends; other clients go on', { timeout: 120_000 }, async () => {
    // The binding with a limit of 5 in place of BEACON_CLIENT_LIMITER's 600, so the test stays short.
    const small = { ...env, BEACON_CLIENT_LIMITER: env.SMALL_TEST_LIMITER }
    await freshRateWindow()
    const send = (ip: string) =>
      callWorker(
        new Request('https://worker.example.com/beacon', {
          method: 'POST',
          headers: { origin: SHOP, 'content-type': 'text/plain', 'cf-connecting-ip': ip },
          body: JSON.stringify({ anonymousId: visitor(), url: `${SHOP}/` }),
        }),
        small,
      )
    for (let i = 0; i < 5; i++) expect((await send('192.0.2.20')).status).toBe(204)
    await expectLimited(await send('192.0.2.20'), 'this client')
    expect((await send('192.0.2.21')).status).toBe(204)
  })

  it('declares the limits in wrangler.toml: 600 a minute per client, 60 per visitor, 10 failed admin authentications', () => {
    const declared = [...wranglerToml.matchAll(/\[\[ratelimits\]\]\s*name = "(\w+)"\s*namespace_id = "\d+"\s*simple = \{ limit = (\d+), period = (\d+) \}/g)]
    expect(declared.map(([, name, limit, period]) => [name, Number(limit), Number(period)])).toEqual([
      ['BEACON_CLIENT_LIMITER', 600, 60],
      ['BEACON_VISITOR_LIMITER', 60, 60],
      ['ADMIN_AUTH_LIMITER', 10, 60],
    ])
  })
})
