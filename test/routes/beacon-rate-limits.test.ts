import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import wranglerToml from '../../wrangler.toml?raw'
import { inOneRateWindow } from '../support/rate-window'
import { callWorker } from '../support/worker'
import { postHit, SHOP } from '../support/beacon'

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
  it('429 with Retry-After once one visitor passes 60 hits a minute; other visitors go on', async () => {
    const client = { 'cf-connecting-ip': '192.0.2.10' }
    const { statuses, limited } = await inOneRateWindow(async () => {
      const id = visitor()
      const statuses: number[] = []
      for (let i = 0; i < 60; i++) statuses.push((await postHit({ anonymousId: id, url: `${SHOP}/p/${i}` }, client)).status)
      return { statuses, limited: await postHit({ anonymousId: id, url: `${SHOP}/` }, client) }
    })
    expect(statuses.every((s) => s === 204)).toBe(true)
    await expectLimited(limited, 'this visitor')
    expect((await postHit({ anonymousId: visitor(), url: `${SHOP}/` }, client)).status).toBe(204)
  })

  it('429 once one client (IP) passes its limit, whatever visitor ids it sends; other clients go on', async () => {
    // The binding with a limit of 5 in place of BEACON_CLIENT_LIMITER's 600, so the test stays short.
    const small = { ...env, BEACON_CLIENT_LIMITER: env.SMALL_TEST_LIMITER }
    const send = (ip: string) =>
      callWorker(
        new Request('https://worker.example.com/beacon', {
          method: 'POST',
          headers: { origin: SHOP, 'content-type': 'text/plain', 'cf-connecting-ip': ip },
          body: JSON.stringify({ anonymousId: visitor(), url: `${SHOP}/` }),
        }),
        small,
      )
    const { statuses, limited } = await inOneRateWindow(async (round) => {
      const ip = `192.0.2.${20 + round}`
      const statuses: number[] = []
      for (let i = 0; i < 5; i++) statuses.push((await send(ip)).status)
      return { statuses, limited: await send(ip) }
    })
    expect(statuses).toEqual([204, 204, 204, 204, 204])
    await expectLimited(limited, 'this client')
    expect((await send('192.0.2.30')).status).toBe(204)
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
