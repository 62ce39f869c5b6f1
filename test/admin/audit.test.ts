import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it } from 'vitest'
import { callWorker, freshWorld } from '../support/worker'
import { adminCall, auditFingerprint, freshClient, sha256Prefix, TOKENS } from '../support/admin'

interface Entry {
  id: number
  at: string
  who: { role: string; fingerprint: string }
  action: string
  target: string | null
  outcome: string
  before: unknown
  after: unknown
}

async function auditEntries(): Promise<Entry[]> {
  const response = await adminCall('GET', '/admin/api/audit', { role: 'viewer' })
  expect(response.status).toBe(200)
  return ((await response.json()) as { entries: Entry[] }).entries
}

describe('audit trail', () => {
  beforeEach(async () => {
    await freshWorld()
  })

  it('records an overrides change with who, when, before and after, never the token', async () => {
    const first = { marketingCap: 2, marketingCapWindow: '14d' }
    const put1 = await adminCall('PUT', '/admin/api/overrides', { role: 'admin', body: first })
    expect(put1.status).toBe(200)
    expect(await put1.json()).toEqual(first)

    const second = { marketingCap: 5, channelRules: { sourceAliases: { fb: 'facebook' } } }
    const put2 = await adminCall('PUT', '/admin/api/overrides', { role: 'admin', body: second })
    expect(put2.status).toBe(200)

    const read = await adminCall('GET', '/admin/api/overrides', { role: 'viewer' })
    expect(await read.json()).toEqual(second)

    const entries = await auditEntries()
    expect(entries.map((e) => e.action)).toEqual(['overrides.update', 'overrides.update'])
    const [latest, earliest] = entries
    const fingerprint = await auditFingerprint(TOKENS.admin)
    expect(earliest).toMatchObject({ who: { role: 'admin', fingerprint }, outcome: 'ok', before: {}, after: first })
    expect(latest).toMatchObject({ who: { role: 'admin', fingerprint }, outcome: 'ok', before: first, after: second })
    expect(Date.now() - Date.parse(latest!.at)).toBeLessThan(60_000)

    const { results } = await env.DB.prepare('SELECT * FROM audit_log').all()
    expect(JSON.stringify(results)).not.toContain(TOKENS.admin)
  })

  it('records a keyed fingerprint: never the token or a plain hash of it, and another key gives another one', async () => {
    expect((await adminCall('PUT', '/admin/api/overrides', { role: 'admin', body: { marketingCap: 4 } })).status).toBe(200)
    // The same token under another BIGCOMMERCE_ACCESS_TOKEN (the key's source) fingerprints differently.
    const otherKey = await callWorker(
      new Request('https://worker.example.com/admin/api/overrides', {
        method: 'PUT',
        headers: { authorization: `Bearer ${TOKENS.admin}`, 'content-type': 'application/json', 'cf-connecting-ip': freshClient() },
        body: JSON.stringify({ marketingCap: 5 }),
      }),
      { ...env, BIGCOMMERCE_ACCESS_TOKEN: 'another-store-api-token' },
    )
    expect(otherKey.status).toBe(200)
    const [second, first] = await auditEntries()
    expect(first!.who.fingerprint).toBe(await auditFingerprint(TOKENS.admin))
    expect(second!.who.fingerprint).toBe(await auditFingerprint(TOKENS.admin, 'another-store-api-token'))
    expect(second!.who.fingerprint).not.toBe(first!.who.fingerprint)
    const { results } = await env.DB.prepare('SELECT actor_fingerprint FROM audit_log').all<{ actor_fingerprint: string }>()
    const plain = await sha256Prefix(TOKENS.admin)
    for (const { actor_fingerprint } of results) {
      expect(actor_fingerprint).toMatch(/^[0-9a-f]{16}$/)
      expect(actor_fingerprint.startsWith(plain)).toBe(false)
    }
  })

  it('refuses invalid overrides with 400 naming the problem, and records nothing', async () => {
    const cases: [unknown, string][] = [
      [{ marketingCapWindow: 'soon' }, 'body.marketingCapWindow: must be a duration'],
      [{ marketingCap: -1 }, 'body.marketingCap:'],
      [{ channelRules: { rules: [{ channel: 'tv' }] } }, 'body.channelRules.rules.0.channel:'],
      [{ unknown: 1 }, 'body: Unrecognized key: "unknown"'],
      // A pattern that would backtrack catastrophically on every beacon hit is refused, named.
      [
        { channelRules: { rules: [{ channel: 'email', any: [{ field: 'campaign', matches: '^(a+)+$' }] }] } },
        'rules[0].any[0].matches: pattern "^(a+)+$" repeats a group that itself holds a quantifier',
      ],
    ]
    for (const [body, problem] of cases) {
      const response = await adminCall('PUT', '/admin/api/overrides', { role: 'admin', body })
      expect(response.status).toBe(400)
      const error = (await response.json()) as { error: string; message: string }
      expect(error.error).toBe('invalid_request')
      expect(error.message).toContain(problem)
    }
    const notJson = await adminCall('PUT', '/admin/api/overrides', { role: 'admin', body: '{nope' })
    expect(notJson.status).toBe(400)
    expect(((await notJson.json()) as { error: string }).error).toBe('invalid_json')
    expect(await auditEntries()).toEqual([])
  })

  it('records a backfill start with the state before it and the job after it', async () => {
    const bad = await adminCall('POST', '/admin/api/backfill', { role: 'operator', body: { since: 'last tuesday' } })
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { message: string }).message).toContain('body.since')

    const response = await adminCall('POST', '/admin/api/backfill', { role: 'operator', body: { since: '2026-01-01T00:00:00Z' } })
    expect(response.status).toBe(202)
    const { id } = (await response.json()) as { id: string }
    expect(id).toMatch(/\S/)

    const [entry] = await auditEntries()
    expect(entry).toMatchObject({
      action: 'backfill.start',
      target: '2026-01-01T00:00:00Z',
      outcome: 'ok',
      who: { role: 'operator', fingerprint: await auditFingerprint(TOKENS.operator) },
      before: { state: 'idle' },
      after: { id, since: '2026-01-01T00:00:00Z' },
    })

    // A bare date is ISO-8601 too.
    const dateOnly = await adminCall('POST', '/admin/api/backfill', { role: 'operator', body: { since: '2026-06-01' } })
    expect(dateOnly.status).toBe(202)
    expect((await auditEntries())[0]).toMatchObject({ action: 'backfill.start', target: '2026-06-01', outcome: 'ok' })
  })

  it('records setup with the HubSpot result and the webhook registration', async () => {
    const response = await adminCall('POST', '/admin/api/setup', { role: 'admin' })
    expect(response.status).toBe(200)
    const body = (await response.json()) as { hubspot: { ok: boolean }; webhooks: { created?: unknown[] } }
    expect(body.hubspot.ok).toBe(true)
    expect(body.webhooks.created?.length).toBeGreaterThan(0)

    const [entry] = await auditEntries()
    expect(entry).toMatchObject({ action: 'setup', outcome: 'ok', who: { role: 'admin' }, before: { hubspot: null } })
    const after = entry!.after as { hubspot: { ok: boolean; available?: unknown }; webhooks: { created: unknown[] } }
    expect(after.hubspot.ok).toBe(true)
    expect(after.hubspot.available).toBeUndefined()
    expect(after.webhooks.created.length).toBe(body.webhooks.created!.length)
  })
})
