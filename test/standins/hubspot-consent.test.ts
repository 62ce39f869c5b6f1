import { describe, expect, it } from 'vitest'
import { hubspot } from '../../standins/hubspot/testing'

/** The HubSpot stand-in's consent properties, their search and the GDPR delete, refusing what HubSpot refuses. */
const SEARCH = '/crm/v3/objects/contacts/search'
const GDPR = '/crm/v3/objects/contacts/gdpr-delete'

async function contact(hs: ReturnType<typeof hubspot>, email: string): Promise<string> {
  const res = await hs.post('/crm/v3/objects/contacts/batch/upsert', { inputs: [{ idProperty: 'email', id: email, properties: {} }] })
  expect(res.status).toBe(200)
  return res.body.results[0].id
}

describe('opt-out properties', () => {
  it('has hs_email_optout and one hs_email_optout_<id> per subscription type, read-only', async () => {
    const hs = hubspot({ subscriptionTypes: [{ id: '777', name: 'Newsletter' }] })
    const all = await hs.call('GET', '/crm/v3/properties/contacts/hs_email_optout')
    expect(all.body).toMatchObject({ type: 'bool', fieldType: 'booleancheckbox', modificationMetadata: { readOnlyValue: true } })
    const typed = await hs.call('GET', '/crm/v3/properties/contacts/hs_email_optout_777')
    expect(typed.body).toMatchObject({ label: 'Opted out of email: Newsletter', modificationMetadata: { readOnlyValue: true } })
    expect((await hs.call('GET', '/crm/v3/properties/contacts/hs_email_optout_999')).status).toBe(404)
  })

  it('refuses a write of an opt-out through the CRM API: only the preferences page sets it', async () => {
    const hs = hubspot()
    await contact(hs, 'ada@example.com')
    const res = await hs.post('/crm/v3/objects/contacts/batch/upsert', {
      inputs: [{ idProperty: 'email', id: 'ada@example.com', properties: { hs_email_optout: 'true' } }],
    })
    expect(res.status).toBe(400)
    expect(JSON.stringify(res.body)).toContain('READ_ONLY_VALUE')
    expect(hs.portal.findByProperty('contacts', 'email', 'ada@example.com')!.properties.hs_email_optout).toBeUndefined()
  })

  it('finds unsubscribed contacts by search, filtered by lastmodifieddate in epoch milliseconds, with history on batch read', async () => {
    const hs = hubspot()
    const ada = await contact(hs, 'ada@example.com')
    await contact(hs, 'bob@example.com')
    hs.advance(60_000)
    const at = hs.now()
    hs.portal.unsubscribe('ada@example.com', 'all', at)
    const body = (since: number) => ({
      filterGroups: [{ filters: [
        { propertyName: 'hs_email_optout', operator: 'EQ', value: 'true' },
        { propertyName: 'lastmodifieddate', operator: 'GTE', value: String(since) },
      ] }],
      sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }],
      properties: ['email', 'hs_email_optout'],
      limit: 200,
    })
    const found = await hs.post(SEARCH, body(at - 1000))
    expect(found.status).toBe(200)
    expect(found.body.results.map((r: { id: string }) => r.id)).toEqual([ada])
    expect((await hs.post(SEARCH, body(at + 1000))).body.results).toEqual([])

    const read = await hs.post('/crm/v3/objects/contacts/batch/read', {
      properties: ['hs_email_optout'], propertiesWithHistory: ['hs_email_optout'], inputs: [{ id: ada }],
    })
    expect(read.body.results[0].propertiesWithHistory.hs_email_optout[0]).toMatchObject({ value: 'true', timestamp: new Date(at).toISOString() })
  })

  it('keeps the search limits: 5 filter groups, 200 a page, 10,000 a query', async () => {
    const hs = hubspot()
    const group = { filters: [{ propertyName: 'hs_email_optout', operator: 'EQ', value: 'true' }] }
    expect((await hs.post(SEARCH, { filterGroups: Array(6).fill(group) })).status).toBe(400)
    expect((await hs.post(SEARCH, { filterGroups: [group], limit: 201 })).status).toBe(400)
    expect((await hs.post(SEARCH, { filterGroups: [group], limit: 200, after: '9900' })).status).toBe(400)
  })
})

describe('GDPR delete', () => {
  it('deletes a contact by id for good, with its associations, and blocklists its email: 204, no body', async () => {
    const hs = hubspot()
    const id = await contact(hs, 'ada@example.com')
    const order = hs.portal.insert('orders', { hs_order_name: 'Order #1' }, hs.now())
    hs.portal.associateDefault('orders', order.id, 'contacts', id)
    const res = await hs.post(GDPR, { objectId: id })
    expect(res.status).toBe(204)
    expect(res.body).toBeNull()
    expect(hs.portal.record('contacts', id)).toBeUndefined()
    expect(hs.portal.findByProperty('contacts', 'email', 'ada@example.com')).toBeUndefined()
    expect(hs.portal.associations('orders', order.id)).toEqual([])
    expect(hs.portal.gdprBlocklist.has('ada@example.com')).toBe(true)
    // The API may add the email again (HubSpot's blocklist stops its UI and imports): a new relationship.
    const again = await hs.post('/crm/v3/objects/contacts/batch/upsert', { inputs: [{ idProperty: 'email', id: 'ada@example.com', properties: {} }] })
    expect(again.status).toBe(200)
  })

  it('by email: deletes the contact, and blocklists an email it does not know', async () => {
    const hs = hubspot()
    await contact(hs, 'ada@example.com')
    expect((await hs.post(GDPR, { objectId: 'ADA@example.com', idProperty: 'email' })).status).toBe(204)
    expect(hs.portal.findByProperty('contacts', 'email', 'ada@example.com')).toBeUndefined()
    expect((await hs.post(GDPR, { objectId: 'nobody@example.com', idProperty: 'email' })).status).toBe(204)
    expect(hs.portal.gdprBlocklist.has('nobody@example.com')).toBe(true)
  })

  it('refuses what HubSpot refuses: no objectId, a non-unique idProperty, an unknown id', async () => {
    const hs = hubspot()
    await contact(hs, 'ada@example.com')
    const missing = await hs.post(GDPR, { idProperty: 'email' })
    expect(missing.status).toBe(400)
    expect(missing.body.category).toBe('VALIDATION_ERROR')
    expect((await hs.post(GDPR, { objectId: 'Ada', idProperty: 'firstname' })).status).toBe(400)
    const unknown = await hs.post(GDPR, { objectId: '999999' })
    expect(unknown.status).toBe(404)
    expect(unknown.body.category).toBe('OBJECT_NOT_FOUND')
    expect(hs.portal.findByProperty('contacts', 'email', 'ada@example.com')).toBeDefined()
  })
})
