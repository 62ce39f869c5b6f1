import { env, exports } from 'cloudflare:workers'
import { beforeEach, describe, expect, it } from 'vitest'
import { probeBigCommerce } from '../../src/cron/api-pause-probe-job'
import { readApiPauses } from '../../src/db/api-pauses'
import { Invocation } from '../../src/invocation/invocation'
import { sweepDueEvents } from '../../src/pipeline/sweep'
import { noticeFromQuery } from '../../src/routes/dashboard/notices'
import { adminCall, signIn, type TestRole } from '../support/admin'
import { consumeBatch } from '../support/queue'
import { callWorker, flushHubSpot, deliverQueued, freshWorld, type useStandins } from '../support/worker'

/**
 * BigCommerce's circuit breaker: a refused token or scope (401/403), or an outage across resources, pauses
 * processing; events wait without spending attempts; a probe resumes once BigCommerce answers, or an operator.
 */
type Standins = ReturnType<typeof useStandins>
let bigcommerce: Standins['bigcommerce']
let hubspot: Standins['hubspot']

beforeEach(async () => {
  ;({ bigcommerce, hubspot } = await freshWorld())
})

const UNAUTHORIZED = { status: 401, body: { status: 401, title: 'You are not authorized to perform this action.' } }

async function events() {
  const { results } = await env.DB.prepare('SELECT status, attempts, last_error FROM webhook_events ORDER BY received_at')
    .all<{ status: string; attempts: number; last_error: string | null }>()
  return results
}

const deadLetters = async () => (await env.DB.prepare('SELECT count(*) AS n FROM dead_letters').first<number>('n')) ?? 0
const orderCreated = (email: string) => bigcommerce.store.createOrder({ email, statusId: 11 }).events.filter((e) => e.scope === 'store/order/created')

