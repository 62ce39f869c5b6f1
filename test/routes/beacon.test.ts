import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { env, exports } from 'cloudflare:workers'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import worker from '../../src/index'
import { customerToken } from '../support/beacon'

const SHOP = 'https://shop.example.com'
let counter = 0
const newId = () => `visitor-${Date.now().toString(36)}-${++counter}`

function post(body: unknown, init: { origin?: string | null; type?: string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { 'content-type': init.type ?? 'text/plain;charset=UTF-8', ...init.headers }
  if (init.origin !== null) headers.origin = init.origin ?? SHOP
  return exports.default.fetch('https://worker.example.com/beacon', {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
}

async function touchesOf(anonymousId: string) {
  const { results } = await env.DB.prepare('SELECT * FROM touches WHERE anonymous_id = ? ORDER BY id')
    .bind(anonymousId)
    .all<{ channel: string; source: string | null; reason: string; occurred_at: number; landing_page: string }>()
  return results
}

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString()

describe('GET /beacon.js', () => {
  it('serves a small script that posts to its own origin', async () => {
    const res = await exports.default.fetch('https://worker.example.com/beacon.js')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('javascript')
    const script = await res.text()
    expect(script).toContain("'https://worker.example.com/beacon'")
    expect(script).toContain('sendBeacon')
    expect(script).toContain('globalPrivacyControl')
    // With BIGCOMMERCE_APP_CLIENT_ID set, it asks the storefront for the signed-in shopper's token; it never
    // sends an email or a customer id of its own.
    expect(script).toContain("'test-app-client-id'")
    expect(script).toContain('/customer/current.jwt?app_client_id=')
    expect(script).not.toMatch(/email|customerId/)
    expect(script).not.toMatch(/^\s*\/\//m)
    expect(gzipSync(script).length).toBeLessThan(2048)
    // It parses as JavaScript.
    expect(() => new Function(script)).not.toThrow()
  })
})

describe('CORS', () => {
  it('answers a preflight from an allowed origin', async () => {
    const res = await exports.default.fetch('https://worker.example.com/beacon', {
      method: 'OPTIONS',
      headers: { origin: SHOP, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    })
    expect(res.status).toBe(204)
    expect(res.headers.get('access-control-allow-origin')).toBe(SHOP)
    expect(res.headers.get('access-control-allow-methods')).toContain('POST')
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('content-type')
  })

  it('refuses a preflight from another origin', async () => {
    const res = await exports.default.fetch('https://worker.example.com/beacon', {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example.net', 'access-control-request-method': 'POST' },
    })
    expect(res.status).toBe(403)
    expect(res.headers.get('access-control-allow-origin')).toBeNull()
  })
})

describe('POST /beacon status codes', () => {
  it('204 for a valid hit, as text/plain or application/json, with CORS headers', async () => {
    const id = newId()
    const res = await post({ anonymousId: id, url: `${SHOP}/` })
    expect(res.status).toBe(204)
    expect(res.headers.get('access-control-allow-origin')).toBe(SHOP)
    const json = await post({ anonymousId: newId(), url: `${SHOP}/` }, { type: 'application/json' })
    expect(json.status).toBe(204)
  })

  it('403 without an Origin header or from an origin not allowed', async () => {
    const none = await post({ anonymousId: newId(), url: `${SHOP}/` }, { origin: null })
    expect(none.status).toBe(403)
    expect(await none.json()).toMatchObject({ error: 'origin_not_allowed' })
    const other = await post({ anonymousId: newId(), url: `${SHOP}/` }, { origin: 'https://shop.example.com.evil.net' })
    expect(other.status).toBe(403)
    expect((await other.json<{ message: string }>()).message).toContain('shop.example.com.evil.net')
  })

  it('413 above 8 KiB, whether Content-Length says so or not', async () => {
    const big = JSON.stringify({ anonymousId: newId(), url: `${SHOP}/`, referrer: `https://x.example/${'a'.repeat(8300)}` })
    const declared = await post(big)
    expect(declared.status).toBe(413)
    // A streamed body has no Content-Length: the size is counted while reading.
    const stream = new ReadableStream({
      start(controller) {
        const bytes = new TextEncoder().encode(big)
        for (let i = 0; i < bytes.length; i += 1000) controller.enqueue(bytes.slice(i, i + 1000))
        controller.close()
      },
    })
    const streamed = await exports.default.fetch('https://worker.example.com/beacon', {
      method: 'POST',
      headers: { origin: SHOP, 'content-type': 'text/plain' },
      body: stream,
    })
    expect(streamed.status).toBe(413)
    // Just under the limit is fine.
    const fits = JSON.stringify({ anonymousId: newId(), url: `${SHOP}/`, referrer: `https://x.example/${'a'.repeat(4000)}` })
    expect((await post(fits)).status).toBe(204)
  })

  it.each([
    ['not JSON', '{"anonymousId":', 'invalid_json', 'JSON'],
    ['an array', '[]', 'invalid_hit', 'object'],
    ['no anonymousId', JSON.stringify({ url: `${SHOP}/` }), 'invalid_hit', 'anonymousId'],
    ['a bad url', JSON.stringify({ anonymousId: 'abcdefgh1', url: 'javascript:alert(1)' }), 'invalid_hit', 'url'],
    ['a cartId that is not a cart id', JSON.stringify({ anonymousId: 'abcdefgh1', url: `${SHOP}/`, cartId: '12' }), 'invalid_hit', 'cartId'],
    ['a customerToken that is not a JWT', JSON.stringify({ anonymousId: 'abcdefgh1', url: `${SHOP}/`, customerToken: 'nope' }), 'invalid_hit', 'customerToken'],
    ['a bad occurredAt', JSON.stringify({ anonymousId: 'abcdefgh1', url: `${SHOP}/`, occurredAt: 'yesterday' }), 'invalid_hit', 'occurredAt'],
  ])('400 for %s, naming the problem', async (_what, body, error, mentions) => {
    const res = await post(body)
    expect(res.status).toBe(400)
    const json = await res.json<{ error: string; message: string }>()
    expect(json.error).toBe(error)
    expect(json.message).toContain(mentions)
  })

  it('415 for a content type other than text/plain or JSON', async () => {
    const res = await post({ anonymousId: newId(), url: `${SHOP}/` }, { type: 'application/x-www-form-urlencoded' })
    expect(res.status).toBe(415)
  })
})

describe('lean storage', () => {
  it('stores the first hit of a session and new campaign information, not page views', async () => {
    const id = newId()
    await post({ anonymousId: id, url: `${SHOP}/?utm_source=google&utm_medium=cpc&gclid=abc`, occurredAt: minutesAgo(120) })
    await post({ anonymousId: id, url: `${SHOP}/shoes`, referrer: `${SHOP}/`, occurredAt: minutesAgo(119) })
    await post({ anonymousId: id, url: `${SHOP}/shoes/red`, referrer: `${SHOP}/shoes`, occurredAt: minutesAgo(118) })
    // A refresh of the landing page repeats the campaign: nothing new.
    await post({ anonymousId: id, url: `${SHOP}/?utm_source=google&utm_medium=cpc&gclid=abc`, occurredAt: minutesAgo(117) })
    expect((await touchesOf(id)).map((t) => [t.channel, t.reason])).toEqual([['paid_search', 'session']])

    // New campaign information mid-session is a touch.
    await post({ anonymousId: id, url: `${SHOP}/?utm_source=klaviyo&utm_medium=email`, occurredAt: minutesAgo(110) })
    // After SESSION_TIMEOUT (30m) of silence, even a direct visit starts a session.
    await post({ anonymousId: id, url: `${SHOP}/`, occurredAt: minutesAgo(60) })
    await post({ anonymousId: id, url: `${SHOP}/cart.php`, referrer: `${SHOP}/`, occurredAt: minutesAgo(59) })
    const touches = await touchesOf(id)
    expect(touches.map((t) => [t.channel, t.reason])).toEqual([
      ['paid_search', 'session'],
      ['email', 'campaign'],
      ['direct', 'session'],
    ])
    // No query strings are kept.
    expect(touches[0]!.landing_page).toBe(`${SHOP}/`)
  })

  it('makes one touch of two hits of one page that arrive together (the landing hit and the cart id)', async () => {
    for (let i = 0; i < 5; i++) {
      const id = newId()
      const url = `${SHOP}/?utm_source=google&utm_medium=cpc&gclid=together`
      const responses = await Promise.all([post({ anonymousId: id, url }), post({ anonymousId: id, url, cartId: 'c0ffee00-0000-4000-8000-00000000cafe' })])
      expect(responses.map((r) => r.status)).toEqual([204, 204])
      expect((await touchesOf(id)).map((t) => [t.channel, t.reason])).toEqual([['paid_search', 'session']])
    }
  })

  it('trusts occurredAt within 24 hours only', async () => {
    const id = newId()
    const before = Date.now()
    await post({ anonymousId: id, url: `${SHOP}/`, occurredAt: new Date(before - 2 * 86_400_000).toISOString() })
    const [touch] = await touchesOf(id)
    expect(touch!.occurred_at).toBeGreaterThanOrEqual(before)
    const id2 = newId()
    const claimed = Date.now() - 3_600_000
    await post({ anonymousId: id2, url: `${SHOP}/`, occurredAt: new Date(claimed).toISOString() })
    expect((await touchesOf(id2))[0]!.occurred_at).toBe(claimed)
  })
})

describe('identity linking', () => {
  it('links a cart and a verified customer once each, and nothing a hit merely states', async () => {
    const id = newId()
    await post({ anonymousId: id, url: `${SHOP}/` })
    await post({ anonymousId: id, url: `${SHOP}/cart.php`, cartId: 'c0ffee00-0000-4000-8000-000000000001' })
    await post({ anonymousId: id, url: `${SHOP}/cart.php`, cartId: 'c0ffee00-0000-4000-8000-000000000001' })
    // An older script's email and customer id: accepted as a hit, never as identity.
    expect((await post({ anonymousId: id, url: `${SHOP}/account.php`, customerId: 43, email: ' Jane@Example.COM ' })).status).toBe(204)
    await post({ anonymousId: id, url: `${SHOP}/account.php`, customerToken: await customerToken(42) })
    await post({ anonymousId: id, url: `${SHOP}/account.php`, customerToken: await customerToken(42) })
    const { results } = await env.DB.prepare(
      'SELECT kind, value FROM beacon_identities WHERE anonymous_id = ? ORDER BY kind',
    )
      .bind(id)
      .all()
    expect(results).toEqual([
      { kind: 'cart', value: 'c0ffee00-0000-4000-8000-000000000001' },
      { kind: 'customer', value: '42' },
    ])
    // Linking is not a touch: still only the session's first hit.
    expect(await touchesOf(id)).toHaveLength(1)
  })

  it('forwards a verified customer product view to the contact after answering', async () => {
    const id = newId()
    const customerId = 900 + counter
    const email = `viewer-${counter}@example.com`
    // The contact's Durable Object keeps views only for a contact it knows (from BigCommerce), and the
    // customer's email is what the store told the worker.
    const at = new Date().toISOString()
    await env.CONTACT.getByName(email).applyCustomer(
      { customerId, email, firstName: 'Vi', lastName: 'Ewer', phone: null, acceptsAbandonedCartEmails: false, address: null, originChannelId: 1, channelIds: [1], createdAt: at, modifiedAt: at },
      null,
      { mode: 'import' },
    )
    await env.DB.prepare('INSERT INTO customer_emails (customer_id, email, updated_at) VALUES (?, ?, ?)').bind(customerId, email, Date.now()).run()
    const send = async (body: object) => {
      const ctx = createExecutionContext()
      const request = new Request('https://worker.example.com/beacon', {
        method: 'POST',
        headers: { origin: SHOP, 'content-type': 'text/plain' },
        body: JSON.stringify(body),
      })
      const res = await worker.fetch(request, env, ctx)
      await waitOnExecutionContext(ctx)
      return res
    }
    expect((await send({ anonymousId: id, url: `${SHOP}/products/7`, customerToken: await customerToken(customerId, email), productId: 7 })).status).toBe(204)
    const state = await env.CONTACT.getByName(email).snapshot()
    expect(state?.productViews.map((v) => v.productId)).toEqual([7])

    // The same visitor, now known by its verified customer id, views another product without the token.
    await send({ anonymousId: id, url: `${SHOP}/products/8`, productId: 8 })
    const after = await env.CONTACT.getByName(email).snapshot()
    expect(after?.productViews.map((v) => v.productId)).toEqual([7, 8])
  })
})

describe('operator channel rules', () => {
  it('classifies with the rules an admin sets as an override', async () => {
    const putOverrides = (body: object) =>
      exports.default.fetch('https://worker.example.com/admin/api/overrides', {
        method: 'PUT',
        headers: { authorization: 'Bearer admin-token-0123456789abcdef0123456789', 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    const visit = (anonymousId: string) =>
      post({ anonymousId, url: `${SHOP}/`, referrer: 'https://news.partner-magazine.example/article' })

    const before = newId()
    expect((await visit(before)).status).toBe(204)
    expect((await touchesOf(before))[0]).toMatchObject({ channel: 'referral' })

    expect((await putOverrides({ channelRules: { sources: { social: { 'news.partner-magazine.example': 'Partner Magazine' } } } })).status).toBe(200)
    try {
      const after = newId()
      expect((await visit(after)).status).toBe(204)
      expect((await touchesOf(after))[0]).toMatchObject({ channel: 'organic_social', source: 'Partner Magazine' })
    } finally {
      await putOverrides({})
    }
  })
})
