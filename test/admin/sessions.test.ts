import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it } from 'vitest'
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from '../../src/admin/dashboard-sessions'
import { inOneRateWindow } from '../support/rate-window'
import { callWorker, freshWorld } from '../support/worker'
import { adminCall, freshClient, signIn, TOKENS, WORKER } from '../support/admin'

/**
 * Dashboard sessions held by the server (issue 18): the cookie is a random secret, not the token; the server
 * refuses a session that was signed out, revoked, idle or past its age even while the browser still sends
 * the cookie; sign-in comes only from the dashboard's own page, with a small body, and failed attempts are
 * rate limited per client.
 */
beforeEach(async () => {
  await freshWorld()
})

const dashboard = (cookie: string, init: { query?: string; env?: typeof env } = {}) =>
  callWorker(new Request(`${WORKER}/admin${init.query ?? ''}`, { headers: { cookie } }), init.env)

const secretOf = (cookie: string) => cookie.slice(cookie.indexOf('=') + 1)

async function sessionIdOf(cookie: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(secretOf(cookie)))
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
}

function login(body: BodyInit, headers: Record<string, string> = { origin: WORKER }) {
  return callWorker(new Request(`${WORKER}/admin/login`, { method: 'POST', headers: { 'cf-connecting-ip': freshClient(), ...headers }, body }))
}

