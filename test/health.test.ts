import { exports } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'

describe('GET /health', () => {
  it('reports ok with the version when the configuration is valid', async () => {
    const res = await exports.default.fetch('http://worker/health')
    expect(res.status).toBe(200)
    const body = await res.json<{ status: string; version: string; checks: Record<string, unknown> }>()
    expect(body.status).toBe('ok')
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/)
  })
})
