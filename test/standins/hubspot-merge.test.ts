import { describe, expect, it } from 'vitest'
import { hubspot, withOrderKey, order } from '../../standins/hubspot/testing'

const MERGE = '/crm/v3/objects/contacts/merge'
const UPSERT_CONTACTS = '/crm/v3/objects/contacts/batch/upsert'

/** Two contacts, the first with a phone and an older creation date, the second with a last name. */
async function twoContacts(hs: ReturnType<typeof hubspot>) {
  const a = await hs.post('/crm/v3/objects/contacts', { properties: { email: 'jane@home.example', firstname: 'Jane', phone: '+15125550147' } })
  hs.advance(60_000)
  const b = await hs.post('/crm/v3/objects/contacts', { properties: { email: 'jane@work.example', firstname: 'J.', lastname: 'Doe' } })
  expect([a.status, b.status]).toEqual([201, 201])
  return { primary: a.body.id as string, secondary: b.body.id as string }
}

describe('POST /crm/v3/objects/contacts/merge', () => {
  it('makes a new record: the primary wins, the secondary fills gaps, its email becomes an additional email', async () => {
    const hs = hubspot()
    const { primary, secondary } = await twoContacts(hs)
    const res = await hs.post(MERGE, { primaryObjectId: primary, objectIdToMerge: secondary })
    expect(res.status).toBe(200)
    const merged = res.body
    expect(merged.id).not.toBe(primary)
    expect(merged.id).not.toBe(secondary)
    expect(merged.properties).toMatchObject({
      email: 'jane@home.example',
      firstname: 'Jane',
      lastname: 'Doe',
      phone: '+15125550147',
      hs_additional_emails: 'jane@work.example',
    })
    expect(merged.properties.hs_merged_object_ids.split(';').sort()).toEqual([primary, secondary].sort())
    expect(hs.portal.records('contacts').map((r) => r.id)).toEqual([merged.id])
    // Both old ids resolve to the merged record; the primary email finds it too.
    for (const old of [primary, secondary]) {
      const read = await hs.call('GET', `/crm/v3/objects/contacts/${old}`)
      expect(read.status).toBe(200)
      expect(read.body.id).toBe(merged.id)
    }
    const byEmail = await hs.call('GET', '/crm/v3/objects/contacts/jane@home.example?idProperty=email')
    expect(byEmail.body.id).toBe(merged.id)
  })

  it('moves the associations of both contacts to the merged record', async () => {
    const hs = await withOrderKey()
    const { primary, secondary } = await twoContacts(hs)
    const orders = await hs.post('/crm/v3/objects/orders/batch/upsert', { inputs: [order('1'), order('2')] })
    const [o1, o2] = orders.body.results.map((r: { id: string }) => r.id)
    for (const [contact, orderId] of [[primary, o1], [secondary, o2]]) {
      const linked = await hs.call('PUT', `/crm/v4/objects/contacts/${contact}/associations/default/orders/${orderId}`)
      expect(linked.status).toBe(200)
    }
    const merged = (await hs.post(MERGE, { primaryObjectId: primary, objectIdToMerge: secondary })).body.id
    expect(hs.portal.associations('contacts', merged, 'orders').map((a) => a.toObjectId).sort()).toEqual([o1, o2].sort())
    for (const orderId of [o1, o2]) {
      expect(hs.portal.associations('orders', orderId, 'contacts').map((a) => a.toObjectId)).toEqual([merged])
    }
  })

  it('keeps a merged email taken: a new contact cannot be created or upserted with it', async () => {
    const hs = hubspot()
    const { primary, secondary } = await twoContacts(hs)
    const merged = (await hs.post(MERGE, { primaryObjectId: primary, objectIdToMerge: secondary })).body.id
    const upsert = await hs.post(UPSERT_CONTACTS, { inputs: [{ idProperty: 'email', id: 'jane@work.example', properties: { firstname: 'Again' } }] })
    expect(upsert.status).toBe(409)
    expect(upsert.body).toMatchObject({ category: 'CONFLICT', message: `Contact already exists. Existing ID: ${merged}` })
    expect(hs.portal.records('contacts')).toHaveLength(1)
  })

  it('refuses to merge a contact into itself', async () => {
    const hs = hubspot()
    const { primary } = await twoContacts(hs)
    const res = await hs.post(MERGE, { primaryObjectId: primary, objectIdToMerge: primary })
    expect(res.status).toBe(400)
    expect(res.body).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' })
    expect(hs.portal.records('contacts')).toHaveLength(2)
  })

  it('refuses an id already merged away, naming the id it became', async () => {
    const hs = hubspot()
    const { primary, secondary } = await twoContacts(hs)
    const merged = (await hs.post(MERGE, { primaryObjectId: primary, objectIdToMerge: secondary })).body.id
    const third = (await hs.post('/crm/v3/objects/contacts', { properties: { email: 'third@example.com' } })).body.id
    const again = await hs.post(MERGE, { primaryObjectId: third, objectIdToMerge: secondary })
    expect(again.status).toBe(400)
    expect(again.body.category).toBe('VALIDATION_ERROR')
    expect(again.body.message).toContain(merged)
    const twice = await hs.post(MERGE, { primaryObjectId: primary, objectIdToMerge: secondary })
    expect(twice.status).toBe(400)
    expect(hs.portal.records('contacts').map((r) => r.id).sort()).toEqual([merged, third].sort())
  })

  it('answers 404 for an id that never existed and 400 for a body without both ids', async () => {
    const hs = hubspot()
    const { primary } = await twoContacts(hs)
    const missing = await hs.post(MERGE, { primaryObjectId: primary, objectIdToMerge: '999999' })
    expect(missing.status).toBe(404)
    expect(missing.body.category).toBe('OBJECT_NOT_FOUND')
    const partial = await hs.post(MERGE, { primaryObjectId: primary })
    expect(partial.status).toBe(400)
    expect(partial.body.message).toContain('objectIdToMerge')
    const emails = await hs.post(MERGE, { primaryObjectId: 'jane@home.example', objectIdToMerge: primary })
    expect(emails.status).toBe(400)
    expect(emails.body.message).toContain('primaryObjectId')
    expect(hs.portal.records('contacts')).toHaveLength(2)
  })

  it('refuses a merge whose contact would have more than 250 identities (HubSpot\'s contact limit)', async () => {
    const hs = hubspot()
    const { primary, secondary } = await twoContacts(hs)
    const third = (await hs.post('/crm/v3/objects/contacts', { properties: { email: 'third@example.com' } })).body.id
    // Contacts that went through earlier merges: each id merged into them is one more identity.
    const mergedIds = (from: number, n: number) => Array.from({ length: n }, (_, i) => String(from + i)).join(';')
    hs.portal.write(hs.portal.record('contacts', primary)!, { hs_merged_object_ids: mergedIds(900_000, 200) }, Date.now())
    hs.portal.write(hs.portal.record('contacts', secondary)!, { hs_merged_object_ids: mergedIds(800_000, 49) }, Date.now())
    // 201 + 50 identities: one too many.
    const refused = await hs.post(MERGE, { primaryObjectId: primary, objectIdToMerge: secondary })
    expect(refused.status).toBe(400)
    expect(refused.body).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR', message: expect.stringContaining('250') })
    expect(hs.portal.records('contacts')).toHaveLength(3)
    // 249 + 1 (the third contact was never merged): exactly at the limit, accepted.
    hs.portal.write(hs.portal.record('contacts', primary)!, { hs_merged_object_ids: mergedIds(900_000, 248) }, Date.now())
    const accepted = await hs.post(MERGE, { primaryObjectId: primary, objectIdToMerge: third })
    expect(accepted.status).toBe(200)
    expect(accepted.body.properties.hs_merged_object_ids.split(';')).toHaveLength(250)
  })

  it('refuses the merge fields as writable properties', async () => {
    const hs = hubspot()
    const res = await hs.post('/crm/v3/objects/contacts', { properties: { email: 'x@example.com', hs_additional_emails: 'y@example.com' } })
    expect(res.status).toBe(400)
    expect(JSON.stringify(res.body)).toContain('READ_ONLY_VALUE')
  })
})
