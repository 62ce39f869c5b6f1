import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBigCommerceStandin, type RunningStandin } from '../../standins/bigcommerce/server'
import { startHubSpotStandin, type RunningHubSpotStandin } from '../../standins/hubspot/server'
import { eventually, launchChromium, startWorker, Teardown, type WorkerHarness } from './harness'

/**
 * The dashboard in a real headless Chromium against the real worker (wrangler, local D1), wired to both
 * stand-ins over HTTP, with planted data: it renders the figures, the replay button replays a dead letter,
 * and the run leaves a screenshot in test-results/dashboard.png.
 */
// At least 32 characters: shorter admin tokens are an invalid configuration.
const OPERATOR_TOKEN = 'browser-operator-token-0123456789abcdef'
const ADMIN_TOKEN = 'browser-admin-token-0123456789abcdef'
// Runs in the page, where it exists (Node's types lack it).
declare const getComputedStyle: (element: unknown) => { backgroundColor: string }

const SCREENSHOT = path.resolve(import.meta.dirname, '../../test-results/dashboard.png')

let worker: WorkerHarness
let hubspot: RunningHubSpotStandin
let bigcommerce: RunningStandin
let browser: Browser

async function plant(db: D1Database, now: number): Promise<number> {
  const day = 86_400_000
  const emails = ['ada@example.com', 'grace@example.com', 'linus@example.com', 'margaret@example.com', 'alan@example.com']
  const statements = emails.map((email, i) =>
    db.prepare('INSERT INTO contacts (email, customer_id, paid_order_count, updated_at) VALUES (?, ?, 1, ?)').bind(email, i + 1, now),
  )
  const channels = ['paid_search', 'email', 'organic_social', 'paid_search', 'direct', 'referral', 'email', 'paid_search']
  channels.forEach((channel, i) => {
    const orderId = 100 + i
    const created = new Date(now - (i + 1) * day).toISOString()
    const total = (40 + i * 17.5).toFixed(2)
    const eventAt = Math.floor((now - (i + 1) * day) / 1000)
    statements.push(
      db
        .prepare(
          `INSERT INTO orders (order_id, email, customer_id, status_id, counts_as_paid, created_at, modified_at, currency,
             total_inc_tax, refunded, net_revenue, net_revenue_base, channel, event_created_at, synced_at)
           VALUES (?, ?, ?, 11, 1, ?, ?, 'USD', ?, '0', ?, ?, 'storefront', ?, ?)`,
        )
        .bind(orderId, emails[i % emails.length], (i % emails.length) + 1, created, created, total, total, total, eventAt, eventAt * 1000 + (20 + i * 10) * 1000),
      db
        .prepare(
          `INSERT INTO order_attribution (order_id, email, channel, source, first_channel, last_channel, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .bind(orderId, emails[i % emails.length], channel, channel === 'paid_search' ? 'google' : null, channel, channel, now),
    )
  })
  const decisions: [string, string, string, string][] = [
    ['ada@example.com', 'order_placed', 'fired', 'transactional'],
    ['grace@example.com', 'cart_abandoned', 'deferred', 'marketing cap reached (3 per 7d)'],
    ['linus@example.com', 'winback_due', 'suppressed', 'no marketing consent'],
  ]
  for (const [email, trigger, decision, reason] of decisions) {
    statements.push(
      db
        .prepare('INSERT INTO trigger_decisions (email, trigger, trigger_key, decision, reason, at) VALUES (?, ?, ?, ?, ?, ?)')
        .bind(email, trigger, `${trigger}:1`, decision, reason, new Date(now - 3_600_000).toISOString()),
    )
  }
  // A webhook event that died after its retries; replaying it succeeds (a deleted customer needs no API call).
  const payload = JSON.stringify({ scope: 'store/customer/deleted', hash: 'h', createdAt: 1, subject: { kind: 'customer', customerId: 9, change: 'deleted' } })
  statements.push(
    db
      .prepare(
        `INSERT INTO webhook_events (id, scope, resource_type, resource_id, payload, received_at, status, attempts, next_attempt_at, last_error)
         VALUES ('evt-browser', 'store/customer/deleted', 'customer', '9', ?, ?, 'dead', 8, 0, 'BigCommerce 503')`,
      )
      .bind(payload, now - day),
  )
  await db.batch(statements)
  const letter = await db
    .prepare(
      `INSERT INTO dead_letters (source, reference, payload, error, attempts, created_at)
       VALUES ('webhook', 'evt-browser', ?, 'BigCommerce GET /v3/customers: 503 after 4 attempts', 8, ?) RETURNING id`,
    )
    .bind(payload, now - 3_600_000)
    .first<{ id: number }>()
  return letter!.id
}

/** HubSpot holds all orders but one, and one with a stale amount: the reconciliation has something to show. */
async function plantHubSpotOrders(url: string) {
  const inputs = [100, 101, 102, 103, 104, 105].map((id, i) => ({
    idProperty: 'bc_order_id',
    id: String(id),
    properties: { hs_order_name: `Order #${id}`, bc_net_revenue: id === 103 ? '10' : (40 + i * 17.5).toFixed(2), hs_total_price: (40 + i * 17.5).toFixed(2), hs_currency_code: 'USD' },
  }))
  const response = await fetch(`${url}/crm/v3/objects/orders/batch/upsert`, {
    method: 'POST',
    headers: { authorization: 'Bearer hs-test-token', 'content-type': 'application/json' },
    body: JSON.stringify({ inputs }),
  })
  if (!response.ok) throw new Error(`planting HubSpot orders failed: ${response.status} ${await response.text()}`)
}

let deadLetterId: number

/** Content Security Policy refusals the page reports (Chromium logs each one to the console). */
function watchCsp(tab: Page): string[] {
  const refused: string[] = []
  tab.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) refused.push(message.text())
  })
  return refused
}

