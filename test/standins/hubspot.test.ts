import { describe, expect, it } from 'vitest'
import { hubspot, order, withOrderKey } from '../../standins/hubspot/testing'

const UPSERT_ORDERS = '/crm/v3/objects/orders/batch/upsert'
const UPSERT_CONTACTS = '/crm/v3/objects/contacts/batch/upsert'

function expectHubSpotError(body: Record<string, unknown>, category: string) {
  expect(body).toMatchObject({ status: 'error', category })
  expect(typeof body.message).toBe('string')
  expect(typeof body.correlationId).toBe('string')
}

describe('authentication and routing', () => {
  it('refuses a missing or wrong bearer token with 401', async () => {
    const hs = hubspot()
    const missing = await hs.call('GET', '/crm/v3/properties/contacts', undefined, null)
    expect(missing.status).toBe(401)
    expectHubSpotError(missing.body, 'INVALID_AUTHENTICATION')
    const wrong = await hs.call('GET', '/crm/v3/properties/contacts', undefined, 'not-the-token')
    expect(wrong.status).toBe(401)
    expectHubSpotError(wrong.body, 'INVALID_AUTHENTICATION')
    expect((await hs.call('GET', '/crm/v3/properties/contacts')).status).toBe(200)
  })

  it('answers 404 for an unknown object type and accepts object type ids', async () => {
    const hs = hubspot()
    const unknown = await hs.post('/crm/v3/objects/deals_of_doom/batch/upsert', { inputs: [] })
    expect(unknown.status).toBe(404)
    expectHubSpotError(unknown.body, 'OBJECT_NOT_FOUND')
    const byId = await hs.post('/crm/v3/objects/0-1/batch/upsert', {
      inputs: [{ idProperty: 'email', id: 'ada@example.com', properties: {} }],
    })
    expect(byId.status).toBe(200)
    expect(hs.portal.records('contacts')).toHaveLength(1)
  })

  it('fails a body that is not JSON with 400', async () => {
    const hs = hubspot()
    const res = await hs.post(UPSERT_CONTACTS, '{"inputs": [')
    expect(res.status).toBe(400)
    expectHubSpotError(res.body, 'VALIDATION_ERROR')
  })
})

