import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it } from 'vitest'
import { flushHubSpot, freshWorld } from '../support/worker'
import { adminCall } from '../support/admin'

/** A webhook event that died after its retries, and its dead letter, as the pipeline leaves them. */
async function plantDeadWebhook(eventId: string, subject: unknown): Promise<number> {
  const payload = JSON.stringify({ scope: 'store/customer/deleted', hash: 'h', createdAt: 1_780_000_000, subject })
  await env.DB.prepare(
    `INSERT INTO webhook_events (id, scope, resource_type, resource_id, payload, event_created_at, received_at, status,
       attempts, next_attempt_at, last_error, processed_at)
     VALUES (?, 'store/customer/deleted', 'customer', '7', ?, 1780000000, 1, 'dead', 8, 1, 'boom', 2)`,
  )
    .bind(eventId, payload)
    .run()
  const row = await env.DB.prepare(
    `INSERT INTO dead_letters (source, reference, payload, error, attempts, created_at)
     VALUES ('webhook', ?, ?, 'boom', 8, ?) RETURNING id`,
  )
    .bind(eventId, payload, Date.now() - 60_000)
    .first<{ id: number }>()
  return row!.id
}

describe('dead letters', () => {
  beforeEach(async () => {
    await freshWorld()
  })

  it('says a replayed event waits when another attempt holds the same resource, and spends no attempt on it', async () => {
    const id = await plantDeadWebhook('evt-held', { kind: 'customer', customerId: 7, change: 'deleted' })
    // Another attempt (the sweep, a queue batch) is processing an event of customer 7 right now.
    await env.DB.prepare(
      `INSERT INTO webhook_events (id, scope, resource_type, resource_id, payload, received_at, status, attempts, next_attempt_at, started_at)
       VALUES ('evt-running', 'store/customer/updated', 'customer', '7', '{}', 1, 'pending', 1, ?, ?)`,
    )
      .bind(Date.now() + 60_000, Date.now())
      .run()

    const replay = await adminCall('POST', `/admin/api/dead-letters/${id}/replay`, { role: 'operator' })
    expect(replay.status).toBe(200)
    expect(await replay.json()).toEqual({
      id,
      source: 'webhook',
      reference: 'evt-held',
      result: 'waiting: another attempt is processing the same resource; it runs as soon as that attempt ends',
    })
    const event = await env.DB.prepare('SELECT status, attempts FROM webhook_events WHERE id = ?').bind('evt-held').first()
    expect(event).toEqual({ status: 'pending', attempts: 0 })
  })

  it('replays a planted webhook dead letter: requeued, processed, marked replayed, audited', async () => {
    const id = await plantDeadWebhook('evt-1', { kind: 'customer', customerId: 7, change: 'deleted' })

    const listed = await adminCall('GET', '/admin/api/dead-letters', { role: 'viewer' })
    const { deadLetters } = (await listed.json()) as { deadLetters: { id: number; source: string; replayedAt: string | null }[] }
    expect(deadLetters).toMatchObject([{ id, source: 'webhook', reference: 'evt-1', replayedAt: null }])

    const replay = await adminCall('POST', `/admin/api/dead-letters/${id}/replay`, { role: 'operator' })
    expect(replay.status).toBe(200)
    expect(await replay.json()).toEqual({ id, source: 'webhook', reference: 'evt-1', result: 'processed' })

    const event = await env.DB.prepare('SELECT status, attempts FROM webhook_events WHERE id = ?').bind('evt-1').first()
    expect(event).toEqual({ status: 'done', attempts: 1 })
    const letter = await env.DB.prepare('SELECT replayed_at FROM dead_letters WHERE id = ?').bind(id).first<{ replayed_at: number }>()
    expect(letter!.replayed_at).toBeGreaterThan(Date.now() - 60_000)

    const open = await adminCall('GET', '/admin/api/dead-letters', { role: 'viewer' })
    expect(((await open.json()) as { deadLetters: unknown[] }).deadLetters).toEqual([])

    const again = await adminCall('POST', `/admin/api/dead-letters/${id}/replay`, { role: 'operator' })
    expect(again.status).toBe(409)
    expect(((await again.json()) as { error: string }).error).toBe('already_replayed')

    const audit = (await (await adminCall('GET', '/admin/api/audit', { role: 'viewer' })).json()) as {
      entries: { action: string; target: string; outcome: string; before: unknown; after: { result?: string; refused?: string } }[]
    }
    expect(audit.entries.map((e) => [e.action, e.target])).toEqual([
      ['dead_letter.replay', String(id)],
      ['dead_letter.replay', String(id)],
    ])
    expect(audit.entries[1]).toMatchObject({ before: { replayedAt: null }, after: { result: 'processed' } })
    expect(audit.entries[0]!.after.refused).toBe('already_replayed')
  })

  it('a replay that fails again goes back to the retries instead of vanishing', async () => {
    // BigCommerce failing (500) makes the event fail again.
    const world = await freshWorld()
    world.bigcommerce.faults.fail({ path: /orders\/250/ }, { status: 500, body: 'down' }, 10)
    const id = await plantDeadWebhook('evt-2', { kind: 'order', orderId: 250 })
    const replay = await adminCall('POST', `/admin/api/dead-letters/${id}/replay`, { role: 'operator' })
    expect(replay.status).toBe(200)
    expect(((await replay.json()) as { result: string }).result).toMatch(/^failed again, retrying later/)
    const event = await env.DB.prepare('SELECT status, attempts, last_error FROM webhook_events WHERE id = ?')
      .bind('evt-2')
      .first<{ status: string; attempts: number; last_error: string }>()
    expect(event).toMatchObject({ status: 'pending', attempts: 1 })
  })

  it('answers 404 for an unknown dead letter and 400 for a malformed id', async () => {
    expect((await adminCall('POST', '/admin/api/dead-letters/999/replay', { role: 'operator' })).status).toBe(404)
    const bad = await adminCall('POST', '/admin/api/dead-letters/abc/replay', { role: 'operator' })
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { message: string }).message).toContain('path.id')
  })

  it('replays a HubSpot dead letter through the writer', async () => {
    const { hubspot } = await freshWorld()
    const record = { objectType: 'contacts', key: 'ada@example.com', properties: { email: 'ada@example.com', firstname: 'Ada' } }
    const row = await env.DB.prepare(
      `INSERT INTO dead_letters (source, reference, payload, error, attempts, created_at)
       VALUES ('hubspot', 'contacts:ada@example.com', ?, 'rejected', 5, 1) RETURNING id`,
    )
      .bind(JSON.stringify(record))
      .first<{ id: number }>()
    const replay = await adminCall('POST', `/admin/api/dead-letters/${row!.id}/replay`, { role: 'operator' })
    expect(replay.status).toBe(200)
    expect(await replay.json()).toMatchObject({ source: 'hubspot', reference: 'contacts:ada@example.com' })
    const letter = await env.DB.prepare('SELECT replayed_at FROM dead_letters WHERE id = ?').bind(row!.id).first<{ replayed_at: number | null }>()
    expect(letter!.replayed_at).not.toBeNull()
    await flushHubSpot()
    expect(hubspot.portal.findByProperty('contacts', 'email', 'ada@example.com')?.properties.firstname).toBe('Ada')
  })
})
