import { describe, expect, it } from 'vitest'
import { hubspot, order, withOrderKey } from '../../standins/hubspot/testing'

/** Each rule of the HubSpot stand-in that mirrors a refusal of the real API, shown with the wrong request. */
const timeRanged = (extra: Record<string, unknown> = {}) => ({
  filterType: 'PROPERTY',
  property: 'createdate',
  operation: {
    operationType: 'TIME_RANGED',
    operator: 'IS_BETWEEN',
    includeObjectsWithNoValueSet: false,
    lowerBoundTimePoint: { timeType: 'INDEXED', timezoneSource: 'CUSTOM', zoneId: 'UTC', indexReference: { referenceType: 'TODAY' }, offset: { days: -7 } },
    upperBoundTimePoint: { timeType: 'INDEXED', timezoneSource: 'CUSTOM', zoneId: 'UTC', indexReference: { referenceType: 'NOW' } },
    ...extra,
  },
})
const dynamicList = (name: string, filter: unknown) => ({
  name,
  objectTypeId: '0-1',
  processingType: 'DYNAMIC',
  filterBranch: {
    filterBranchType: 'OR',
    filterBranchOperator: 'OR',
    filters: [],
    filterBranches: [{ filterBranchType: 'AND', filterBranchOperator: 'AND', filters: [filter], filterBranches: [] }],
  },
})

