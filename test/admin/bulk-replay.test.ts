import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it } from 'vitest'
import { errorClassOf } from '../../src/admin/dead-letter-replay'
import { callWorker, flushHubSpot, freshWorld, type useStandins } from '../support/worker'
import { noticeFromQuery } from '../../src/routes/dashboard/notices'
import { adminCall, signIn, type TestRole } from '../support/admin'

/**
 * Bulk replay: every open dead letter of a kind, an error class and a time range at once (an afternoon's token
 * mix-up is one call, not thousands), a dry run that only counts, audited; and the dashboard's form for it.
 */
type Standins = ReturnType<typeof useStandins>
let bigcommerce: Standins['bigcommerce']
let hubspot: Standins['hubspot']

beforeEach(async () => {
  ;({ bigcommerce, hubspot } = await freshWorld())
})

const HOUR = 3_600_000

/** A webhook event about a real order that died with `error`, `agoMs` ago, and its dead letter. */
async function deadOrderEvent(email: string, failure: string | ((orderId: number) => string), agoMs: number): Promise<{ orderId: number; eventId: string }> {
  const orderId = bigcommerce.store.createOrder({ email, statusId: 11 }).value.id
  const error = typeof failure === 'string' ? failure : failure(orderId)
  const eventId = `evt-${orderId}`
  const payload = JSON.stringify({ scope: 'store/order/created', hash: `h${orderId}`, createdAt: 1_780_000_000, subject: { kind: 'order', orderId } })
  await env.DB.prepare(
    `INSERT INTO webhook_events (id, scope, resource_type, resource_id, payload, event_created_at, received_at, status,
       attempts, next_attempt_at, last_error, processed_at)
     VALUES (?, 'store/order/created', 'order', ?, ?, 1780000000, ?, 'dead', 1, 0, ?, ?)`,
  )
    .bind(eventId, String(orderId), payload, Date.now() - agoMs, error, Date.now() - agoMs)
    .run()
  await env.DB.prepare(`INSERT INTO dead_letters (source, reference, payload, error, attempts, created_at) VALUES ('webhook', ?, ?, ?, 1, ?)`)
    .bind(eventId, payload, error, Date.now() - agoMs)
    .run()
  return { orderId, eventId }
}

async function deadHubSpotRecord(email: string, agoMs: number): Promise<void> {
  const record = { objectType: 'contacts', key: email, properties: { email, firstname: 'Hub' } }
  await env.DB.prepare(
    `INSERT INTO dead_letters (source, reference, payload, error, attempts, created_at) VALUES ('hubspot', ?, ?, 'Property values were not valid', 5, ?)`,
  )
    .bind(`contacts:${email}`, JSON.stringify(record), Date.now() - agoMs)
    .run()
}

const auth = (orderId: number) => `BigCommerce GET /v2/orders/${orderId}: 401 (You are not authorized to perform this action.)`
const openLetters = async () => (await env.DB.prepare('SELECT count(*) AS n FROM dead_letters WHERE replayed_at IS NULL').first<number>('n')) ?? 0

