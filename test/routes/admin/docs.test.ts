import { describe, expect, it } from 'vitest'
import { TRIGGER_DEFINITIONS } from '../../../src/domain/automation/definitions'
import { ORDER_CHANNELS, TOUCH_CHANNELS, TRIGGERS } from '../../../src/domain/model'
import { OBJECT_PROPERTIES } from '../../../src/hubspot/properties'
import { OBJECT_TYPES } from '../../../src/hubspot/records'
import { ALL_ROUTES } from '../../../src/routes/admin/admin-api'
import { callWorker } from '../../support/worker'
import { adminCall } from '../../support/admin'

describe('OpenAPI document', () => {
  it('describes every route with the role it enforces and its parameters', async () => {
    const response = await adminCall('GET', '/admin/api/openapi.json', { role: 'viewer' })
    expect(response.status).toBe(200)
    const doc = (await response.json()) as { openapi: string; paths: Record<string, Record<string, any>> }
    expect(doc.openapi).toBe('3.1.0')
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`))
    expect(operations.sort()).toEqual(ALL_ROUTES.map((r) => `${r.method} /admin/api${r.path}`).sort())
    for (const route of ALL_ROUTES) {
      const op = doc.paths[`/admin/api${route.path}`]![route.method]
      expect(op['x-required-role']).toBe(route.role)
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['401', '403', String(route.success.status)]))
    }
    const reconciliation = doc.paths['/admin/api/reconciliation']!.get
    expect(reconciliation.parameters.map((p: { name: string }) => p.name)).toEqual(['from', 'to'])
    const replay = doc.paths['/admin/api/dead-letters/{id}/replay']!.post
    expect(replay.parameters).toMatchObject([{ name: 'id', in: 'path', required: true }])
    const backfill = doc.paths['/admin/api/backfill']!.post
    expect(backfill.requestBody.content['application/json'].schema.properties.since.anyOf.map((s: { format: string }) => s.format)).toEqual([
      'date',
      'date-time',
    ])
  })

  it('is browsable as a page rendered on the server, with no external asset', async () => {
    const response = await adminCall('GET', '/admin/api/docs', { role: 'viewer' })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toContain('text/html')
    const html = await response.text()
    for (const route of ALL_ROUTES) expect(html).toContain(`/admin/api${route.path}`)
    expect(html).not.toMatch(/<script|<link[^>]+href="http|src="http/)
  })
})

/** What the test reads of /docs/mapping.json. */
interface MappingDocument {
  hubspot: { objects: { objectType: string; properties: { name: string }[] }[] }
  triggers: { trigger: keyof typeof TRIGGER_DEFINITIONS; rule: string }[]
  channels: { order: { values: string[] }; touch: { values: string[] } }
  settings: Record<string, string>
}

describe('/docs', () => {
  it('mapping.json lists every object, property, trigger and channel the code defines', async () => {
    const response = await callWorker(new Request('https://worker.example.com/docs/mapping.json'))
    expect(response.status).toBe(200)
    const mapping = (await response.json()) as MappingDocument
    expect(mapping.hubspot.objects.map((o) => o.objectType)).toEqual([...OBJECT_TYPES])
    for (const type of OBJECT_TYPES) {
      const listed = mapping.hubspot.objects.find((o) => o.objectType === type)
      expect(listed?.properties.map((p) => p.name)).toEqual(OBJECT_PROPERTIES[type].map((p) => p.name))
    }
    expect(mapping.triggers.map((t) => t.trigger)).toEqual([...TRIGGERS])
    for (const t of mapping.triggers) expect(t.rule).toBe(TRIGGER_DEFINITIONS[t.trigger].rule)
    expect(mapping.channels.order.values).toEqual([...ORDER_CHANNELS])
    expect(mapping.channels.touch.values).toEqual([...TOUCH_CHANNELS])
    expect(mapping.settings.CART_ABANDON_AFTER).toBe('45m')
  })

  it('the page shows the same, publicly', async () => {
    const response = await callWorker(new Request('https://worker.example.com/docs'))
    expect(response.status).toBe(200)
    const html = await response.text()
    for (const name of ['bc_cart_abandoned_at', 'bc_net_revenue', 'bc_line_item_id', 'bc_variant_id', 'hs_cart_url', 'organic_social', 'wholesale',
      'bc_consent_region', 'eu_eea', 'ISO 3166-2', 'hs_shipping_tracking_number', 'hs_shipping_status_url', 'hs_external_order_url',
      'id="lists"', 'BigCommerce · VIP and high value', 'id="outcomes"', 'cart recovery 3–10% of abandoned carts', 'AUDIENCE_TOP_CATEGORIES']) {
      expect(html).toContain(name)
    }
    expect(html).not.toContain('<script')
  })
})
