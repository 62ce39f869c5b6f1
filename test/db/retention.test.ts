import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it } from 'vitest'
import { RETENTION_BATCH_ROWS, runRetention, type RetentionPolicy } from '../../src/db/retention'
import { clearDatabase } from '../support/worker'

/** Retention: what nothing needs any more goes, in bounded batches; what something still needs stays. */
const DAY = 86_400_000
const NOW = Date.UTC(2026, 11, 5, 12)
const policy: RetentionPolicy = { now: NOW, decisionsMs: 400 * DAY, lookbackMs: 30 * DAY }

async function touch(anonymousId: string, daysAgo: number): Promise<number> {
  const at = NOW - daysAgo * DAY
  const row = await env.DB.prepare(
    `INSERT INTO touches (anonymous_id, occurred_at, channel, reason, received_at) VALUES (?, ?, 'referral', 'session', ?) RETURNING id`,
  )
    .bind(anonymousId, at, at)
    .first<{ id: number }>()
  return row!.id
}

async function touchIds(): Promise<number[]> {
  const { results } = await env.DB.prepare('SELECT id FROM touches ORDER BY id').all<{ id: number }>()
  return results.map((r) => r.id)
}

beforeEach(async () => {
  await clearDatabase()
})

describe('retention', () => {
  it('deletes only touches nothing needs: old unlinked ones, and the old linked ones no result points at', async () => {
    // An anonymous visitor never linked to anyone: its old touch goes, the one inside the lookback stays.
    const unlinkedOld = await touch('anon-visitor-1', 90)
    const unlinkedRecent = await touch('anon-visitor-1', 10)
    // An identified visitor, rolled up: first, credited and latest touches stay; the one in between goes.
    await env.DB.prepare("INSERT INTO beacon_identities (anonymous_id, kind, value, first_seen_at) VALUES ('known-visitor', 'email', 'ada@example.com', 0)").run()
    const first = await touch('known-visitor', 200)
    const between = await touch('known-visitor', 150)
    const credited = await touch('known-visitor', 120)
    const latest = await touch('known-visitor', 100)
    await env.DB.prepare(
      `INSERT INTO order_attribution (order_id, email, channel, touch_id, first_channel, last_channel, last_touch_id, updated_at)
       VALUES (1, 'ada@example.com', 'referral', ?, 'referral', 'referral', ?, 0)`,
    )
      .bind(credited, credited)
      .run()
    await env.DB.prepare(
      "INSERT INTO contact_touches (email, first_touch_id, last_touch_id, updated_at) VALUES ('ada@example.com', ?, ?, 0)",
    )
      .bind(first, credited)
      .run()

    const run = await runRetention(env.DB, policy)
    expect(run.complete).toBe(true)
    expect(run.deleted.touches).toBe(2)
    expect(await touchIds()).toEqual([unlinkedRecent, first, credited, latest])
    expect(await touchIds()).not.toContain(unlinkedOld)
    expect(await touchIds()).not.toContain(between)
  })

  it('keeps pending and dead deliveries, open dead letters and recent decisions; drops the rest past their time', async () => {
    const old = NOW - 40 * DAY
    await env.DB.batch([
      ...['done', 'ignored', 'pending', 'dead'].map((status, i) =>
        env.DB.prepare(
          "INSERT INTO webhook_events (id, scope, resource_type, payload, received_at, status, next_attempt_at) VALUES (?, 'store/order/updated', 'order', '{}', ?, ?, 0)",
        ).bind(`evt-${i}`, old, status),
      ),
      env.DB.prepare("INSERT INTO dead_letters (source, reference, payload, error, attempts, created_at) VALUES ('webhook', 'open', '{}', 'x', 8, ?)").bind(old),
      env.DB.prepare(
        "INSERT INTO dead_letters (source, reference, payload, error, attempts, created_at, replayed_at) VALUES ('webhook', 'replayed', '{}', 'x', 8, ?, ?)",
      ).bind(old, old),
      env.DB.prepare(
        "INSERT INTO trigger_decisions (email, trigger, trigger_key, decision, reason, at) VALUES ('a@example.com', 'order_placed', 'k1', 'fired', 'r', ?)",
      ).bind(new Date(NOW - 401 * DAY).toISOString()),
      env.DB.prepare(
        "INSERT INTO trigger_decisions (email, trigger, trigger_key, decision, reason, at) VALUES ('a@example.com', 'order_placed', 'k2', 'fired', 'r', ?)",
      ).bind(new Date(NOW - 399 * DAY).toISOString()),
    ])
    await runRetention(env.DB, policy)
    const { results: events } = await env.DB.prepare('SELECT status FROM webhook_events ORDER BY status').all<{ status: string }>()
    expect(events.map((e) => e.status)).toEqual(['dead', 'pending'])
    const { results: letters } = await env.DB.prepare('SELECT reference FROM dead_letters').all<{ reference: string }>()
    expect(letters.map((l) => l.reference)).toEqual(['open'])
    const { results: decisions } = await env.DB.prepare('SELECT trigger_key FROM trigger_decisions').all<{ trigger_key: string }>()
    expect(decisions.map((d) => d.trigger_key)).toEqual(['k2'])
  })

  it('stays inside one cron invocation over a large table: bounded deletes and queries, continued by the next run', async () => {
    const rows = 25_000
    await env.DB.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
       INSERT INTO webhook_events (id, scope, resource_type, payload, received_at, status, next_attempt_at)
       SELECT 'bulk-' || i, 'store/order/updated', 'order', '{}', ?2, 'done', 0 FROM n`,
    )
      .bind(rows, NOW - 40 * DAY)
      .run()
    const small = { maxQueries: 10, maxMs: 60_000 }
    const first = await runRetention(env.DB, policy, small)
    expect(first.complete).toBe(false)
    expect(first.queries).toBeLessThanOrEqual(small.maxQueries)
    expect(first.largestDelete).toBeLessThanOrEqual(RETENTION_BATCH_ROWS)
    const full = await runRetention(env.DB, policy)
    // The default budget (300 queries) is well inside the 1,000 queries one invocation may make.
    expect(full.queries).toBeLessThanOrEqual(300)
    expect(full.largestDelete).toBeLessThanOrEqual(RETENTION_BATCH_ROWS)
    expect(first.deleted.webhook_events + full.deleted.webhook_events).toBe(rows)
    expect(full.complete).toBe(true)
    const left = await env.DB.prepare('SELECT count(*) AS n FROM webhook_events').first<{ n: number }>()
    expect(left?.n).toBe(0)
  })
})

// The touches rule's state in D1: the cursor it keeps in sync_state between runs, and the watermark that holds
// back the touches of identified visitors until the rollup is past it.
const setState = (key: string, value: string) =>
  env.DB.prepare('INSERT INTO sync_state (key, value, updated_at) VALUES (?, ?, 0) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
    .bind(key, value)
    .run()
const state = async (key: string) => {
  const row = await env.DB.prepare('SELECT value, updated_at FROM sync_state WHERE key = ?').bind(key).first<{ value: string; updated_at: number }>()
  return row && { value: JSON.parse(row.value) as unknown, updatedAt: row.updated_at }
}

describe('retention of touches', () => {
  it('walks on from the cursor it saved, and starts a new pass from the lowest id after a week', async () => {
    const earlier = await touch('anon-a', 90)
    const later = await touch('anon-b', 90)
    await setState('retention:touches_cursor', JSON.stringify({ after: earlier, passStartedAt: NOW - DAY }))

    const run = await runRetention(env.DB, policy)
    expect(run.deleted.touches).toBe(1)
    expect(await touchIds()).toEqual([earlier])
    expect(await state('retention:touches_cursor')).toEqual({ value: { after: later, passStartedAt: NOW - DAY }, updatedAt: NOW })

    const weekLater = NOW + 7 * DAY
    await runRetention(env.DB, { ...policy, now: weekLater })
    expect(await touchIds()).toEqual([])
    expect(await state('retention:touches_cursor')).toEqual({ value: { after: earlier, passStartedAt: weekLater }, updatedAt: weekLater })
  })

  it('leaves the cursor where it is when the window starts at recent touches', async () => {
    const recent = await touch('anon-a', 5)
    await runRetention(env.DB, policy)
    expect(await touchIds()).toEqual([recent])
    expect(await state('retention:touches_cursor')).toEqual({ value: { after: 0, passStartedAt: NOW }, updatedAt: NOW })
  })

  it("keeps an identified visitor's touches while the rollup has changes at or below the watermark", async () => {
    const unlinked = await touch('anon-visitor', 90)
    await env.DB.prepare("INSERT INTO beacon_identities (anonymous_id, kind, value, first_seen_at) VALUES ('known', 'email', 'ada@example.com', 0)").run()
    const first = await touch('known', 200)
    const between = await touch('known', 150)
    const latest = await touch('known', 100)
    const { seq } = (await env.DB.prepare('SELECT max(seq) AS seq FROM attribution_changes').first<{ seq: number }>())!
    await setState('retention:linked_touches_after_seq', String(seq))

    await runRetention(env.DB, policy)
    expect(await touchIds()).toEqual([first, between, latest])
    expect(await touchIds()).not.toContain(unlinked)

    // The rollup past the watermark: the touch between the first and the latest goes.
    await env.DB.prepare('DELETE FROM attribution_changes').run()
    await runRetention(env.DB, { ...policy, now: NOW + 7 * DAY })
    expect(await touchIds()).toEqual([first, latest])
  })
})