describe('batch upsert', () => {
  it('creates a contact, then updates the same record matched by email in any case', async () => {
    const hs = hubspot()
    const first = await hs.post(UPSERT_CONTACTS, {
      inputs: [{ idProperty: 'email', id: 'Ada@Example.com', properties: { firstname: 'Ada' } }],
    })
    expect(first.status).toBe(200)
    expect(first.body.results[0]).toMatchObject({ new: true, properties: { email: 'ada@example.com', firstname: 'Ada' } })
    hs.advance(60_000)
    const second = await hs.post(UPSERT_CONTACTS, {
      inputs: [{ idProperty: 'email', id: 'ada@example.com', properties: { lastname: 'Lovelace' } }],
    })
    expect(second.status).toBe(200)
    expect(second.body.results[0].new).toBe(false)
    expect(second.body.results[0].id).toBe(first.body.results[0].id)
    const [contact] = hs.portal.records('contacts')
    expect(hs.portal.records('contacts')).toHaveLength(1)
    expect(contact!.properties).toMatchObject({ firstname: 'Ada', lastname: 'Lovelace' })
    expect(contact!.updatedAt - contact!.createdAt).toBe(60_000)
  })

  it('upserts orders by a unique custom property and stores the key', async () => {
    const hs = await withOrderKey()
    const created = await hs.post(UPSERT_ORDERS, { inputs: [order('100', { hs_total_price: '12.50' })] })
    expect(created.body.results[0]).toMatchObject({ new: true, properties: { bc_order_id: '100', hs_total_price: '12.5' } })
    const updated = await hs.post(UPSERT_ORDERS, { inputs: [order('100', { bc_status: 'shipped' })] })
    expect(updated.body.results[0].new).toBe(false)
    expect(hs.portal.findByProperty('orders', 'bc_order_id', '100')?.properties.bc_status).toBe('shipped')
    expect(hs.portal.records('orders')).toHaveLength(1)
  })

  it('answers 207 when some inputs are refused, writing only the others', async () => {
    const hs = await withOrderKey()
    const res = await hs.post(UPSERT_ORDERS, {
      inputs: [order('1'), order('2', { bc_status: 'lost_in_space' }), order('3', { hs_tax: 'three' })],
    })
    expect(res.status).toBe(207)
    expect(res.body.results.map((r: { properties: { bc_order_id: string } }) => r.properties.bc_order_id)).toEqual(['1'])
    expect(res.body.numErrors).toBe(2)
    expect(res.body.errors[0]).toMatchObject({
      status: 'error',
      category: 'VALIDATION_ERROR',
      context: { ids: ['2'] },
      errors: [{ code: 'INVALID_OPTION', context: { propertyName: ['bc_status'] } }],
    })
    expect(res.body.errors[1]).toMatchObject({ context: { ids: ['3'] }, errors: [{ code: 'INVALID_FLOAT' }] })
    expect(hs.portal.records('orders').map((o) => o.properties.bc_order_id)).toEqual(['1'])
  })

  it('fails the whole batch when every input is refused', async () => {
    const hs = await withOrderKey()
    const res = await hs.post(UPSERT_ORDERS, { inputs: [order('1', { nope: 'x' })] })
    expect(res.status).toBe(400)
    expectHubSpotError(res.body, 'VALIDATION_ERROR')
    expect(res.body.errors).toEqual([
      { message: 'Property "nope" does not exist', code: 'PROPERTY_DOESNT_EXIST', context: { propertyName: ['nope'] } },
    ])
    expect(res.body.message).toMatch(/^Property values were not valid: /)
  })

  it('fails a contact upsert by email whole when any input is refused (no partial upserts by email)', async () => {
    const hs = hubspot()
    const res = await hs.post(UPSERT_CONTACTS, {
      inputs: [
        { idProperty: 'email', id: 'ok@example.com', properties: { firstname: 'Ok' } },
        { idProperty: 'email', id: 'bad@example.com', properties: { lifecyclestage: 'royalty' } },
      ],
    })
    expect(res.status).toBe(400)
    expect(res.body.errors[0].code).toBe('INVALID_OPTION')
    expect(hs.portal.records('contacts')).toHaveLength(0)
  })

  it('requires hs_order_name when an upsert creates an order', async () => {
    const hs = await withOrderKey()
    const res = await hs.post(UPSERT_ORDERS, { inputs: [{ idProperty: 'bc_order_id', id: '9', properties: { hs_tax: '1' } }] })
    expect(res.status).toBe(400)
    expect(res.body.errors[0]).toMatchObject({ code: 'REQUIRED_PROPERTY', context: { propertyName: ['hs_order_name'] } })
  })

  it('refuses more than 100 inputs, duplicate ids and a non-unique idProperty as a whole', async () => {
    const hs = await withOrderKey()
    const many = Array.from({ length: 101 }, (_, i) => order(String(i)))
    const tooMany = await hs.post(UPSERT_ORDERS, { inputs: many })
    expect(tooMany.status).toBe(400)
    expectHubSpotError(tooMany.body, 'VALIDATION_ERROR')
    const twice = await hs.post(UPSERT_ORDERS, { inputs: [order('7'), order('7', { hs_tax: '1' })] })
    expect(twice.status).toBe(400)
    expect(twice.body.message).toContain('Duplicate IDs')
    const sameEmail = await hs.post(UPSERT_CONTACTS, {
      inputs: [{ idProperty: 'email', id: 'A@x.io', properties: {} }, { idProperty: 'email', id: 'a@x.io', properties: {} }],
    })
    expect(sameEmail.status).toBe(400)
    const byName = await hs.post(UPSERT_ORDERS, { inputs: [{ idProperty: 'hs_order_name', id: 'Order #1', properties: {} }] })
    expect(byName.status).toBe(400)
    expect(byName.body.message).toContain('non-unique')
    expect(hs.portal.records('orders')).toHaveLength(0)
  })
})

