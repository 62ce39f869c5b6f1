import { describe, expect, it } from 'vitest'
import { hubspot } from '../../standins/hubspot/testing'

const property = (name: string, extra: Record<string, unknown> = {}) => ({
  name, label: name, type: 'string', fieldType: 'text', groupName: 'bigcommerce', ...extra,
})

async function withGroup(options = {}) {
  const hs = hubspot(options)
  const group = await hs.post('/crm/v3/properties/contacts/groups', { name: 'bigcommerce', label: 'BigCommerce' })
  expect(group.status).toBe(201)
  return hs
}

describe('default properties', () => {
  it('lists HubSpot’s defaults for each object, minus what the portal lacks', async () => {
    const hs = hubspot({ missingProperties: { orders: ['hs_fulfillment_status'] } })
    const orders = await hs.call('GET', '/crm/v3/properties/orders')
    const names = orders.body.results.map((p: { name: string }) => p.name)
    expect(names).toEqual(expect.arrayContaining(['hs_order_name', 'hs_total_price', 'hs_external_order_id', 'hs_pipeline']))
    expect(names).not.toContain('hs_fulfillment_status')
    const carts = await hs.call('GET', '/crm/v3/properties/0-142')
    expect(carts.body.results.map((p: { name: string }) => p.name)).toContain('hs_cart_url')
    const email = await hs.call('GET', '/crm/v3/properties/contacts/email')
    expect(email.body).toMatchObject({ name: 'email', type: 'string', fieldType: 'text' })
    const gone = await hs.post('/crm/v3/objects/orders', { properties: { hs_order_name: 'A', hs_fulfillment_status: 'shipped' } })
    expect(gone.body.errors[0].code).toBe('PROPERTY_DOESNT_EXIST')
  })
})

