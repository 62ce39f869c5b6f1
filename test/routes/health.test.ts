import { env, exports } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { callWorker } from '../support/worker'

describe('GET /health', () => {
  it('reports ok with the version when the configuration is valid', async () => {
    const res = await exports.default.fetch('http://worker/health')
    expect(res.status).toBe(200)
    const body = await res.json<{ status: string; version: string; checks: Record<string, unknown> }>()
    expect(body.status).toBe('ok')
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/)
    expect(body.checks.webhookSignatures).toEqual({ on: true })
  })

  it('warns when webhook signatures are off (the shared secret only), saying how to turn them on', async () => {
    const res = await callWorker(new Request('http://worker/health'), { ...env, BIGCOMMERCE_CLIENT_SECRET: '', BIGCOMMERCE_APP_CLIENT_ID: '' })
    expect(res.status).toBe(200)
    const body = await res.json<{ status: string; checks: { webhookSignatures: { on: boolean; warning: string } } }>()
    expect(body.status).toBe('ok')
    expect(body.checks.webhookSignatures.on).toBe(false)
    expect(body.checks.webhookSignatures.warning).toContain('Webhook signatures are off')
    expect(body.checks.webhookSignatures.warning).toContain('wrangler secret put BIGCOMMERCE_CLIENT_SECRET')
  })
})

describe('admin tokens shorter than 32 characters', () => {
  it('are an invalid configuration: 503 naming ADMIN_TOKENS, never showing the token', async () => {
    const short = { ...env, ADMIN_TOKENS: `viewer:${'v'.repeat(40)},admin:short-admin-token` }
    const health = await callWorker(new Request('http://worker/health'), short)
    expect(health.status).toBe(503)
    const body = await health.json<{ checks: { configuration: { problems: { variable: string; message: string }[] } } }>()
    expect(body.checks.configuration.problems).toEqual([
      { variable: 'ADMIN_TOKENS', message: expect.stringContaining('entry 2 (admin): each token must be at least 32 characters') },
    ])
    for (const path of ['/admin', '/admin/api/status', '/beacon.js']) {
      const res = await callWorker(new Request(`https://worker.example.com${path}`, { headers: { authorization: 'Bearer short-admin-token' } }), short)
      expect(res.status, path).toBe(503)
      const text = await res.text()
      expect(JSON.parse(text)).toMatchObject({ error: 'invalid_configuration', variable: 'ADMIN_TOKENS' })
      expect(text).not.toContain('short-admin-token')
    }
  })
})

describe('BIGCOMMERCE_APP_CLIENT_ID', () => {
  it('needs BIGCOMMERCE_CLIENT_SECRET to verify Current Customer tokens', async () => {
    const res = await callWorker(new Request('https://worker.example.com/beacon.js'), { ...env, BIGCOMMERCE_CLIENT_SECRET: '' })
    expect(res.status).toBe(503)
    expect(await res.json()).toMatchObject({ variable: 'BIGCOMMERCE_APP_CLIENT_ID', message: expect.stringContaining('BIGCOMMERCE_CLIENT_SECRET') })
  })
})
