import { describe, expect } from 'vitest'
import { customProperties, OBJECT_PROPERTIES } from '../../src/hubspot/properties'
import { OBJECT_TYPES } from '../../src/hubspot/records'
import { setupPortal } from '../../src/hubspot/setup'
import { harness, it, START } from './support'

const creates = (h: ReturnType<typeof harness>) =>
  h.standin.requests.filter((r) => r.method === 'POST' && /\/crm\/v3\/properties\//.test(r.path))

describe('HubSpot setup', () => {
  it('creates the bigcommerce group and every custom property on a fresh portal', async () => {
    const h = harness()
    const result = await setupPortal(h.client, new Date(START))
    expect(result.ok).toBe(true)
    expect(result.groupsCreated).toEqual([...OBJECT_TYPES])
    for (const type of OBJECT_TYPES) {
      expect(h.portal.group(type, 'bigcommerce')).toBeDefined()
      for (const wanted of customProperties(type)) {
        const made = h.portal.property(type, wanted.name)
        expect(made, `${type}.${wanted.name}`).toBeDefined()
        expect(made!.type).toBe(wanted.type)
        expect(made!.groupName).toBe('bigcommerce')
        expect(made!.hasUniqueValue).toBe(wanted.hasUniqueValue ?? false)
      }
      expect(result.created[type]!.sort()).toEqual(customProperties(type).map((p) => p.name).sort())
    }
    expect(h.portal.property('orders', 'bc_order_id')!.hasUniqueValue).toBe(true)
    expect(h.portal.property('contacts', 'bc_customer_status')!.options.map((o) => o.value)).toEqual([
      'prospect', 'customer', 'repeat_customer', 'at_risk', 'lapsed',
    ])
    expect(h.portal.property('contacts', 'bc_email_consent')!.options.map((o) => o.value)).toEqual(['opted_in', 'opted_out', 'unknown'])
    expect(h.portal.property('contacts', 'bc_value_tier')!.options.map((o) => o.value)).toEqual(['vip', 'high', 'standard'])
    expect(h.portal.property('contacts', 'bc_cart_abandoned_at')!.type).toBe('datetime')
    expect(h.portal.property('contacts', 'bc_first_order_date')!.type).toBe('date')
    expect(result.conflicts).toEqual([])
    expect(result.missing).toEqual({})
    expect(result.blocked).toEqual([])
  })

  it('is idempotent: a second run only reads', async () => {
    const h = harness()
    await setupPortal(h.client, new Date(START))
    const before = creates(h).length
    expect(before).toBeGreaterThan(0)
    const second = await setupPortal(h.client, new Date(START))
    expect(second.ok).toBe(true)
    expect(creates(h).length).toBe(before)
    expect(second.groupsCreated).toEqual([])
    expect(second.created).toEqual({})
  })

  it('creates only what is missing on a partially set up portal', async () => {
    const h = harness()
    const existing = { name: 'bc_order_id', label: 'Mine', type: 'string', fieldType: 'text', groupName: 'bigcommerce', hasUniqueValue: true }
    await h.client.createGroup('orders', { name: 'bigcommerce', label: 'BigCommerce', displayOrder: 0 })
    await h.client.request('POST', '/crm/v3/properties/orders', existing)
    await h.client.request('POST', '/crm/v3/properties/contacts', {
      name: 'bc_order_count', label: 'Orders (mine)', type: 'number', fieldType: 'number', groupName: 'contactinformation',
    })
    const result = await setupPortal(h.client, new Date(START))
    expect(result.ok).toBe(true)
    expect(result.groupsCreated).not.toContain('orders')
    expect(result.created.orders).not.toContain('bc_order_id')
    expect(result.created.contacts).not.toContain('bc_order_count')
    // Left alone: the label someone chose stays.
    expect(h.portal.property('orders', 'bc_order_id')!.label).toBe('Mine')
    expect(h.portal.property('contacts', 'bc_order_count')!.label).toBe('Orders (mine)')
    expect(result.created.orders).toContain('bc_net_revenue')
    expect(result.conflicts).toEqual([])
  })

  it('reports conflicting definitions and blocks an object whose key is not unique', async () => {
    const h = harness()
    await h.client.request('POST', '/crm/v3/properties/orders', {
      name: 'bc_order_id', label: 'Order id', type: 'string', fieldType: 'text', groupName: 'orderinformation',
    })
    await h.client.request('POST', '/crm/v3/properties/contacts', {
      name: 'bc_lifetime_value', label: 'LTV', type: 'string', fieldType: 'text', groupName: 'contactinformation',
    })
    await h.client.request('POST', '/crm/v3/properties/contacts', {
      name: 'bc_value_tier', label: 'Tier', type: 'enumeration', fieldType: 'select', groupName: 'contactinformation',
      options: [{ label: 'VIP', value: 'vip' }],
    })
    const result = await setupPortal(h.client, new Date(START))
    expect(result.conflicts).toEqual(
      expect.arrayContaining([
        { objectType: 'orders', property: 'bc_order_id', problem: expect.stringContaining('hasUniqueValue') },
        { objectType: 'contacts', property: 'bc_lifetime_value', problem: 'type is string, expected number' },
        { objectType: 'contacts', property: 'bc_value_tier', problem: 'enumeration lacks options high, standard' },
      ]),
    )
    expect(result.blocked).toEqual(['orders'])
    // Conflicts are reported, never "fixed" by overwriting someone's definition.
    expect(h.portal.property('contacts', 'bc_lifetime_value')!.type).toBe('string')
  })

  it('reports HubSpot properties the account lacks', async () => {
    const h = harness({ standin: { missingProperties: { orders: ['hs_fulfillment_status', 'hs_order_discount'], carts: ['hs_cart_url'] } } })
    const result = await setupPortal(h.client, new Date(START))
    expect(result.ok).toBe(true)
    expect(result.missing).toEqual({ orders: ['hs_order_discount', 'hs_fulfillment_status'], carts: ['hs_cart_url'] })
    expect(result.available.orders).not.toContain('hs_fulfillment_status')
    expect(result.available.orders).toContain('bc_order_id')
  })

  it('lists every registry property as available after setup on a full portal', async () => {
    const h = harness()
    const result = await setupPortal(h.client, new Date(START))
    for (const type of OBJECT_TYPES) {
      for (const p of OBJECT_PROPERTIES[type]) expect(result.available[type], `${type}.${p.name}`).toContain(p.name)
    }
  })
})
