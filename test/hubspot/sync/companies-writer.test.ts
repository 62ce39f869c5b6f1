import { describe, expect } from 'vitest'
import type { HubSpotRecord } from '../../../src/hubspot/records'
import type { SetupResult } from '../../../src/hubspot/setup'
import { harness, it } from '../support'

/** Companies in the HubSpot writer: an optional object, set up when first written, then upserted and associated. */
const contact: HubSpotRecord = { objectType: 'contacts', key: 'ada@acme.example', properties: { email: 'ada@acme.example' } }
const company: HubSpotRecord = {
  objectType: 'companies',
  key: '501',
  properties: { bc_company_id: '501', name: 'Acme', bc_company_status: 'approved', bc_lifetime_value: 12.5 },
  associations: [{ toObjectType: 'contacts', toKey: 'ada@acme.example' }],
}

describe('companies in the HubSpot writer', () => {
  it('sets companies up only once a company record waits, then writes it associated with its contact', async () => {
    const h = harness()
    h.engine.enqueue([contact])
    await h.drain()
    expect(h.store.getValue<SetupResult>('setup')!.available.companies).toBeUndefined()
    expect(h.calls('GET', /\/crm\/v3\/properties\/companies$/)).toHaveLength(0)

    h.engine.enqueue([company])
    await h.drain()
    // Only the new object is set up: the others keep their setup.
    expect(h.calls('GET', /\/crm\/v3\/properties\/companies$/)).toHaveLength(1)
    expect(h.calls('GET', /\/crm\/v3\/properties\/contacts$/)).toHaveLength(1)
    expect(h.portal.property('companies', 'bc_company_id')?.hasUniqueValue).toBe(true)
    const written = h.portal.findByProperty('companies', 'bc_company_id', '501')!
    expect(written.properties).toMatchObject({ name: 'Acme', bc_company_status: 'approved', bc_lifetime_value: '12.5' })
    const person = h.portal.findByProperty('contacts', 'email', 'ada@acme.example')!
    expect(h.portal.associations('companies', written.id, 'contacts').map((a) => a.toObjectId)).toEqual([person.id])
    expect(h.engine.status().queue.companies).toBe(0)
  })

  it('sets companies up when asked (the admin setup with B2B on), before any company is written', async () => {
    const h = harness()
    const result = await h.engine.runSetup(h.engine.setupTypes(['companies']))
    expect(result.created.companies).toEqual(expect.arrayContaining(['bc_company_id', 'bc_company_status', 'bc_lifetime_value']))
    expect(h.engine.setupTypes()).toContain('companies')
  })
})
