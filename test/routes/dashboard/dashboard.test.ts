import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it } from 'vitest'
import { callWorker, freshWorld } from '../../support/worker'
import { plantContacts, plantOrders, signIn, TOKENS } from '../../support/admin'

// The dashboard inside workerd (the Chromium test in test/browser covers the browser side).
const page = async (role?: 'viewer' | 'operator' | 'admin') =>
  callWorker(new Request('https://worker.example.com/admin', { headers: role ? { cookie: await signIn(role) } : {} }))

describe('dashboard', () => {
  beforeEach(async () => {
    await freshWorld()
  })

  it('asks for a token, then renders every section from planted data', async () => {
    const login = await page()
    expect(login.status).toBe(401)
    expect(await login.text()).toContain('name="token"')

    await plantContacts([{ email: 'ada@example.com', customerId: 1 }])
    await plantOrders([{ orderId: 1, email: 'ada@example.com', createdAt: new Date(Date.now() - 86_400_000).toISOString() }])
    await env.DB.prepare(
      "INSERT INTO trigger_decisions (email, trigger, trigger_key, decision, reason, at) VALUES ('ada@example.com', 'order_placed', 'k', 'fired', 'transactional', ?)",
    )
      .bind(new Date().toISOString())
      .run()
    const response = await page('viewer')
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('no-store')
    const html = await response.text()
    for (const id of ['health', 'backfill', 'quality', 'reconciliation', 'revenue', 'decisions', 'dead-letters', 'outcomes', 'getting-started']) {
      expect(html).toContain(`id="${id}"`)
    }
    // The outcomes show the playbook's reference ranges; getting started says what to do first on a fresh install.
    expect(html).toContain('cart recovery 3–10% of abandoned carts')
    expect(html).toContain('data-family="order_placed"')
    expect(html).toMatch(/data-check="hubspot_token"[\s\S]*Next: /)
    expect(html).toContain('ada@example.com')
    expect(html).toContain('data-channel="unassigned"')
    expect(html).not.toContain(TOKENS.viewer)
    // No inline script or style: the page's only script and stylesheet are the worker's own files (its CSP).
    expect(html.match(/<script[^>]*>/g)).toEqual([expect.stringMatching(/^<script src="\/assets\/dashboard\.js\?v=\w+" defer="?"?>$/)])
    expect(html).not.toMatch(/<style|style="|src="http|href="http/)
  })

  it('shows the replay button to operators only', async () => {
    await env.DB.prepare(
      "INSERT INTO dead_letters (source, reference, payload, error, attempts, created_at) VALUES ('webhook', 'evt', '{}', 'boom', 8, 1)",
    ).run()
    expect(await (await page('viewer')).text()).not.toContain('>Replay</button>')
    expect(await (await page('operator')).text()).toContain('>Replay</button>')
  })
})