describe('sessions', () => {
  it('keep no secret in D1: the row holds a hash of the cookie and the token’s fingerprint only', async () => {
    const cookie = await signIn('viewer')
    expect((await dashboard(cookie)).status).toBe(200)
    const { results } = await env.DB.prepare('SELECT * FROM admin_sessions').all()
    expect(results).toEqual([expect.objectContaining({ id: await sessionIdOf(cookie), role: 'viewer' })])
    const stored = JSON.stringify(results)
    expect(stored).not.toContain(secretOf(cookie))
    expect(stored).not.toContain(TOKENS.viewer)
  })

  it('sign-out revokes the session on the server: the same cookie sent again is refused', async () => {
    const cookie = await signIn('operator')
    expect((await dashboard(cookie)).status).toBe(200)
    const out = await callWorker(new Request(`${WORKER}/admin/logout`, { method: 'POST', headers: { cookie, origin: WORKER } }))
    expect(out.status).toBe(303)
    expect(out.headers.get('set-cookie')).toMatch(/^__Host-bc_admin_session=;.*Max-Age=0/)
    const replayed = await dashboard(cookie)
    expect(replayed.status).toBe(401)
    expect(await replayed.text()).toContain('Sign in')
  })

  it('an idle session expires after 30 minutes and any session after 12 hours, whatever the cookie says', async () => {
    const idle = await signIn('viewer')
    const old = await signIn('viewer')
    const now = Date.now()
    await env.DB.prepare('UPDATE admin_sessions SET last_used_at = ? WHERE id = ?').bind(now - SESSION_IDLE_MS - 1_000, await sessionIdOf(idle)).run()
    await env.DB.prepare('UPDATE admin_sessions SET created_at = ?, last_used_at = ?, expires_at = ? WHERE id = ?')
      .bind(now - SESSION_ABSOLUTE_MS - 60_000, now - 60_000, now - 60_000, await sessionIdOf(old))
      .run()
    expect((await dashboard(idle)).status).toBe(401)
    expect((await dashboard(old)).status).toBe(401)
    // Use keeps a session alive: one used 29 minutes ago is fine.
    const active = await signIn('viewer')
    await env.DB.prepare('UPDATE admin_sessions SET last_used_at = ? WHERE id = ?').bind(now - SESSION_IDLE_MS + 60_000, await sessionIdOf(active)).run()
    expect((await dashboard(active)).status).toBe(200)
  })

  it('replace the old token cookie: it opens nothing, and the browser is told to drop it', async () => {
    const res = await dashboard(`bc_admin_token=${TOKENS.admin}`)
    expect(res.status).toBe(401)
    expect(res.headers.get('set-cookie')).toMatch(/^bc_admin_token=;.*Max-Age=0.*Path=\/admin/)
  })

  it('ends when its token leaves ADMIN_TOKENS', async () => {
    const cookie = await signIn('viewer')
    const withoutViewer = { ...env, ADMIN_TOKENS: `operator:${TOKENS.operator},admin:${TOKENS.admin}` }
    expect((await dashboard(cookie, { env: withoutViewer })).status).toBe(401)
    expect((await dashboard(cookie)).status).toBe(200)
  })

  it('are listed for an admin, who revokes one from the API or the dashboard; the revoked cookie is refused', async () => {
    const viewer = await signIn('viewer', { userAgent: 'Viewer Browser/1.0' })
    const operator = await signIn('operator')
    const admin = await signIn('admin')
    const list = await adminCall('GET', '/admin/api/sessions', { role: 'admin' })
    expect(list.status).toBe(200)
    const { sessions } = (await list.json()) as { sessions: { id: string; role: string; userAgent: string | null; fingerprint: string }[] }
    expect(sessions.map((s) => s.role).sort()).toEqual(['admin', 'operator', 'viewer'])
    expect(sessions.find((s) => s.role === 'viewer')).toMatchObject({ id: await sessionIdOf(viewer), userAgent: 'Viewer Browser/1.0' })
    expect(JSON.stringify(sessions)).not.toContain(secretOf(viewer))

    const revoke = await adminCall('POST', `/admin/api/sessions/${await sessionIdOf(viewer)}/revoke`, { role: 'admin' })
    expect(revoke.status).toBe(200)
    expect((await dashboard(viewer)).status).toBe(401)
    expect((await adminCall('POST', `/admin/api/sessions/${await sessionIdOf(viewer)}/revoke`, { role: 'admin' })).status).toBe(404)

    // On the dashboard: the admin sees the others with a revoke button, not their own.
    const page = await (await dashboard(admin)).text()
    expect(page).toContain(`action="/admin/sessions/${await sessionIdOf(operator)}/revoke"`)
    expect(page).not.toContain(`action="/admin/sessions/${await sessionIdOf(admin)}/revoke"`)
    const form = await callWorker(
      new Request(`${WORKER}/admin/sessions/${await sessionIdOf(operator)}/revoke`, { method: 'POST', headers: { cookie: admin, origin: WORKER } }),
    )
    expect(form.status).toBe(303)
    expect(form.headers.get('location')).toBe('/admin?notice=session_revoked')
    expect((await dashboard(operator)).status).toBe(401)
    expect(await (await dashboard(admin, { query: '?notice=session_revoked' })).text()).toContain('The session was revoked')

    const audit = await env.DB.prepare("SELECT actor_role, target FROM audit_log WHERE action = 'session.revoke' ORDER BY id").all()
    expect(audit.results).toEqual([
      { actor_role: 'admin', target: await sessionIdOf(viewer) },
      { actor_role: 'admin', target: await sessionIdOf(viewer) },
      { actor_role: 'admin', target: await sessionIdOf(operator) },
    ])
    // Only admins see the panel.
    expect(await (await dashboard(await signIn('operator'))).text()).not.toContain('id="sessions"')
  })
})