describe('BigCommerce answers 401', () => {
  it('pauses processing without spending attempts, says so in /health and the status, and a probe resumes once it answers', async () => {
    const first = orderCreated('paused-1@example.com')
    const second = orderCreated('paused-2@example.com')
    const { messages, workerEnv, queue } = await deliverQueued([...first, ...second])
    expect(messages).toHaveLength(2)
    bigcommerce.faults.fail({ path: /^\/stores\/teststore\// }, UNAUTHORIZED, Infinity)

    const batch = await consumeBatch(messages, workerEnv)
    expect(batch.explicitAcks).toHaveLength(2)
    expect(batch.retryMessages).toHaveLength(0)
    // Both pending with no attempt spent (the one that met the 401 got its attempt back), nothing dead.
    expect(await events()).toEqual([
      expect.objectContaining({ status: 'pending', attempts: 0 }),
      expect.objectContaining({ status: 'pending', attempts: 0 }),
    ])
    expect(await deadLetters()).toBe(0)
    const pause = (await readApiPauses(env.DB)).bigcommerce
    expect(pause).toMatchObject({ paused: true, cause: 'auth', status: 401, probePath: expect.stringMatching(/^\/v2\/orders\/\d+$/) })

    const health = await exports.default.fetch('http://worker/health')
    expect(health.status).toBe(200)
    const body = await health.json<{ status: string; checks: { bigcommerce: { ok: boolean; message: string } } }>()
    expect(body.status).toBe('degraded')
    expect(body.checks.bigcommerce).toEqual({ ok: false, message: expect.stringMatching(/^paused: BigCommerce answers 401 .*since \d{4}-\d\d-\d\dT/) })
    const status = (await (await adminCall('GET', '/admin/api/status', { role: 'viewer' })).json()) as { problems: string[]; pauses: { bigcommerce: { paused: boolean; since: string } } }
    expect(status.problems).toContainEqual(expect.stringMatching(/^paused: BigCommerce answers 401/))
    expect(status.pauses.bigcommerce).toMatchObject({ paused: true, since: new Date(pause.since!).toISOString() })

    // While paused: a new delivery is acknowledged untouched, the sweep takes nothing, no call reaches BigCommerce.
    const callsBefore = bigcommerce.requests.length
    const later = await deliverQueued(orderCreated('paused-3@example.com'))
    expect((await consumeBatch(later.messages, later.workerEnv)).explicitAcks).toHaveLength(1)
    const swept = await sweepDueEvents(workerEnv, new Date(Date.now() + 10 * 60_000))
    expect(swept).toMatchObject({ paused: true, taken: 0 })
    expect(bigcommerce.requests.length).toBe(callsBefore)
    expect((await events()).every((e) => e.status === 'pending' && e.attempts === 0)).toBe(true)

    // A probe while BigCommerce still refuses keeps the pause and says when it looks again.
    const probeAt = new Date(pause.nextProbeAt!)
    expect(await probeBigCommerce(new Invocation(workerEnv), probeAt)).toBe('still_paused')
    const after = (await readApiPauses(env.DB)).bigcommerce
    expect(after).toMatchObject({ paused: true, since: pause.since, lastProbeResult: expect.stringMatching(/401/) })
    expect(after.nextProbeAt!).toBeGreaterThan(probeAt.getTime() + 50_000)
    expect(await probeBigCommerce(new Invocation(workerEnv), probeAt)).toBe('not_due')

    // The token works again: the next probe resumes and hands every waiting event to the queue.
    bigcommerce.faults.clear()
    queue.take()
    expect(await probeBigCommerce(new Invocation(workerEnv), new Date(after.nextProbeAt!))).toBe('resumed')
    expect((await readApiPauses(env.DB)).bigcommerce).toMatchObject({ paused: false, resumedBy: 'probe' })
    const handed = queue.take()
    expect(handed).toHaveLength(3)
    await consumeBatch(handed, workerEnv)
    expect((await events()).map((e) => [e.status, e.attempts])).toEqual([['done', 1], ['done', 1], ['done', 1]])
    await flushHubSpot()
    expect(hubspot.portal.records('orders')).toHaveLength(3)
    expect(await deadLetters()).toBe(0)
    const healthy = await (await exports.default.fetch('http://worker/health')).json<{ status: string }>()
    expect(healthy.status).toBe('ok')
  })

  it('an operator resumes by hand (audited; viewers may not), and a cause that remains pauses again', async () => {
    const { messages, workerEnv } = await deliverQueued(orderCreated('by-hand@example.com'))
    bigcommerce.faults.fail({ path: /^\/stores\/teststore\// }, { status: 403, body: { status: 403, title: 'Missing scope' } }, 1)
    await consumeBatch(messages, workerEnv)
    expect((await readApiPauses(env.DB)).bigcommerce).toMatchObject({ paused: true, status: 403 })

    expect((await adminCall('POST', '/admin/api/pauses/bigcommerce/resume', { role: 'viewer' })).status).toBe(403)
    const resumed = await adminCall('POST', '/admin/api/pauses/bigcommerce/resume', { role: 'operator' })
    expect(resumed.status).toBe(200)
    expect(await resumed.json()).toEqual({ api: 'bigcommerce', resumed: true, handedOver: 1 })
    // The waiting event went to the queue with the resume and was processed (the test worker runs what it queued).
    expect(await events()).toEqual([expect.objectContaining({ status: 'done', attempts: 1 })])
    const audit = await env.DB.prepare("SELECT target, outcome, before FROM audit_log WHERE action = 'api.resume'").first<{ target: string; outcome: string; before: string }>()
    expect(audit).toMatchObject({ target: 'bigcommerce', outcome: 'ok' })
    expect(JSON.parse(audit!.before)).toMatchObject({ paused: true, message: expect.stringMatching(/answers 403/) })

    expect(await (await adminCall('POST', '/admin/api/pauses/bigcommerce/resume', { role: 'operator' })).json()).toMatchObject({ resumed: false })
    expect((await adminCall('POST', '/admin/api/pauses/shopify/resume', { role: 'operator' })).status).toBe(400)

    // Resumed while the scope is still missing: the next event pauses it again, its attempt given back.
    bigcommerce.faults.fail({ path: /^\/stores\/teststore\// }, { status: 403, body: { status: 403, title: 'Missing scope' } }, Infinity)
    const again = await deliverQueued(orderCreated('still-missing@example.com'))
    await consumeBatch(again.messages, again.workerEnv)
    expect((await readApiPauses(env.DB)).bigcommerce).toMatchObject({ paused: true, status: 403, resumedBy: 'operator' })
    expect((await events()).at(-1)).toMatchObject({ status: 'pending', attempts: 0 })
  })
})

/** The notice the dashboard shows after a form post's redirect (by its code and figures). */
const shownNotice = (response: Response) => noticeFromQuery(Object.fromEntries(new URL(response.headers.get('location')!, 'https://worker.example.com').searchParams))?.text

describe('the dashboard', () => {
  const page = async (role: TestRole) => callWorker(new Request('https://worker.example.com/admin', { headers: { cookie: await signIn(role) } }))

  it('says what is paused since when, and an operator resumes it from there', async () => {
    const { messages, workerEnv } = await deliverQueued(orderCreated('dashboard@example.com'))
    bigcommerce.faults.fail({ path: /^\/stores\/teststore\// }, UNAUTHORIZED, 1)
    await consumeBatch(messages, workerEnv)

    const html = await (await page('operator')).text()
    expect(html).toMatch(/data-paused="bigcommerce"[\s\S]*paused: BigCommerce answers 401[\s\S]*Resume BigCommerce now/)
    expect(await (await page('viewer')).text()).not.toContain('Resume BigCommerce now')

    const refused = await callWorker(
      new Request('https://worker.example.com/admin/pauses/bigcommerce/resume', { method: 'POST', headers: { cookie: await signIn('viewer'), origin: 'https://worker.example.com' } }),
    )
    expect(refused.status).toBe(403)
    const resumed = await callWorker(
      new Request('https://worker.example.com/admin/pauses/bigcommerce/resume', { method: 'POST', headers: { cookie: await signIn('operator'), origin: 'https://worker.example.com' } }),
    )
    expect(resumed.status).toBe(303)
    expect(shownNotice(resumed)).toBe('BigCommerce resumed: 1 waiting events queued.')
    expect((await readApiPauses(env.DB)).bigcommerce).toMatchObject({ paused: false, resumedBy: 'operator' })
    expect(await events()).toEqual([expect.objectContaining({ status: 'done' })])
    expect(await (await page('operator')).text()).not.toContain('data-paused=')
  })
})

describe('BigCommerce outages', () => {
  it('a run of 5xx across several resources pauses; the events that failed before it keep their attempt, the rest get theirs back', async () => {
    const emails = Array.from({ length: 7 }, (_, i) => `outage-${i}@example.com`)
    const { messages, workerEnv } = await deliverQueued(emails.flatMap(orderCreated))
    bigcommerce.faults.fail({ path: /^\/stores\/teststore\// }, { status: 503 }, Infinity)
    const noWait = { invocation: { tuning: { sleep: async () => {}, maxAttempts: 1 } } }
    await consumeBatch(messages, workerEnv, noWait)
    const pause = (await readApiPauses(env.DB)).bigcommerce
    expect(pause).toMatchObject({ paused: true, cause: 'outage', status: 503, probePath: '/v3/channels' })
    const rows = await events()
    // Four failures before the run is long enough spend their attempt (and retry later); none is dead.
    expect(rows.filter((r) => r.attempts === 1)).toHaveLength(4)
    expect(rows.filter((r) => r.attempts === 0)).toHaveLength(3)
    expect(rows.every((r) => r.status === 'pending')).toBe(true)
    expect(await deadLetters()).toBe(0)
  })

  it('one resource that keeps failing does not pause the others', async () => {
    const { messages, workerEnv } = await deliverQueued([...orderCreated('broken@example.com'), ...orderCreated('fine@example.com')])
    const broken = Number((await env.DB.prepare("SELECT resource_id AS id FROM webhook_events ORDER BY received_at").first<string>('id')))
    bigcommerce.faults.fail({ path: `/stores/teststore/v2/orders/${broken}` }, { status: 500 }, Infinity)
    for (let i = 0; i < 6; i++) {
      await consumeBatch(messages, workerEnv, { invocation: { tuning: { sleep: async () => {}, maxAttempts: 1 } } })
      await env.DB.prepare("UPDATE webhook_events SET next_attempt_at = 0 WHERE status = 'pending'").run()
    }
    expect((await readApiPauses(env.DB)).bigcommerce.paused).toBe(false)
    expect((await events()).map((e) => e.status).sort()).toEqual(['done', 'pending'])
  })
})