describe('property values', () => {
  async function writeOrder(properties: Record<string, unknown>) {
    const hs = await withOrderKey()
    const res = await hs.post(UPSERT_ORDERS, { inputs: [order('1', properties)] })
    return { res, stored: hs.portal.findByProperty('orders', 'bc_order_id', '1') }
  }

  it('takes a date property only at midnight UTC, as ISO or epoch milliseconds', async () => {
    const hs = await withOrderKey()
    await hs.post('/crm/v3/properties/orders', {
      name: 'bc_first_seen', label: 'First seen', type: 'date', fieldType: 'date', groupName: 'bigcommerce',
    })
    const ok = await hs.post(UPSERT_ORDERS, {
      inputs: [order('1', { bc_first_seen: '2026-03-04' }), order('2', { bc_first_seen: Date.UTC(2026, 2, 5) })],
    })
    expect(ok.status).toBe(200)
    // Results come back in no promised order (the stand-in reverses them): compare as a set.
    expect(ok.body.results.map((r: { properties: Record<string, string> }) => r.properties.bc_first_seen).sort()).toEqual([
      '2026-03-04',
      '2026-03-05',
    ])
    for (const value of ['2026-03-04T10:15:00Z', String(Date.UTC(2026, 2, 5, 1)), 'yesterday']) {
      const res = await hs.post(UPSERT_ORDERS, { inputs: [order('3', { bc_first_seen: value })] })
      expect(res.status, value).toBe(400)
      expect(res.body.errors[0].code, value).toBe('INVALID_DATE')
    }
  })

  it('parses datetimes and refuses what is not one', async () => {
    const ok = await writeOrder({ hs_external_created_date: '2026-03-04T10:15:00+02:00' })
    expect(ok.stored?.properties.hs_external_created_date).toBe('2026-03-04T08:15:00.000Z')
    const bad = await writeOrder({ hs_external_created_date: '04/03/2026 10:15' })
    expect(bad.res.status).toBe(400)
    expect(bad.res.body.errors[0].code).toBe('INVALID_DATETIME')
  })

  it('refuses read-only properties, invalid emails and negative line item prices', async () => {
    const readOnly = await writeOrder({ hs_object_id: '5' })
    expect(readOnly.res.body.errors[0].code).toBe('READ_ONLY_VALUE')
    const hs = hubspot()
    const email = await hs.post('/crm/v3/objects/contacts', { properties: { email: 'not an email' } })
    expect(email.status).toBe(400)
    expect(email.body.errors[0].code).toBe('INVALID_EMAIL')
    const price = await hs.post('/crm/v3/objects/line_items', { properties: { name: 'Mug', price: '-1' } })
    expect(price.status).toBe(400)
  })

  it('clears a property set to an empty string', async () => {
    const hs = await withOrderKey()
    await hs.post(UPSERT_ORDERS, { inputs: [order('1', { hs_tax: '2' })] })
    await hs.post(UPSERT_ORDERS, { inputs: [order('1', { hs_tax: '' })] })
    expect(hs.portal.findByProperty('orders', 'bc_order_id', '1')?.properties).not.toHaveProperty('hs_tax')
  })
})