async function signInAs(tab: Page, token: string): Promise<void> {
  await tab.goto(`${worker.url}/admin`)
  await tab.fill('#token', token)
  const [signedIn] = await Promise.all([tab.waitForResponse((r) => r.url() === `${worker.url}/admin/login`), tab.click('input[type=submit]')])
  expect(signedIn.status()).toBe(303)
  await tab.waitForSelector('#health')
}

const teardown = new Teardown()
beforeAll(() => teardown.guard(async () => {
  hubspot = teardown.add(await startHubSpotStandin({ accessToken: 'hs-test-token' }))
  bigcommerce = teardown.add(await startBigCommerceStandin({ storeHash: 'teststore', accessToken: 'bc-test-token' }))
  worker = teardown.add(await startWorker({
    vars: {
      HUBSPOT_API_BASE: hubspot.url,
      BIGCOMMERCE_API_BASE: bigcommerce.url,
      ADMIN_TOKENS: `operator:${OPERATOR_TOKEN},admin:${ADMIN_TOKEN}`,
    },
  }))
  const setup = await fetch(`${worker.url}/admin/api/setup`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
  expect(setup.status).toBe(200)
  await plantHubSpotOrders(hubspot.url)
  deadLetterId = await plant(worker.db, Date.now())
  browser = teardown.add(await launchChromium())
}))
afterAll(() => teardown.run())

describe('the dashboard in Chromium', () => {
  it('signs in, renders the planted figures, replays a dead letter, and leaves a screenshot', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    try {
      const tab = await context.newPage()
      const violations = watchCsp(tab)
      const login = await tab.goto(`${worker.url}/admin`)
      expect(login?.status()).toBe(401)
      await tab.fill('#token', OPERATOR_TOKEN)
      const started = Date.now()
      // The page is at /admin already: wait for the sign-in's answer, then the dashboard it leads to.
      const [signedIn] = await Promise.all([tab.waitForResponse((r) => r.url() === `${worker.url}/admin/login`), tab.click('input[type=submit]')])
      expect(signedIn.status()).toBe(303)
      await tab.waitForSelector('#health')
      expect(Date.now() - started).toBeLessThan(5_000)
      // The session cookie, kept by Chromium on http://127.0.0.1 too (a secure context): never the token.
      const cookie = (await context.cookies()).find((c) => c.name === '__Host-bc_admin_session')
      expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/' })
      expect(cookie!.value).not.toContain(OPERATOR_TOKEN)

      // Data quality: 8 of 8 orders matched, no duplicates, latencies 20 s .. 90 s.
      const quality = tab.locator('#quality')
      await expect.poll(() => quality.locator('[data-figure="Orders matched to a contact"] .figure').textContent()).toBe('100.0%')
      expect(await quality.locator('[data-figure="Duplicate contacts"] .figure').textContent()).toBe('0.00%')
      expect(await quality.locator('[data-figure="Live event to HubSpot (p99)"] .figure').textContent()).toBe('1.5 min')
      expect(await quality.textContent()).toContain('on target')

      // Reconciliation: two orders missing in HubSpot (106, 107), one with a stale amount (103).
      const reconciliation = await tab.locator('#reconciliation').textContent()
      expect(reconciliation).toContain('3 orders differ')
      expect(reconciliation).toContain('#103 (net revenue differs)')
      expect(reconciliation).toContain('#106 (missing in HubSpot)')

      // Revenue by channel: one bar per credited channel, paid search first.
      const bars = tab.locator('#revenue svg g[data-channel]')
      expect(await bars.count()).toBe(5)
      expect(await bars.first().getAttribute('data-channel')).toBe('paid_search')

      const decisions = await tab.locator('#decisions').textContent()
      expect(decisions).toContain('marketing cap reached')
      expect(decisions).toContain('suppressed')
      expect(await tab.locator('#health').textContent()).toContain('1 dead letter waiting for a replay')

      // Under the Content Security Policy: the served stylesheet applies, nothing was refused.
      const csp = (await tab.goto(`${worker.url}/admin`))!.headers()['content-security-policy']
      expect(csp).toContain("script-src 'self'")
      expect(csp).toContain("frame-ancestors 'none'")
      expect(await tab.locator('header').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(29, 36, 48)')
      expect(violations).toEqual([])

      await mkdir(path.dirname(SCREENSHOT), { recursive: true })
      await tab.screenshot({ path: SCREENSHOT, fullPage: true })

      const row = tab.locator(`tr[data-dead-letter="${deadLetterId}"]`)
      await expect.poll(() => row.count()).toBe(1)
      await Promise.all([tab.waitForURL(/\/admin\?/), row.getByRole('button', { name: 'Replay' }).click()])
      expect(await tab.locator('[role=status]').textContent()).toBe(`Dead letter #${deadLetterId} replayed: processed.`)
      expect(await tab.locator(`tr[data-dead-letter="${deadLetterId}"]`).count()).toBe(0)

      // The bulk replay form counts what a filter matches (the one above is replayed: none of its kind is left).
      await tab.locator('#bulk-replay select[name="kind"]').selectOption('webhook')
      await Promise.all([tab.waitForURL(/\/admin\?/), tab.locator('#bulk-replay').getByRole('button', { name: 'Count' }).click()])
      expect(await tab.locator('[role=status]').textContent()).toBe('0 dead letters match (0 BigCommerce events, 0 HubSpot records).')

      // Read through `eventually`: these reads come from a second runtime and may meet the worker's writes.
      const event = await eventually(() =>
        worker.db.prepare("SELECT status FROM webhook_events WHERE id = 'evt-browser'").first<{ status: string }>().then((r) => r ?? undefined),
      )
      expect(event.status).toBe('done')
      const audit = await eventually(() =>
        worker.db.prepare("SELECT actor_role, action FROM audit_log WHERE action = 'dead_letter.replay'").all().then((r) => r.results),
      )
      expect(audit).toEqual([{ actor_role: 'operator', action: 'dead_letter.replay' }])
      expect(violations).toEqual([])
    } finally {
      await context.close()
    }
  })

  it('runs the dashboard’s own script under the CSP: an admin revokes another session after confirming', async () => {
    const other = await browser.newContext()
    const context = await browser.newContext()
    try {
      const otherTab = await other.newPage()
      await signInAs(otherTab, OPERATOR_TOKEN)
      const tab = await context.newPage()
      const violations = watchCsp(tab)
      await signInAs(tab, ADMIN_TOKEN)
      const revoke = tab.locator('#sessions form button', { hasText: 'Revoke' })
      await expect.poll(() => revoke.count()).toBeGreaterThan(0)

      // The served script asks first; declining sends nothing.
      const asked: string[] = []
      tab.once('dialog', (dialog) => {
        asked.push(dialog.message())
        void dialog.dismiss()
      })
      await revoke.first().click()
      await expect.poll(() => asked).toEqual([expect.stringContaining('Revoke this session?')])
      expect(tab.url()).toBe(`${worker.url}/admin`)

      tab.once('dialog', (dialog) => void dialog.accept())
      await Promise.all([tab.waitForURL(/notice=session_revoked/), revoke.first().click()])
      expect(await tab.locator('[role=status]').textContent()).toContain('The session was revoked')
      // The other browser, cookie intact, is signed out by the server.
      const afterRevoke = await otherTab.goto(`${worker.url}/admin`)
      expect(afterRevoke?.status()).toBe(401)
      expect(violations).toEqual([])
    } finally {
      await context.close()
      await other.close()
    }
  })

  it('opens the API docs from the signed-in dashboard (the session works there, not on the JSON API)', async () => {
    const context = await browser.newContext()
    try {
      const tab = await context.newPage()
      await signInAs(tab, OPERATOR_TOKEN)
      const [docs] = await Promise.all([tab.waitForResponse((r) => r.url().endsWith('/admin/api/docs')), tab.click('a[href="/admin/api/docs"]')])
      expect(docs.status()).toBe(200)
      expect(await tab.textContent('body')).toContain('/outcomes')
      const json = await tab.goto(`${worker.url}/admin/api/openapi.json`)
      expect(json?.status()).toBe(200)
      const api = await tab.goto(`${worker.url}/admin/api/status`)
      expect(api?.status()).toBe(401)
    } finally {
      await context.close()
    }
  })
})
