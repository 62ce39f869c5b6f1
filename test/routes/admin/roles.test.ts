import { describe, expect, it } from 'vitest'
import { ALL_ROUTES } from '../../../src/routes/admin/admin-api'
import type { Role } from '../../../src/config'
import { callWorker } from '../../support/worker'
import { adminCall, signIn, TOKENS, WORKER } from '../../support/admin'

// Every route of the admin API table (the same table the OpenAPI document is generated from).
const LOWER: Record<Role, Role[]> = { viewer: [], operator: ['viewer'], admin: ['viewer', 'operator'] }
const pathOf = (path: string) => `/admin/api${path.replace(/\{\w+\}/g, '1')}`

describe('admin API roles', () => {
  it('covers the routes of the contract', () => {
    const routes = ALL_ROUTES.map((r) => `${r.method.toUpperCase()} ${r.path} ${r.role}`)
    expect(routes).toEqual(
      expect.arrayContaining([
        'POST /setup admin',
        'POST /backfill operator',
        'GET /status viewer',
        'GET /dead-letters viewer',
        'POST /dead-letters/{id}/replay operator',
        'GET /decisions viewer',
        'GET /quality viewer',
        'GET /reconciliation viewer',
        'GET /attribution viewer',
        'GET /audit viewer',
        'GET /outcomes viewer',
        'GET /openapi.json viewer',
        'GET /docs viewer',
        'GET /overrides viewer',
        'PUT /overrides admin',
        'GET /sessions admin',
        'POST /sessions/{id}/revoke admin',
      ]),
    )
  })

  for (const route of ALL_ROUTES) {
    const label = `${route.method.toUpperCase()} ${route.path}`
    it(`${label}: 401 without a token or with an unknown one`, async () => {
      for (const token of [undefined, 'not-a-token', `${TOKENS.admin}x`]) {
        const response = await adminCall(route.method.toUpperCase(), pathOf(route.path), { token })
        expect(response.status).toBe(401)
        const body = (await response.json()) as { error: string; message: string }
        expect(body.error).toBe('unauthorized')
        if (token) expect(JSON.stringify(body)).not.toContain(token)
      }
    })

    if (LOWER[route.role].length) {
      it(`${label}: 403 for ${LOWER[route.role].join(' and ')}`, async () => {
        for (const role of LOWER[route.role]) {
          const response = await adminCall(route.method.toUpperCase(), pathOf(route.path), { role, body: route.method === 'get' ? undefined : {} })
          expect(response.status).toBe(403)
          const body = (await response.json()) as { error: string; requiredRole: string }
          expect(body).toMatchObject({ error: 'forbidden', requiredRole: route.role })
          expect(JSON.stringify(body)).not.toContain(TOKENS[role])
        }
      })
    }
  }

  it('a Bearer token does not open the dashboard, and the JSON API ignores the dashboard cookie', async () => {
    const page = await callWorker(
      new Request('https://worker.example.com/admin', { headers: { authorization: `Bearer ${TOKENS.admin}` } }),
    )
    expect(page.status).toBe(401)
    expect(await page.text()).toContain('Sign in')
    const api = await callWorker(new Request('https://worker.example.com/admin/api/status', { headers: { cookie: await signIn('admin') } }))
    expect(api.status).toBe(401)
  })

  it('dashboard: login sets a __Host- session cookie (HttpOnly, Secure, SameSite=Strict) that is not the token; viewers may not replay', async () => {
    const bad = await callWorker(
      new Request('https://worker.example.com/admin/login', { method: 'POST', headers: { origin: WORKER }, body: new URLSearchParams({ token: 'nope' }) }),
    )
    expect(bad.status).toBe(401)
    const login = await callWorker(
      new Request('https://worker.example.com/admin/login', {
        method: 'POST',
        headers: { origin: WORKER },
        body: new URLSearchParams({ token: TOKENS.viewer }),
      }),
    )
    expect(login.status).toBe(303)
    const cookie = login.headers.get('set-cookie') ?? ''
    expect(cookie).toMatch(/^__Host-bc_admin_session=[A-Za-z0-9_-]{43};/)
    expect(cookie).not.toContain(TOKENS.viewer)
    expect(cookie).toMatch(/HttpOnly/)
    expect(cookie).toMatch(/Secure/)
    expect(cookie).toMatch(/SameSite=Strict/)
    expect(cookie).toMatch(/Path=\//)
    const viewer = cookie.split(';')[0]!
    const replay = await callWorker(
      new Request('https://worker.example.com/admin/dead-letters/1/replay', { method: 'POST', headers: { cookie: viewer, origin: WORKER } }),
    )
    expect(replay.status).toBe(403)
    const crossSite = await callWorker(
      new Request('https://worker.example.com/admin/dead-letters/1/replay', {
        method: 'POST',
        headers: { cookie: await signIn('operator'), origin: 'https://evil.example' },
      }),
    )
    expect(crossSite.status).toBe(403)
  })

  it('accepts the dashboard session on the pages the dashboard links to, with the same roles, and never on the JSON API', async () => {
    const withCookie = (path: string, cookie: string) => callWorker(new Request(`https://worker.example.com${path}`, { headers: { cookie } }))
    const viewer = await signIn('viewer')
    expect((await withCookie('/admin/api/docs', viewer)).status).toBe(200)
    expect((await withCookie('/admin/api/openapi.json', viewer)).status).toBe(200)
    expect((await withCookie('/admin/api/docs', '__Host-bc_admin_session=not-a-session')).status).toBe(401)
    const admin = await signIn('admin')
    for (const path of ['/admin/api/status', '/admin/api/outcomes', '/admin/api/dead-letters']) {
      expect((await withCookie(path, admin)).status, path).toBe(401)
    }
  })
})
