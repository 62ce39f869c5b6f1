/**
 * Test helpers: a fresh stand-in driven through its `fetch` with a clock the test moves, and a portal set up
 * with the unique `bc_order_id` key on orders. Used by test/standins/hubspot*.test.ts.
 */
import { createHubSpotStandin, type HubSpotStandinOptions } from './index'

export interface Reply {
  status: number
  headers: Headers
  body: any
}

export function hubspot(options: HubSpotStandinOptions = {}) {
  let now = Date.UTC(2026, 10, 2, 9, 30)
  const standin = createHubSpotStandin({ clock: () => now, ...options })
  async function call(method: string, path: string, body?: unknown, token: string | null = 'hs-test-token'): Promise<Reply> {
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    if (token !== null) headers.authorization = `Bearer ${token}`
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body)
    const res = await standin.fetch(new Request(`http://hubspot.standin${path}`, { method, headers, body: payload }))
    const text = await res.text()
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null }
  }
  return {
    standin,
    portal: standin.portal,
    call,
    post: (path: string, body: unknown) => call('POST', path, body),
    advance(ms: number) {
      now += ms
    },
    now: () => now,
  }
}

/** A portal with the `bigcommerce` group and unique `bc_order_id` on orders, like setup creates. */
export async function withOrderKey(options: HubSpotStandinOptions = {}) {
  const hs = hubspot(options)
  await hs.post('/crm/v3/properties/orders/groups', { name: 'bigcommerce', label: 'BigCommerce' })
  const created = await hs.post('/crm/v3/properties/orders', {
    name: 'bc_order_id', label: 'BigCommerce order id', type: 'string', fieldType: 'text',
    groupName: 'bigcommerce', hasUniqueValue: true,
  })
  if (created.status !== 201) throw new Error(`could not create bc_order_id: ${JSON.stringify(created.body)}`)
  const status = await hs.post('/crm/v3/properties/orders', {
    name: 'bc_status', label: 'Status', type: 'enumeration', fieldType: 'select', groupName: 'bigcommerce',
    options: [{ label: 'Shipped', value: 'shipped' }, { label: 'Refunded', value: 'refunded' }],
  })
  if (status.status !== 201) throw new Error(`could not create bc_status: ${JSON.stringify(status.body)}`)
  return hs
}

export function order(id: string, properties: Record<string, unknown> = {}) {
  return { idProperty: 'bc_order_id', id, properties: { hs_order_name: `Order #${id}`, ...properties } }
}