describe('create, read, update', () => {
  it('answers 409 with the existing id for a duplicate contact email', async () => {
    const hs = hubspot()
    const first = await hs.post('/crm/v3/objects/contacts', { properties: { email: 'ada@example.com' } })
    expect(first.status).toBe(201)
    const again = await hs.post('/crm/v3/objects/contacts', { properties: { email: 'ADA@example.com' } })
    expect(again.status).toBe(409)
    expectHubSpotError(again.body, 'CONFLICT')
    expect(again.body.message).toBe(`Contact already exists. Existing ID: ${first.body.id}`)
  })

  it('refuses a duplicate unique value on create', async () => {
    const hs = await withOrderKey()
    await hs.post('/crm/v3/objects/orders', { properties: { hs_order_name: 'A', bc_order_id: '1' } })
    const res = await hs.post('/crm/v3/objects/orders', { properties: { hs_order_name: 'B', bc_order_id: '1' } })
    expect(res.status).toBe(400)
    expect(res.body.errors[0].code).toBe('CONFLICTING_UNIQUE_VALUE')
    expect(hs.portal.records('orders')).toHaveLength(1)
  })

  it('fails batch/create whole unless every input has an objectWriteTraceId, then answers 207', async () => {
    const hs = await withOrderKey()
    const inputs = [{ properties: { hs_order_name: 'A' } }, { properties: { hs_order_name: 'B', hs_tax: 'x' } }]
    const whole = await hs.post('/crm/v3/objects/orders/batch/create', { inputs })
    expect(whole.status).toBe(400)
    expect(hs.portal.records('orders')).toHaveLength(0)
    const traced = inputs.map((input, i) => ({ ...input, objectWriteTraceId: `t${i}` }))
    const partial = await hs.post('/crm/v3/objects/orders/batch/create', { inputs: traced })
    expect(partial.status).toBe(207)
    expect(partial.body.results).toHaveLength(1)
    expect(partial.body.errors[0].context).toEqual({ objectWriteTraceId: ['t1'] })
    const clean = await hs.post('/crm/v3/objects/orders/batch/create', { inputs: [{ properties: { hs_order_name: 'C' } }] })
    expect(clean.status).toBe(201)
  })

  it('reads and patches a record by a unique idProperty', async () => {
    const hs = await withOrderKey()
    await hs.post(UPSERT_ORDERS, { inputs: [order('42', { hs_tax: '1' })] })
    const read = await hs.call('GET', '/crm/v3/objects/orders/42?idProperty=bc_order_id&properties=hs_tax,hs_shipping_cost')
    expect(read.status).toBe(200)
    expect(read.body.properties).toMatchObject({ hs_tax: '1', hs_shipping_cost: null })
    const patched = await hs.call('PATCH', '/crm/v3/objects/orders/42?idProperty=bc_order_id', { properties: { hs_tax: '2' } })
    expect(patched.status).toBe(200)
    expect(hs.portal.record('orders', read.body.id)?.properties.hs_tax).toBe('2')
    const missing = await hs.call('GET', '/crm/v3/objects/orders/43?idProperty=bc_order_id')
    expect(missing.status).toBe(404)
    expectHubSpotError(missing.body, 'OBJECT_NOT_FOUND')
  })

  it('batch-reads by idProperty, reporting missing ids in a 207', async () => {
    const hs = await withOrderKey()
    await hs.post(UPSERT_ORDERS, { inputs: [order('1')] })
    const res = await hs.post('/crm/v3/objects/orders/batch/read', {
      idProperty: 'bc_order_id', properties: ['hs_order_name'], inputs: [{ id: '1' }, { id: '2' }],
    })
    expect(res.status).toBe(207)
    expect(res.body.results[0].properties.hs_order_name).toBe('Order #1')
    expect(res.body.errors[0]).toMatchObject({ category: 'OBJECT_NOT_FOUND', context: { ids: ['2'] } })
  })

  it('batch-updates by record id and reports an unknown id as that input’s error', async () => {
    const hs = await withOrderKey()
    const created = await hs.post(UPSERT_ORDERS, { inputs: [order('1')] })
    const id = created.body.results[0].id
    const res = await hs.post('/crm/v3/objects/orders/batch/update', {
      inputs: [{ id, properties: { hs_tax: '3' } }, { id: '999999', properties: { hs_tax: '3' } }],
    })
    expect(res.status).toBe(207)
    expect(res.body.errors[0]).toMatchObject({ category: 'OBJECT_NOT_FOUND', context: { ids: ['999999'] } })
    expect(hs.portal.record('orders', id)?.properties.hs_tax).toBe('3')
  })

  it('refuses a contact batch update by email, which HubSpot takes only for upserts', async () => {
    const hs = hubspot()
    await hs.post('/crm/v3/objects/contacts', { properties: { email: 'ada@example.com' } })
    const res = await hs.post('/crm/v3/objects/contacts/batch/update', {
      inputs: [{ idProperty: 'email', id: 'ada@example.com', properties: { firstname: 'Ada' } }],
    })
    expect(res.status).toBe(400)
    expect(res.body.message).toBe('Unable to perform update/upsert by non-unique 0-1 property email')
    expect(hs.portal.records('contacts')[0]?.properties.firstname).toBeUndefined()
  })
})

