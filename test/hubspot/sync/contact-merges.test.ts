import { describe, expect } from 'vitest'
import { orderRecords } from '../../../src/hubspot/mapping/order-records'
import type { HubSpotRecord } from '../../../src/hubspot/records'
import { order } from '../fixtures'
import { harness, it } from '../support'

const MERGE = /\/crm\/v3\/objects\/contacts\/merge$/
const HOME = 'jane@home.example'
const WORK = 'jane@work.example'

const contact = (email: string, properties: Record<string, string | number> = {}, triggers?: HubSpotRecord['triggers']): HubSpotRecord => ({
  objectType: 'contacts',
  key: email,
  properties: { email, ...properties },
  ...(triggers ? { triggers } : {}),
})

/** Both contacts written to HubSpot, then one order of the absorbed email waiting for its association. */
async function twoWrittenContacts() {
  const h = harness()
  h.engine.enqueue([contact(HOME, { firstname: 'Jane', bc_order_count: 1 }), contact(WORK, { lastname: 'Doe', bc_order_count: 1 })])
  await h.drain()
  const ids = { home: h.portal.findByProperty('contacts', 'email', HOME)!.id, work: h.portal.findByProperty('contacts', 'email', WORK)!.id }
  return { h, ids }
}

describe('merging one person\'s HubSpot contacts through the writer', () => {
  it('merges the absorbed contact into the survivor once, and points both emails to the merged record', async () => {
    const { h, ids } = await twoWrittenContacts()
    h.engine.enqueueMerges(HOME, [WORK])
    // The survivor's merged figures, written in the same flush.
    h.engine.enqueue([contact(HOME, { bc_order_count: 2 })])
    await h.drain()
    const merges = h.calls('POST', MERGE)
    expect(merges).toHaveLength(1)
    const [merged] = h.portal.records('contacts')
    expect(h.portal.records('contacts')).toHaveLength(1)
    expect(merged!.properties).toMatchObject({ email: HOME, hs_additional_emails: WORK, firstname: 'Jane', lastname: 'Doe', bc_order_count: '2' })
    expect(merged!.id).not.toBe(ids.home)
    const known = h.store.knownIds('contacts', [HOME, WORK])
    expect([known.get(HOME)?.id, known.get(WORK)?.id]).toEqual([merged!.id, merged!.id])
    expect(h.merges).toEqual([expect.objectContaining({ primaryKey: HOME, absorbedKey: WORK, outcome: 'merged', id: merged!.id })])
    expect(h.engine.status().contactMerges).toEqual({ pending: 0, merged: 1, failed: 0 })

    // Asked again (an operator approving twice): settled from the id map, no second merge call.
    h.engine.enqueueMerges(HOME, [WORK])
    await h.drain()
    expect(h.calls('POST', MERGE)).toHaveLength(1)
    expect(h.merges.at(-1)).toMatchObject({ outcome: 'already_merged', id: merged!.id })
  })

  it('associates an order of the absorbed email with the merged contact', async () => {
    const { h } = await twoWrittenContacts()
    h.engine.enqueueMerges(HOME, [WORK])
    h.engine.enqueue(orderRecords(order(71, { email: WORK, lines: [] })))
    await h.drain()
    const [merged] = h.portal.records('contacts')
    const written = h.portal.findByProperty('orders', 'bc_order_id', '71')!
    expect(h.portal.associations('orders', written.id, 'contacts').map((a) => a.toObjectId)).toEqual([merged!.id])
  })

  it('moves trigger writes queued for the absorbed email to the survivor, and writes none of its state there', async () => {
    const { h } = await twoWrittenContacts()
    h.engine.enqueue([contact(WORK, { firstname: 'Stale' }, [{ property: 'bc_order_placed_at', properties: { bc_order_placed_at: '2026-11-02T09:00:00.000Z' } }])])
    h.engine.enqueueMerges(HOME, [WORK])
    // Late writes for the absorbed email (a job that read it before the merge): the trigger goes on, the state does not.
    h.engine.enqueue([contact(WORK, { lastname: 'Late' }, [{ property: 'bc_order_shipped_at', properties: { bc_order_shipped_at: '2026-11-03T09:00:00.000Z' } }])])
    await h.drain()
    expect(h.portal.records('contacts')).toHaveLength(1)
    const [merged] = h.portal.records('contacts')
    expect(merged!.properties).toMatchObject({ email: HOME, firstname: 'Jane', lastname: 'Doe' })
    expect(merged!.properties.bc_order_placed_at).toBe('2026-11-02T09:00:00.000Z')
    expect(merged!.properties.bc_order_shipped_at).toBe('2026-11-03T09:00:00.000Z')
  })

  it('needs no merge when HubSpot never had the absorbed contact, and waits for a survivor not written yet', async () => {
    const h = harness()
    h.engine.enqueue([contact(WORK, { firstname: 'Jane' })])
    await h.drain()
    // The survivor exists only as a pending write; the absorbed contact was never in HubSpot.
    h.engine.enqueue([contact(HOME, { firstname: 'Jane', bc_order_count: 2 })])
    h.engine.enqueueMerges(HOME, [WORK, 'never@example.com'])
    await h.drain()
    expect(h.calls('POST', MERGE)).toHaveLength(1)
    expect(h.portal.records('contacts')).toHaveLength(1)
    expect(h.portal.records('contacts')[0]!.properties).toMatchObject({ email: HOME, hs_additional_emails: WORK })
    expect(h.merges.map((m) => [m.absorbedKey, m.outcome]).sort()).toEqual([['jane@work.example', 'merged'], ['never@example.com', 'nothing_to_merge']])
  })

  it('takes HubSpot\'s refusal of an id merged already as done when both ids are one record now', async () => {
    const { h, ids } = await twoWrittenContacts()
    // Someone merged them in HubSpot meanwhile: the writer still knows the old ids.
    const merged = h.portal.merge('contacts', ids.home, ids.work, h.time.now())
    h.engine.enqueueMerges(HOME, [WORK])
    await h.drain()
    const calls = h.calls('POST', MERGE)
    expect(calls.map((c) => c.status)).toEqual([400])
    expect(h.merges).toEqual([expect.objectContaining({ outcome: 'already_merged', id: merged.id })])
    expect(h.store.knownIds('contacts', [HOME]).get(HOME)?.id).toBe(merged.id)
  })

  it('gives up after the writer\'s attempts when HubSpot keeps refusing, and reports it', async () => {
    const { h } = await twoWrittenContacts()
    h.standin.faults.fail({ method: 'POST', path: '/crm/v3/objects/contacts/merge' }, { status: 400, body: { status: 'error', category: 'VALIDATION_ERROR', message: 'merge limit' } }, 10)
    h.engine.enqueueMerges(HOME, [WORK])
    await h.drain(10 * 60_000)
    expect(h.calls('POST', MERGE).length).toBe(5)
    expect(h.merges).toEqual([expect.objectContaining({ outcome: 'failed', error: expect.stringContaining('merge limit') })])
    expect(h.engine.status().contactMerges).toEqual({ pending: 0, merged: 0, failed: 1 })
    expect(h.portal.records('contacts')).toHaveLength(2)
  })
})
