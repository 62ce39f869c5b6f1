import { describe, expect, it } from 'vitest'
import { hubspot } from '../../standins/hubspot/testing'

/** Companies (0-2) in the HubSpot stand-in: a unique key of ours, the unlabeled association types, the scope. */
async function withCompanyKey(options: Parameters<typeof hubspot>[0] = {}) {
  const hs = hubspot(options)
  await hs.post('/crm/v3/properties/companies/groups', { name: 'bigcommerce', label: 'BigCommerce' })
  const created = await hs.post('/crm/v3/properties/companies', {
    name: 'bc_company_id', label: 'BigCommerce company id', type: 'string', fieldType: 'text', groupName: 'bigcommerce', hasUniqueValue: true,
  })
  expect(created.status).toBe(201)
  return hs
}

describe('HubSpot stand-in: companies', () => {
  it('upserts companies by a custom unique property, by name or by the object type id 0-2', async () => {
    const hs = await withCompanyKey()
    const first = await hs.post('/crm/v3/objects/companies/batch/upsert', {
      inputs: [{ idProperty: 'bc_company_id', id: '501', properties: { name: 'Acme', city: 'Berlin' } }],
    })
    expect(first.status).toBe(200)
    const again = await hs.post('/crm/v3/objects/0-2/batch/upsert', {
      inputs: [{ idProperty: 'bc_company_id', id: '501', properties: { name: 'Acme GmbH' } }],
    })
    expect(again.body.results[0].id).toBe(first.body.results[0].id)
    expect(hs.portal.records('companies')).toHaveLength(1)
    expect(hs.portal.records('companies')[0]!.properties).toMatchObject({ name: 'Acme GmbH', city: 'Berlin', bc_company_id: '501' })
  })

  it('refuses a company property HubSpot does not have', async () => {
    const hs = await withCompanyKey()
    const res = await hs.post('/crm/v3/objects/companies/batch/upsert', {
      inputs: [{ idProperty: 'bc_company_id', id: '501', properties: { name: 'Acme', bc_lifetime_value: '10' } }],
    })
    expect(res.status).toBe(400)
    expect(JSON.stringify(res.body)).toContain('PROPERTY_DOESNT_EXIST')
  })

  it('associates contacts and orders with companies by their unlabeled default types, and nothing with products', async () => {
    const hs = await withCompanyKey()
    const company = (await hs.post('/crm/v3/objects/companies/batch/upsert', {
      inputs: [{ idProperty: 'bc_company_id', id: '501', properties: { name: 'Acme' } }],
    })).body.results[0].id as string
    const contact = (await hs.post('/crm/v3/objects/contacts/batch/upsert', {
      inputs: [{ idProperty: 'email', id: 'ada@acme.example', properties: {} }],
    })).body.results[0].id as string
    const res = await hs.post('/crm/v4/associations/companies/contacts/batch/associate/default', { inputs: [{ from: { id: company }, to: { id: contact } }] })
    expect(res.status).toBe(200)
    const typeIds = (from: 'companies' | 'contacts', id: string, to: 'companies' | 'contacts') =>
      hs.portal.associations(from, id, to).flatMap((a) => a.associationTypes.map((t) => t.typeId))
    expect(typeIds('companies', company, 'contacts')).toEqual([280])
    expect(typeIds('contacts', contact, 'companies')).toEqual([279])
    // The singular name is accepted in v4 paths, as HubSpot documents for companies.
    const single = await hs.call('PUT', `/crm/v4/objects/contact/${contact}/associations/default/company/${company}`)
    expect(single.status).toBe(200)

    const product = (await hs.post('/crm/v3/objects/products/batch/create', {
      inputs: [{ properties: { name: 'Moss' }, objectWriteTraceId: 'p1' }],
    })).body.results[0].id as string
    const refused = await hs.post('/crm/v4/associations/companies/products/batch/associate/default', {
      inputs: [{ from: { id: company }, to: { id: product } }],
    })
    expect(refused.status).toBe(400)
  })

  it('answers every company call 403 MISSING_SCOPES for a token without the company scopes', async () => {
    const hs = hubspot({ scopes: { companies: false } })
    for (const path of ['/crm/v3/properties/companies', '/crm/v3/properties/0-2/groups']) {
      const res = await hs.call('GET', path)
      expect(res.status, path).toBe(403)
      expect(res.body).toMatchObject({ category: 'MISSING_SCOPES' })
    }
    const upsert = await hs.post('/crm/v3/objects/companies/batch/upsert', { inputs: [] })
    expect(upsert.status).toBe(403)
    const associate = await hs.post('/crm/v4/associations/orders/companies/batch/associate/default', { inputs: [] })
    expect(associate.status).toBe(403)
    expect((await hs.call('GET', '/crm/v3/properties/contacts')).status).toBe(200)
  })
})