describe('search', () => {
  it('finds by EQ and has its own 5 per second limit without rate-limit headers', async () => {
    const hs = hubspot()
    await hs.post('/crm/v3/objects/contacts', { properties: { email: 'ada@example.com', firstname: 'Ada' } })
    const body = { filterGroups: [{ filters: [{ propertyName: 'email', operator: 'EQ', value: 'ADA@example.com' }] }] }
    const found = await hs.post('/crm/v3/objects/contacts/search', body)
    expect(found.status).toBe(200)
    expect(found.body.total).toBe(1)
    expect(found.body.results[0].properties.firstname).toBe('Ada')
    expect(found.headers.get('X-HubSpot-RateLimit-Remaining')).toBeNull()
    for (let i = 0; i < 4; i++) expect((await hs.post('/crm/v3/objects/contacts/search', body)).status).toBe(200)
    const limited = await hs.post('/crm/v3/objects/contacts/search', body)
    expect(limited.status).toBe(429)
    expect(limited.body).toMatchObject({ errorType: 'RATE_LIMIT', message: 'You have reached your secondly limit.' })
    hs.advance(1_000)
    expect((await hs.post('/crm/v3/objects/contacts/search', body)).status).toBe(200)
  })
})

describe('rate limits', () => {
  it('enforces a rolling window with HubSpot headers and recovers as requests age out', async () => {
    const hs = hubspot({ rateLimit: { max: 3, intervalMs: 10_000 } })
    const first = await hs.call('GET', '/crm/v3/properties/contacts')
    expect(first.headers.get('X-HubSpot-RateLimit-Max')).toBe('3')
    expect(first.headers.get('X-HubSpot-RateLimit-Interval-Milliseconds')).toBe('10000')
    expect(first.headers.get('X-HubSpot-RateLimit-Remaining')).toBe('2')
    expect(first.headers.get('X-HubSpot-RateLimit-Daily')).toBe('250000')
    expect(first.headers.get('X-HubSpot-RateLimit-Daily-Remaining')).toBe('249999')
    hs.advance(6_000)
    await hs.call('GET', '/crm/v3/properties/contacts')
    const third = await hs.call('GET', '/crm/v3/properties/contacts')
    expect(third.headers.get('X-HubSpot-RateLimit-Remaining')).toBe('0')
    const limited = await hs.call('GET', '/crm/v3/properties/contacts')
    expect(limited.status).toBe(429)
    expect(limited.body).toMatchObject({
      status: 'error',
      message: 'You have reached your ten_secondly_rolling limit.',
      errorType: 'RATE_LIMIT',
      policyName: 'TEN_SECONDLY_ROLLING',
    })
    expect(typeof limited.body.correlationId).toBe('string')
    // At 10 s the first request leaves the window (a fixed window would free all three).
    hs.advance(4_000)
    const recovered = await hs.call('GET', '/crm/v3/properties/contacts')
    expect(recovered.status).toBe(200)
    expect(recovered.headers.get('X-HubSpot-RateLimit-Remaining')).toBe('0')
    expect((await hs.call('GET', '/crm/v3/properties/contacts')).status).toBe(429)
  })

  it('stops at the daily limit with policy DAILY until the next day', async () => {
    const hs = hubspot({ dailyLimit: 2 })
    await hs.call('GET', '/crm/v3/properties/contacts')
    await hs.call('GET', '/crm/v3/properties/contacts')
    hs.advance(60_000)
    const limited = await hs.call('GET', '/crm/v3/properties/contacts')
    expect(limited.status).toBe(429)
    expect(limited.body.policyName).toBe('DAILY')
    hs.advance(86_400_000)
    expect((await hs.call('GET', '/crm/v3/properties/contacts')).status).toBe(200)
  })

  it('puts rate-limit headers on refused requests too, and setRateLimit changes the budget', async () => {
    const hs = hubspot()
    hs.standin.setRateLimit(1, 1_000)
    const refused = await hs.post(UPSERT_CONTACTS, { inputs: [{ idProperty: 'email', id: 'x', properties: {} }] })
    expect(refused.status).toBe(400)
    expect(refused.headers.get('X-HubSpot-RateLimit-Max')).toBe('1')
    expect((await hs.call('GET', '/crm/v3/properties/contacts')).status).toBe(429)
  })
})

