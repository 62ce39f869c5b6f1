import { beforeAll, describe, expect, it } from 'vitest'
import { signIn } from './support/admin'
import { callWorker, freshWorld } from './support/worker'

/**
 * Every page and the API carry the secure headers (hono/secure-headers): a CSP with no inline script or
 * style and no framing, nosniff, no referrer. The Chromium test (test/browser/dashboard.test.ts) shows the
 * dashboard working under this CSP.
 */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

function expectSecureHeaders(res: Response, what: string) {
  expect(res.headers.get('content-security-policy'), what).toBe(CSP)
  expect(res.headers.get('x-content-type-options'), what).toBe('nosniff')
  expect(res.headers.get('referrer-policy'), what).toBe('no-referrer')
  expect(res.headers.get('x-frame-options'), what).toBe('DENY')
  expect(res.headers.get('strict-transport-security'), what).toMatch(/^max-age=\d+/)
}

beforeAll(async () => {
  await freshWorld() // the stand-ins the dashboard reads from
})

describe('secure headers', () => {
  it('on every HTML page, signed in or not', async () => {
    const cookie = await signIn('admin')
    const pages: [string, Record<string, string>][] = [
      ['/admin', {}],
      ['/admin', { cookie }],
      ['/admin/api/docs', { cookie }],
      ['/docs', {}],
    ]
    for (const [path, headers] of pages) {
      const res = await callWorker(new Request(`https://worker.example.com${path}`, { headers }))
      expect(res.headers.get('content-type'), path).toContain('text/html')
      expectSecureHeaders(res, path)
      // Nothing inline for the CSP to allow.
      const html = await res.text()
      expect(html, path).not.toMatch(/<script(?![^>]*\bsrc=)|<style|\sstyle=|\son[a-z]+=/i)
    }
  })

  it('on the API, errors included, and on the dashboard’s own files', async () => {
    for (const path of ['/health', '/admin/api/status', '/docs/mapping.json', '/no-such-route', '/assets/dashboard.css', '/assets/dashboard.js']) {
      expectSecureHeaders(await callWorker(new Request(`https://worker.example.com${path}`)), path)
    }
    const script = await callWorker(new Request('https://worker.example.com/assets/dashboard.js'))
    expect(script.headers.get('content-type')).toContain('javascript')
    expect(await script.text()).toContain('data-confirm')
  })

  it('let storefronts load the beacon script and post hits (cross-origin resource policy)', async () => {
    const script = await callWorker(new Request('https://worker.example.com/beacon.js'))
    expect(script.headers.get('cross-origin-resource-policy')).toBe('cross-origin')
    expect(script.headers.get('x-content-type-options')).toBe('nosniff')
    const admin = await callWorker(new Request('https://worker.example.com/admin'))
    expect(admin.headers.get('cross-origin-resource-policy')).toBe('same-origin')
  })
})

describe('dashboard notices', () => {
  it('show only fixed text by code: text in the URL is never shown', { timeout: 60_000 }, async () => {
    const cookie = await signIn('viewer')
    const page = (query: string) => callWorker(new Request(`https://worker.example.com/admin${query}`, { headers: { cookie } })).then((r) => r.text())
    const attack = 'Your session expired, call +1 555 0100 now'
    for (const query of [
      `?notice=${encodeURIComponent(attack)}`,
      `?replayed=${encodeURIComponent(attack)}&ok=1`,
      `?notice=dead_letter_processed&id=${encodeURIComponent(attack)}`,
      `?notice=family_mode_changed&family=${encodeURIComponent(attack)}&mode=live`,
      '?notice=__proto__',
    ]) {
      const html = await page(query)
      expect(html).not.toContain('call +1 555')
      expect(html).not.toContain('role="status"')
    }
    expect(await page('?notice=dead_letter_processed&id=12')).toContain('Dead letter #12 replayed: processed.')
  })
})