describe('POST /admin/api/dead-letters/replay', () => {
  it("counts with a dry run, then replays just the afternoon's 401s: processed, marked replayed, audited", async () => {
    const afternoon = []
    for (let i = 0; i < 3; i++) afternoon.push(await deadOrderEvent(`token-mixup-${i}@example.com`, auth, 2 * HOUR))
    const outage = await deadOrderEvent('outage@example.com', 'BigCommerce GET /v2/orders/9: 503 after 4 attempts', 2 * HOUR)
    const lastWeek = await deadOrderEvent('last-week@example.com', auth, 7 * 24 * HOUR)
    await deadHubSpotRecord('refused@example.com', 2 * HOUR)
    const filter = { kind: 'webhook', errorClass: 'auth', from: new Date(Date.now() - 24 * HOUR).toISOString() }

    const dry = await adminCall('POST', '/admin/api/dead-letters/replay', { role: 'operator', body: { ...filter, dryRun: true } })
    expect(dry.status).toBe(200)
    expect(await dry.json()).toEqual({
      dryRun: true,
      matched: 3,
      replayed: 0,
      skipped: 0,
      remaining: 3,
      byKind: { webhook: 3, hubspot: 0 },
      byErrorClass: { auth: 3 },
    })
    expect(await openLetters()).toBe(6)
    expect(await env.DB.prepare("SELECT count(*) AS n FROM webhook_events WHERE status = 'dead'").first('n')).toBe(5)

    const replay = await adminCall('POST', '/admin/api/dead-letters/replay', { role: 'operator', body: filter })
    expect(replay.status).toBe(200)
    expect(await replay.json()).toMatchObject({ dryRun: false, matched: 3, replayed: 3, skipped: 0, remaining: 0 })
    // The three went back to the inbox and through the queue: processed, with a fresh attempt count.
    for (const { eventId } of afternoon) {
      expect(await env.DB.prepare('SELECT status, attempts FROM webhook_events WHERE id = ?').bind(eventId).first()).toEqual({ status: 'done', attempts: 1 })
    }
    await flushHubSpot()
    for (const { orderId } of afternoon) expect(hubspot.portal.findByProperty('orders', 'bc_order_id', String(orderId))).toBeDefined()
    // Everything outside the filter is untouched.
    expect(await openLetters()).toBe(3)
    for (const { eventId } of [outage, lastWeek]) {
      expect(await env.DB.prepare('SELECT status FROM webhook_events WHERE id = ?').bind(eventId).first('status')).toBe('dead')
    }
    const audit = (await (await adminCall('GET', '/admin/api/audit', { role: 'viewer' })).json()) as {
      entries: { action: string; target: string; outcome: string; after: { replayed: number; matched: number } }[]
    }
    expect(audit.entries).toHaveLength(1)
    expect(audit.entries[0]).toMatchObject({ action: 'dead_letter.bulk_replay', outcome: 'ok', after: { matched: 3, replayed: 3 } })
    expect(JSON.parse(audit.entries[0]!.target)).toEqual({ kind: 'webhook', errorClass: 'auth', from: filter.from, to: null })

    const nothingLeft = await adminCall('POST', '/admin/api/dead-letters/replay', { role: 'operator', body: { ...filter, dryRun: true } })
    expect(await nothingLeft.json()).toMatchObject({ matched: 0 })
  })

  it('replays HubSpot records by kind through the writer', async () => {
    await deadHubSpotRecord('hub-1@example.com', HOUR)
    await deadHubSpotRecord('hub-2@example.com', HOUR)
    await deadOrderEvent('not-this@example.com', auth, HOUR)
    const replay = await adminCall('POST', '/admin/api/dead-letters/replay', { role: 'operator', body: { kind: 'hubspot' } })
    expect(await replay.json()).toMatchObject({ matched: 2, replayed: 2, byKind: { webhook: 0, hubspot: 2 }, byErrorClass: { rejected: 2 } })
    await flushHubSpot()
    expect(hubspot.portal.findByProperty('contacts', 'email', 'hub-1@example.com')?.properties.firstname).toBe('Hub')
    expect(await openLetters()).toBe(1)
  })

  it('refuses viewers, unknown filters and a range that ends before it starts, naming the problem', async () => {
    expect((await adminCall('POST', '/admin/api/dead-letters/replay', { role: 'viewer', body: {} })).status).toBe(403)
    const unknown = await adminCall('POST', '/admin/api/dead-letters/replay', { role: 'operator', body: { errorClass: 'cosmic_rays' } })
    expect(unknown.status).toBe(400)
    expect(((await unknown.json()) as { message: string }).message).toContain('body.errorClass')
    const backwards = await adminCall('POST', '/admin/api/dead-letters/replay', {
      role: 'operator',
      body: { from: '2026-12-10T00:00:00Z', to: '2026-12-01T00:00:00Z' },
    })
    expect(backwards.status).toBe(400)
    expect(((await backwards.json()) as { message: string }).message).toContain('`from` must not be after `to`')
    const extra = await adminCall('POST', '/admin/api/dead-letters/replay', { role: 'operator', body: { everything: true } })
    expect(extra.status).toBe(400)
  })

  it('is in the OpenAPI document, and dead letters are listed with their error class', async () => {
    const doc = (await (await adminCall('GET', '/admin/api/openapi.json', { role: 'viewer' })).json()) as { paths: Record<string, Record<string, unknown>> }
    expect(doc.paths['/admin/api/dead-letters/replay']?.post).toBeDefined()
    expect(doc.paths['/admin/api/pauses/{api}/resume']?.post).toBeDefined()
    await deadOrderEvent('listed@example.com', auth, HOUR)
    const listed = (await (await adminCall('GET', '/admin/api/dead-letters', { role: 'viewer' })).json()) as { deadLetters: { errorClass: string }[] }
    expect(listed.deadLetters.map((d) => d.errorClass)).toEqual(['auth'])
  })
})