describe('sign-in', () => {
  it('comes only from the dashboard’s own page: Origin ours, or Sec-Fetch-Site same-origin without one', async () => {
    const form = () => new URLSearchParams({ token: TOKENS.viewer })
    expect((await login(form(), {})).status).toBe(403)
    expect((await login(form(), { origin: 'https://evil.example' })).status).toBe(403)
    expect((await login(form(), { 'sec-fetch-site': 'cross-site' })).status).toBe(403)
    expect((await login(form(), { 'sec-fetch-site': 'same-origin' })).status).toBe(303)
    // A form post from a page with Referrer-Policy: no-referrer (ours) carries Origin: null.
    expect((await login(form(), { origin: 'null', 'sec-fetch-site': 'same-origin' })).status).toBe(303)
    expect((await login(form(), { origin: 'null' })).status).toBe(403)
    expect((await login(form(), { origin: 'null', 'sec-fetch-site': 'same-site' })).status).toBe(403)
    expect((await login(form())).status).toBe(303)
    // Signing out is a state change too.
    const cookie = await signIn('viewer')
    expect((await callWorker(new Request(`${WORKER}/admin/logout`, { method: 'POST', headers: { cookie } }))).status).toBe(403)
    expect((await dashboard(cookie)).status).toBe(200)
  })

  it('refuses a body over 4 KiB before reading it, declared or streamed', async () => {
    const big = new URLSearchParams({ token: TOKENS.viewer, padding: 'x'.repeat(5000) }).toString()
    const declared = await login(big, { origin: WORKER, 'content-type': 'application/x-www-form-urlencoded' })
    expect(declared.status).toBe(413)
    expect(await declared.json()).toMatchObject({ error: 'payload_too_large' })
    const bytes = new TextEncoder().encode(big)
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 1000) controller.enqueue(bytes.slice(i, i + 1000))
        controller.close()
      },
    })
    const streamed = await login(stream, { origin: WORKER, 'content-type': 'application/x-www-form-urlencoded' })
    expect(streamed.status).toBe(413)
    expect(await env.DB.prepare('SELECT COUNT(*) AS n FROM admin_sessions').first('n')).toBe(0)
  })
})

describe('failed authentication', () => {
  it('is rate limited per client: past 10 failures a minute, 429 with Retry-After, and even a valid token is refused for a while', async () => {
    const bearer = (token: string, ip: string) =>
      callWorker(new Request(`${WORKER}/admin/api/status`, { headers: { authorization: `Bearer ${token}`, 'cf-connecting-ip': ip } }))
    const { client, failures, limited } = await inOneRateWindow(async (round) => {
      const client = `198.51.100.${77 + round}`
      const failures: number[] = []
      for (let i = 0; i < 10; i++) failures.push((await bearer(`wrong-token-${i}-0123456789abcdef0123456789`, client)).status)
      return { client, failures, limited: await bearer('wrong-token-10-0123456789abcdef0123456789', client) }
    })
    expect(failures).toEqual(Array(10).fill(401))
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(await limited.json()).toMatchObject({ error: 'rate_limited', message: expect.stringContaining('failed admin authentication') })
    // Blocked: the right token from this client is refused too, on the API and on the sign-in form.
    expect((await bearer(TOKENS.viewer, client)).status).toBe(429)
    const form = await callWorker(
      new Request(`${WORKER}/admin/login`, { method: 'POST', headers: { origin: WORKER, 'cf-connecting-ip': client }, body: new URLSearchParams({ token: TOKENS.viewer }) }),
    )
    expect(form.status).toBe(429)
    // Another client is not affected; nothing about the client is stored in the clear.
    expect((await bearer(TOKENS.viewer, '198.51.100.88')).status).toBe(200)
    expect(JSON.stringify((await env.DB.prepare('SELECT * FROM admin_auth_blocks').all()).results)).not.toContain(client)
    // When the block ends, the right token works again.
    await env.DB.prepare('UPDATE admin_auth_blocks SET blocked_until = ?').bind(Date.now() - 1).run()
    expect((await bearer(TOKENS.viewer, client)).status).toBe(200)
  })

  it('sending no token at all is not a failed attempt', async () => {
    const { statuses, valid } = await inOneRateWindow(async (round) => {
      const client = `198.51.100.${90 + round}`
      const statuses: number[] = []
      for (let i = 0; i < 15; i++) {
        statuses.push((await callWorker(new Request(`${WORKER}/admin/api/status`, { headers: { 'cf-connecting-ip': client } }))).status)
      }
      const valid = await callWorker(new Request(`${WORKER}/admin/api/status`, { headers: { authorization: `Bearer ${TOKENS.viewer}`, 'cf-connecting-ip': client } }))
      return { statuses, valid }
    })
    expect(statuses).toEqual(Array(15).fill(401))
    expect(valid.status).toBe(200)
  })
})