describe('HubSpot stand-in refuses what HubSpot refuses', () => {
  it('lists: a TIME_RANGED operation without its `type`, or any operation without includeObjectsWithNoValueSet, is a 400', async () => {
    const hs = hubspot()
    const noType = await hs.post('/crm/v3/lists', dynamicList('No type', timeRanged()))
    expect(noType.status).toBe(400)
    expect(noType.body).toMatchObject({ category: 'VALIDATION_ERROR' })
    expect(noType.body.message).toContain('"type": "TIME_RANGED"')
    const { includeObjectsWithNoValueSet: _, ...withoutFlag } = timeRanged({ type: 'TIME_RANGED' }).operation
    const noFlag = await hs.post('/crm/v3/lists', dynamicList('No flag', { ...timeRanged(), operation: withoutFlag }))
    expect(noFlag.status).toBe(400)
    expect(noFlag.body.message).toContain('includeObjectsWithNoValueSet')
    const ok = await hs.post('/crm/v3/lists', dynamicList('Right', timeRanged({ type: 'TIME_RANGED' })))
    expect(ok.status).toBe(200)
  })

  it('lists: a search without offset or additionalProperties is a 400', async () => {
    const hs = hubspot()
    expect((await hs.post('/crm/v3/lists/search', { query: 'x', count: 10 })).status).toBe(400)
    expect((await hs.post('/crm/v3/lists/search', { query: 'x', count: 10, offset: 0 })).status).toBe(400)
    const ok = await hs.post('/crm/v3/lists/search', { query: 'x', count: 10, offset: 0, additionalProperties: [] })
    expect(ok.status).toBe(200)
    expect(ok.body).toMatchObject({ lists: [], hasMore: false })
  })

  it('event definitions: create needs includeDefaultProperties; properties are listed as properties[] only with includeProperties=true', async () => {
    const hs = hubspot({ customEvents: true, portalId: 42 })
    const definition = { label: 'Order placed', name: 'bc_order_placed', propertyDefinitions: [{ name: 'bc_trigger_key', label: 'Key', type: 'string' }] }
    const missing = await hs.post('/events/v3/event-definitions', definition)
    expect(missing.status).toBe(400)
    expect(missing.body.message).toContain('includeDefaultProperties')
    const noLabel = await hs.post('/events/v3/event-definitions', { ...definition, includeDefaultProperties: false, propertyDefinitions: [{ name: 'x' }] })
    expect(noLabel.status).toBe(400)
    expect((await hs.post('/events/v3/event-definitions', { ...definition, includeDefaultProperties: false })).status).toBe(201)
    const plain = await hs.call('GET', '/events/v3/event-definitions')
    expect(plain.body.results[0]).not.toHaveProperty('properties')
    expect(plain.body.results[0]).not.toHaveProperty('propertyDefinitions')
    const full = await hs.call('GET', '/events/v3/event-definitions?includeProperties=true')
    expect(full.body.results[0]).toMatchObject({ fullyQualifiedName: 'pe42_bc_order_placed', properties: [{ name: 'bc_trigger_key', type: 'string' }] })
    expect(full.body.results[0]).not.toHaveProperty('propertyDefinitions')
  })

  it('property creation on line items and products needs e-commerce (403 MISSING_SCOPES naming it); reads do not', async () => {
    const hs = hubspot({ scopes: { eCommerce: false } })
    const property = { name: 'bc_variant_id', label: 'Variant', type: 'string', fieldType: 'text', groupName: 'productinformation' }
    for (const path of ['/crm/v3/properties/products/batch/create', '/crm/v3/properties/line_items/batch/create']) {
      const res = await hs.post(path, { inputs: [property] })
      expect(res.status, path).toBe(403)
      expect(res.body).toMatchObject({ category: 'MISSING_SCOPES' })
      expect(res.body.errors[0].context.requiredGranularScopes).toEqual(['e-commerce'])
    }
    expect((await hs.call('GET', '/crm/v3/properties/products')).status).toBe(200)
    expect((await hs.post('/crm/v3/properties/contacts', { ...property, groupName: 'contactinformation' })).status).toBe(201)
  })

  it('answers the private app token info with the token scopes (without e-commerce when not granted)', async () => {
    const full = hubspot()
    const info = await full.call('POST', '/oauth/v2/private-apps/get/access-token-info', { tokenKey: 'hs-test-token' }, null)
    expect(info.status).toBe(200)
    expect(info.body.scopes).toEqual(expect.arrayContaining(['e-commerce', 'crm.objects.orders.write', 'tickets', 'crm.lists.write']))
    const lacking = hubspot({ scopes: { eCommerce: false, tickets: false } })
    const less = await lacking.call('POST', '/oauth/v2/private-apps/get/access-token-info', { tokenKey: 'hs-test-token' }, null)
    expect(less.body.scopes).not.toContain('e-commerce')
    expect(less.body.scopes).not.toContain('tickets')
    expect((await full.call('POST', '/oauth/v2/private-apps/get/access-token-info', { tokenKey: 'wrong' }, null)).status).toBe(401)
  })

  it('answers a batch upsert in another order than its inputs, each result carrying its objectWriteTraceId', async () => {
    const hs = await withOrderKey()
    const inputs = ['1', '2', '3'].map((id) => ({ ...order(id), objectWriteTraceId: `trace-${id}` }))
    const res = await hs.post('/crm/v3/objects/orders/batch/upsert', { inputs })
    expect(res.status).toBe(200)
    const traces = res.body.results.map((r: { objectWriteTraceId: string }) => r.objectWriteTraceId)
    expect(traces).not.toEqual(['trace-1', 'trace-2', 'trace-3'])
    expect([...traces].sort()).toEqual(['trace-1', 'trace-2', 'trace-3'])
    for (const result of res.body.results as { id: string; objectWriteTraceId: string }[]) {
      expect(hs.portal.record('orders', result.id)!.properties.bc_order_id).toBe(result.objectWriteTraceId.slice('trace-'.length))
    }
  })

  it('a portal whose currency properties are enumerations refuses another currency with INVALID_OPTION', async () => {
    const hs = await withOrderKey({ currencies: ['USD', 'EUR'] })
    const res = await hs.post('/crm/v3/objects/orders/batch/upsert', {
      inputs: [{ ...order('1', { hs_currency_code: 'JPY' }), objectWriteTraceId: '1' }, { ...order('2', { hs_currency_code: 'EUR' }), objectWriteTraceId: '2' }],
    })
    expect(res.status).toBe(207)
    expect(res.body.errors[0]).toMatchObject({ context: { objectWriteTraceId: ['1'] } })
    expect(res.body.errors[0].errors[0]).toMatchObject({ code: 'INVALID_OPTION' })
    expect(hs.portal.findByProperty('orders', 'bc_order_id', '2')!.properties.hs_currency_code).toBe('EUR')
  })
})