/** The notice the dashboard shows after a form post's redirect (by its code and figures). */
const shownNotice = (response: Response) => noticeFromQuery(Object.fromEntries(new URL(response.headers.get('location')!, 'https://worker.example.com').searchParams))?.text

describe('the dashboard offers it', () => {
  const form = async (fields: Record<string, string>, role: TestRole) =>
    callWorker(
      new Request('https://worker.example.com/admin/dead-letters/replay', {
        method: 'POST',
        headers: { cookie: await signIn(role), origin: 'https://worker.example.com', 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
      }),
    )

  it('counts, then replays what matches; viewers get no form and may not post it', async () => {
    await deadOrderEvent('form-1@example.com', auth, HOUR)
    await deadOrderEvent('form-2@example.com', 'BigCommerce GET /v2/orders/2: timed out after 15000 ms (attempt 4)', HOUR)
    const page = async (role: TestRole) => callWorker(new Request('https://worker.example.com/admin', { headers: { cookie: await signIn(role) } }))
    expect(await (await page('operator')).text()).toContain('id="bulk-replay"')
    expect(await (await page('viewer')).text()).not.toContain('id="bulk-replay"')

    const counted = await form({ kind: 'webhook', errorClass: 'outage', from: '', to: '', action: 'count' }, 'operator')
    expect(counted.status).toBe(303)
    expect(shownNotice(counted)).toBe('1 dead letter match (1 BigCommerce events, 0 HubSpot records).')
    expect(await openLetters()).toBe(2)

    const replayed = await form({ kind: 'webhook', errorClass: 'outage', action: 'replay' }, 'operator')
    expect(shownNotice(replayed)).toBe('Replayed 1 of 1 matching dead letters.')
    expect(await openLetters()).toBe(1)
    expect((await form({ action: 'replay' }, 'viewer')).status).toBe(403)
    expect(await openLetters()).toBe(1)
  })
})

describe('error classes', () => {
  it('reads the kind of failure from the error the worker recorded', () => {
    expect(errorClassOf('webhook', 'BigCommerce GET /v2/orders/5: 401 (Unauthorized)')).toBe('auth')
    expect(errorClassOf('webhook', 'BigCommerce GET /v3/customers/subscribers: 403 (Missing scope)')).toBe('auth')
    expect(errorClassOf('webhook', 'BigCommerce GET /v2/orders/5: rate limited (429) after 4 attempts')).toBe('rate_limit')
    expect(errorClassOf('webhook', 'BigCommerce GET /v2/orders/5: 502 after 4 attempts')).toBe('outage')
    expect(errorClassOf('webhook', 'BigCommerce GET /v2/orders/5: timed out after 15000 ms (attempt 4)')).toBe('outage')
    expect(errorClassOf('webhook', 'BigCommerce order 5 does not match its schema: total_inc_tax: Invalid input')).toBe('invalid_payload')
    expect(errorClassOf('webhook', 'order 5 has no billing email')).toBe('unusable')
    expect(errorClassOf('webhook', 'the webhook queue gave up on it (max_retries reached)')).toBe('queue_gave_up')
    expect(errorClassOf('webhook', 'BigCommerce GET /v2/orders/5: 503 (the webhook queue gave up on it (max_retries reached))')).toBe('outage')
    expect(errorClassOf('hubspot', 'Property values were not valid')).toBe('rejected')
    expect(errorClassOf('webhook', 'something else')).toBe('other')
  })
})