describe('creating properties', () => {
  it('creates a property in an existing group, then answers 409 for the same name', async () => {
    const hs = await withGroup()
    const created = await hs.post('/crm/v3/properties/contacts', property('bc_customer_id', { type: 'number', fieldType: 'number' }))
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ name: 'bc_customer_id', type: 'number', groupName: 'bigcommerce' })
    const again = await hs.post('/crm/v3/properties/contacts', property('bc_customer_id', { type: 'number', fieldType: 'number' }))
    expect(again.status).toBe(409)
    expect(again.body.status).toBe('error')
    const write = await hs.post('/crm/v3/objects/contacts', { properties: { email: 'a@b.co', bc_customer_id: 'seven' } })
    expect(write.body.errors[0].code).toBe('INVALID_FLOAT')
  })

  it('requires groupName, name, label, type and fieldType, and an existing group', async () => {
    const hs = await withGroup()
    const res = await hs.post('/crm/v3/properties/contacts', { name: 'bc_x', label: 'X', type: 'string' })
    expect(res.status).toBe(400)
    expect(res.body.category).toBe('VALIDATION_ERROR')
    expect(res.body.errors.map((e: { context: { field: string[] } }) => e.context.field[0])).toEqual(['fieldType', 'groupName'])
    const noGroup = await hs.post('/crm/v3/properties/contacts', property('bc_x', { groupName: 'nowhere' }))
    expect(noGroup.status).toBe(400)
  })

  it('accepts only HubSpot’s type and fieldType pairs', async () => {
    const hs = await withGroup()
    const cases: [string, string, number][] = [
      ['datetime', 'date', 201],
      ['date', 'date', 201],
      ['bool', 'booleancheckbox', 201],
      ['number', 'text', 400],
      ['string', 'number', 400],
      ['datetime', 'text', 400],
      ['decimal', 'number', 400],
    ]
    for (const [index, [type, fieldType, status]] of cases.entries()) {
      const res = await hs.post('/crm/v3/properties/contacts', property(`bc_p${index}`, { type, fieldType }))
      expect(res.status, `${type}/${fieldType}`).toBe(status)
    }
  })

  it('requires enumeration options and then accepts only their values', async () => {
    const hs = await withGroup()
    const noOptions = await hs.post('/crm/v3/properties/contacts', property('bc_tier', { type: 'enumeration', fieldType: 'select' }))
    expect(noOptions.status).toBe(400)
    const options = [{ label: 'VIP', value: 'vip' }, { label: 'High', value: 'high' }]
    const created = await hs.post('/crm/v3/properties/contacts', property('bc_tier', { type: 'enumeration', fieldType: 'select', options }))
    expect(created.status).toBe(201)
    const ok = await hs.post('/crm/v3/objects/contacts', { properties: { email: 'a@b.co', bc_tier: 'vip' } })
    expect(ok.status).toBe(201)
    const bad = await hs.post('/crm/v3/objects/contacts', { properties: { email: 'c@d.co', bc_tier: 'VIP' } })
    expect(bad.status).toBe(400)
    expect(bad.body.errors[0]).toMatchObject({ code: 'INVALID_OPTION', context: { propertyName: ['bc_tier'] } })
  })

  it('reserves the hs_ prefix and allows at most 10 unique-value properties per object', async () => {
    const hs = await withGroup()
    expect((await hs.post('/crm/v3/properties/contacts', property('hs_mine'))).status).toBe(400)
    for (let i = 0; i < 10; i++) {
      const res = await hs.post('/crm/v3/properties/contacts', property(`bc_key_${i}`, { hasUniqueValue: true }))
      expect(res.status).toBe(201)
    }
    const eleventh = await hs.post('/crm/v3/properties/contacts', property('bc_key_10', { hasUniqueValue: true }))
    expect(eleventh.status).toBe(400)
    expect(eleventh.body.message).toContain('10')
    const unique = await hs.post('/crm/v3/properties/contacts', property('bc_plain', { type: 'bool', fieldType: 'booleancheckbox', hasUniqueValue: true }))
    expect(unique.status).toBe(400)
  })

  it('makes a unique property usable as an upsert idProperty', async () => {
    const hs = hubspot()
    await hs.post('/crm/v3/properties/carts/groups', { name: 'bigcommerce', label: 'BigCommerce' })
    const cartKey = { name: 'bc_cart_id', label: 'Cart', type: 'string', fieldType: 'text', groupName: 'bigcommerce' }
    await hs.post('/crm/v3/properties/carts', cartKey)
    const notUnique = await hs.post('/crm/v3/objects/carts/batch/upsert', { inputs: [{ idProperty: 'bc_cart_id', id: 'c1', properties: {} }] })
    expect(notUnique.status).toBe(400)
    const patch = await hs.call('PATCH', '/crm/v3/properties/carts/bc_cart_id', { hasUniqueValue: true })
    expect(patch.status).toBe(400)
    await hs.post('/crm/v3/properties/carts', { ...cartKey, name: 'bc_cart_key', hasUniqueValue: true })
    const upsert = await hs.post('/crm/v3/objects/carts/batch/upsert', { inputs: [{ idProperty: 'bc_cart_key', id: 'c1', properties: {} }] })
    expect(upsert.status).toBe(200)
  })

  it('creates in batches, reporting an existing property as that input’s error', async () => {
    const hs = await withGroup()
    await hs.post('/crm/v3/properties/contacts', property('bc_a'))
    const res = await hs.post('/crm/v3/properties/contacts/batch/create', { inputs: [property('bc_a'), property('bc_b')] })
    expect(res.status).toBe(207)
    expect(res.body.results.map((p: { name: string }) => p.name)).toEqual(['bc_b'])
    expect(res.body.errors[0]).toMatchObject({ category: 'OBJECT_ALREADY_EXISTS', context: { name: ['bc_a'] } })
  })

  it('updates a custom property’s options with PATCH but not a HubSpot-defined one', async () => {
    const hs = await withGroup()
    const options = [{ label: 'A', value: 'a' }]
    await hs.post('/crm/v3/properties/contacts', property('bc_e', { type: 'enumeration', fieldType: 'radio', options }))
    const patched = await hs.call('PATCH', '/crm/v3/properties/contacts/bc_e', { options: [...options, { label: 'B', value: 'b' }] })
    expect(patched.status).toBe(200)
    expect(hs.portal.property('contacts', 'bc_e')?.options.map((o) => o.value)).toEqual(['a', 'b'])
    expect((await hs.call('PATCH', '/crm/v3/properties/contacts/email', { label: 'Mail' })).status).toBe(400)
    expect((await hs.call('GET', '/crm/v3/properties/contacts/bc_missing')).status).toBe(404)
  })
})

describe('property groups', () => {
  it('lists groups and answers 409 for an existing one', async () => {
    const hs = await withGroup()
    const again = await hs.post('/crm/v3/properties/contacts/groups', { name: 'bigcommerce', label: 'BigCommerce' })
    expect(again.status).toBe(409)
    const groups = await hs.call('GET', '/crm/v3/properties/contacts/groups')
    expect(groups.body.results.map((g: { name: string }) => g.name)).toEqual(['contactinformation', 'bigcommerce'])
  })
})