describe('associations', () => {
  async function orderAndContact() {
    const hs = await withOrderKey()
    const contact = await hs.post('/crm/v3/objects/contacts', { properties: { email: 'ada@example.com' } })
    const created = await hs.post(UPSERT_ORDERS, { inputs: [order('1')] })
    return { hs, contactId: contact.body.id as string, orderId: created.body.results[0].id as string }
  }

  it('stores default associations in both directions with HubSpot’s type ids and reads them back', async () => {
    const { hs, contactId, orderId } = await orderAndContact()
    const res = await hs.post('/crm/v4/associations/orders/contacts/batch/associate/default', {
      inputs: [{ from: { id: orderId }, to: { id: contactId } }],
    })
    expect(res.status).toBe(200)
    expect(res.body.results[0].associationSpec).toEqual({ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 507 })
    expect(hs.portal.associations('contacts', contactId, 'orders')).toEqual([
      { toObjectType: 'orders', toObjectId: orderId, associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 508, label: null }] },
    ])
    const read = await hs.post('/crm/v4/associations/contacts/orders/batch/read', { inputs: [{ id: contactId }, { id: '5' }] })
    expect(read.status).toBe(207)
    expect(read.body.results[0]).toEqual({
      from: { id: contactId },
      to: [{ toObjectId: Number(orderId), associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 508, label: null }] }],
    })
  })

  it('reports unknown record ids as errors inside a 200 (as HubSpot documents it) and refuses more than 2000 inputs', async () => {
    const { hs, contactId, orderId } = await orderAndContact()
    const res = await hs.post('/crm/v4/associations/0-123/0-1/batch/associate/default', {
      inputs: [{ from: { id: orderId }, to: { id: contactId } }, { from: { id: orderId }, to: { id: '424242' } }],
    })
    expect(res.status).toBe(200)
    expect(res.body.numErrors).toBe(1)
    expect(res.body.errors[0]).toMatchObject({ category: 'OBJECT_NOT_FOUND', context: { toId: ['424242'] } })
    const inputs = Array.from({ length: 2001 }, () => ({ from: { id: orderId }, to: { id: contactId } }))
    const tooMany = await hs.post('/crm/v4/associations/orders/contacts/batch/associate/default', { inputs })
    expect(tooMany.status).toBe(400)
  })

  it('associates one pair with PUT, and has no association between line items and products', async () => {
    const { hs, orderId } = await orderAndContact()
    const item = await hs.post('/crm/v3/objects/line_items', { properties: { name: 'Mug', quantity: '2' } })
    const put = await hs.call('PUT', `/crm/v4/objects/line_items/${item.body.id}/associations/default/orders/${orderId}`)
    expect(put.status).toBe(200)
    expect(hs.portal.associations('orders', orderId, 'line_items')[0]?.associationTypes[0]?.typeId).toBe(513)
    const product = await hs.post('/crm/v3/objects/products', { properties: { name: 'Mug' } })
    const refused = await hs.call('PUT', `/crm/v4/objects/line_items/${item.body.id}/associations/default/products/${product.body.id}`)
    expect(refused.status).toBe(400)
    expect(refused.body.message).toContain('hs_product_id')
  })
})

describe('faults and the request log', () => {
  it('fails matching requests the given number of times, then serves them', async () => {
    const hs = hubspot()
    hs.standin.faults.fail({ method: 'POST', path: /batch\/upsert$/ }, { status: 502 }, 2)
    const body = { inputs: [{ idProperty: 'email', id: 'ada@example.com', properties: {} }] }
    expect((await hs.post(UPSERT_CONTACTS, body)).status).toBe(502)
    expect((await hs.post(UPSERT_CONTACTS, body)).status).toBe(502)
    expect((await hs.post(UPSERT_CONTACTS, body)).status).toBe(200)
    hs.standin.faults.fail({ path: UPSERT_CONTACTS }, { status: 423, headers: { 'Retry-After': '2' } })
    const locked = await hs.post(UPSERT_CONTACTS, body)
    expect(locked.status).toBe(423)
    expect(locked.headers.get('Retry-After')).toBe('2')
    expect(hs.standin.requests.map((r) => r.status)).toEqual([502, 502, 200, 423])
    expect(hs.standin.requests[2]).toMatchObject({ method: 'POST', path: UPSERT_CONTACTS, inputs: 1, at: hs.now() })
  })

  it('answers in HubSpot error shape unless the fault names a body', async () => {
    const hs = hubspot()
    hs.standin.faults.fail({ path: UPSERT_CONTACTS }, { status: 502 })
    hs.standin.faults.fail({ path: UPSERT_CONTACTS }, { status: 429 })
    hs.standin.faults.fail({ path: UPSERT_CONTACTS }, { status: 500, body: 'upstream down' })
    const failed = await hs.post(UPSERT_CONTACTS, { inputs: [] })
    expectHubSpotError(failed.body, 'INTERNAL_ERROR')
    expect(failed.headers.get('content-type')).toBe('application/json;charset=utf-8')
    const limited = await hs.post(UPSERT_CONTACTS, { inputs: [] })
    expect(limited.status).toBe(429)
    expect(limited.body).toMatchObject({ status: 'error', errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING' })
    const custom = await hs.standin.fetch(new Request(`http://hubspot.standin${UPSERT_CONTACTS}`, {
      method: 'POST', headers: { authorization: 'Bearer hs-test-token' }, body: '{"inputs":[]}',
    }))
    expect(custom.status).toBe(500)
    expect(await custom.text()).toBe('upstream down')
  })

  it('answers late with delayMs, so a client timeout fires', async () => {
    const hs = hubspot()
    hs.standin.faults.fail({ path: /./ }, { status: 504, delayMs: 5_000 })
    const request = new Request('http://hubspot.standin/crm/v3/properties/contacts', {
      headers: { authorization: 'Bearer hs-test-token' },
      signal: AbortSignal.timeout(20),
    })
    await expect(hs.standin.fetch(request)).rejects.toThrow()
  })
})

describe('custom events', () => {
  it('answers 403 on a portal without the Enterprise feature', async () => {
    const hs = hubspot()
    const res = await hs.post('/events/v3/send', { eventName: 'pe12345678_bc_cart_abandoned', email: 'a@b.co' })
    expect(res.status).toBe(403)
  })

  it('records an occurrence of a defined event for an existing contact only', async () => {
    const hs = hubspot({ customEvents: true, portalId: 777 })
    const defined = await hs.post('/events/v3/event-definitions', {
      label: 'Cart abandoned', name: 'bc_cart_abandoned', includeDefaultProperties: false,
      propertyDefinitions: [{ name: 'cart_url', label: 'Cart URL', type: 'string' }],
    })
    expect(defined.body.fullyQualifiedName).toBe('pe777_bc_cart_abandoned')
    const event = { eventName: 'pe777_bc_cart_abandoned', email: 'ada@example.com', occurredAt: '2026-11-02T09:00:00Z', properties: { cart_url: 'https://shop/cart/1' } }
    const noContact = await hs.post('/events/v3/send', event)
    expect(noContact.status).toBe(400)
    await hs.post('/crm/v3/objects/contacts', { properties: { email: 'ada@example.com' } })
    const sent = await hs.post('/events/v3/send', event)
    expect(sent.status).toBe(204)
    expect(hs.portal.customEvents).toMatchObject([
      { eventName: 'pe777_bc_cart_abandoned', objectType: 'contacts', occurredAt: '2026-11-02T09:00:00.000Z', properties: { cart_url: 'https://shop/cart/1' } },
    ])
  })
})

describe('the read-only view', () => {
  it('shows records with their associations without authentication or rate limiting', async () => {
    const hs = hubspot({ rateLimit: { max: 1, intervalMs: 10_000 } })
    await hs.post('/crm/v3/objects/contacts', { properties: { email: 'ada@example.com' } })
    const json = await hs.call('GET', '/_standin/records/contacts?format=json', undefined, null)
    expect(json.status).toBe(200)
    expect(json.body.results).toMatchObject([{ properties: { email: 'ada@example.com' }, associations: [] }])
    const page = await hs.standin.fetch(new Request('http://hubspot.standin/_standin/records/contacts'))
    expect(page.headers.get('content-type')).toContain('text/html')
    expect(await page.text()).toContain('ada@example.com')
    expect(hs.standin.requests).toHaveLength(1)
  })
})
