import { env } from 'cloudflare:workers'
import { expect } from 'vitest'
import { runBackfill, type RunOptions, type RunOutcome } from '../../src/backfill/history-import'
import { hubspotWriter } from '../../src/durable/stubs'
import { isSynced } from '../../src/domain/order-status'
import type { Env } from '../../src/env'
import type { BigCommerceStandin } from '../../standins/bigcommerce'
import type { Order } from '../../standins/bigcommerce/types'

/**
 * The worker's environment without the backfill queue, as on an account without Queues: starting a job sends
 * no step (the real queue's consumer would run it in the background); these tests run it themselves.
 */
export const cronEnv: Env = { ...env, BACKFILL_QUEUE: undefined }

/** Runs the backfill until its job is no longer running; returns every run's outcome. */
export async function runToEnd(options: RunOptions = {}, maxRuns = 200): Promise<RunOutcome[]> {
  const outcomes: RunOutcome[] = []
  for (let i = 0; i < maxRuns; i++) {
    const outcome = await runBackfill(env, options)
    outcomes.push(outcome)
    if (!outcome.ran || outcome.state !== 'running') return outcomes
  }
  throw new Error(`backfill still running after ${maxRuns} runs`)
}

/** Flushes the HubSpot writer until nothing is pending. */
export async function flushAll(): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const result = await hubspotWriter(env).flush()
    if (result.nextRunAt === null) return
  }
  throw new Error(`HubSpot writer still has work after 50 flushes: ${JSON.stringify(await hubspotWriter(env).status())}`)
}

export async function firedDecisions(): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM trigger_decisions WHERE decision = 'fired'").first<{ n: number }>()
  return row?.n ?? 0
}

/** What BigCommerce holds that the backfill must bring to HubSpot. */
export function expectedFromStore(bigcommerce: BigCommerceStandin) {
  const { store } = bigcommerce
  const orders = [...store.orders.values()].filter((o) => !o.is_deleted && isSynced(o.status_id))
  const emails = new Set<string>([
    ...[...store.customers.values()].map((c) => c.email.trim().toLowerCase()),
    ...[...store.subscribers.values()].map((s) => s.email.trim().toLowerCase()),
    ...orders.map((o) => o.billing_address.email.trim().toLowerCase()).filter(Boolean),
  ])
  const lineItems = orders.reduce((sum, o) => sum + (store.orderProducts.get(o.id) ?? []).length, 0)
  return { orders, emails, lineItems, variants: store.variants.size }
}

/** One HubSpot record per key of every object, and exactly the store's. */
export function expectHubSpotMatchesStore(bigcommerce: BigCommerceStandin, hubspot: { portal: PortalView }) {
  const expected = expectedFromStore(bigcommerce)
  const contactEmails = hubspot.portal.records('contacts').map((r) => r.properties.email)
  expect(new Set(contactEmails).size).toBe(contactEmails.length)
  expect(new Set(contactEmails)).toEqual(expected.emails)

  const orderIds = hubspot.portal.records('orders').map((r) => r.properties.bc_order_id)
  expect(new Set(orderIds).size).toBe(orderIds.length)
  expect(new Set(orderIds)).toEqual(new Set(expected.orders.map((o) => String(o.id))))

  const lineItemIds = hubspot.portal.records('line_items').map((r) => r.properties.bc_line_item_id)
  expect(new Set(lineItemIds).size).toBe(lineItemIds.length)
  expect(lineItemIds).toHaveLength(expected.lineItems)

  const variantIds = hubspot.portal.records('products').map((r) => r.properties.bc_variant_id)
  expect(new Set(variantIds).size).toBe(variantIds.length)
  expect(new Set(variantIds)).toEqual(new Set([...bigcommerce.store.variants.keys()].map(String)))
}

const DAY = 86_400_000

/**
 * Still on its way at the import (the default BACKFILL_SHIPMENTS_WINDOW, 30 days): Shipped or Partially
 * Shipped, and shipped (else last changed) within the window.
 */
export function inTransit(order: Order, now = Date.now(), windowMs = 30 * DAY): boolean {
  return (order.status_id === 2 || order.status_id === 3) && (order.shippedAt ?? order.modifiedAt) >= now - windowMs
}

/**
 * Every order links to its page in the control panel and carries the tracking of its latest shipment only when
 * it was in transit at the import (history is read without shipments); every customer with a saved address
 * shows its country (ISO code) and consent region.
 */
export function expectLinksAndRegions(bigcommerce: BigCommerceStandin, hubspot: { portal: PortalView }) {
  const { store } = bigcommerce
  const orders = hubspot.portal.records('orders')
  const tracked = (id: number) => (store.shipments.get(id) ?? []).filter((s) => s.tracking_number)
  for (const { properties } of orders) {
    const id = Number(properties.bc_order_id)
    expect(properties.hs_external_order_url).toBe(`https://store-${store.storeHash}.mybigcommerce.com/manage/orders/${id}`)
    const expected = inTransit(store.requireOrder(id)) ? (tracked(id).at(-1)?.tracking_number ?? '') : ''
    expect(properties.hs_shipping_tracking_number ?? '', `order ${id}`).toBe(expected)
  }
  // The seeded history has tracked shipments of orders long delivered: their absence above is the backfill's choice.
  expect(orders.some(({ properties }) => !inTransit(store.requireOrder(Number(properties.bc_order_id))) && tracked(Number(properties.bc_order_id)).length > 0)).toBe(true)
  const contacts = new Map(hubspot.portal.records('contacts').map((r) => [r.properties.email, r.properties]))
  let located = 0
  for (const customer of store.customers.values()) {
    const saved = store.customerAddresses.get(customer.id)?.[0]
    if (!saved) continue
    expect(contacts.get(customer.email.trim().toLowerCase())).toMatchObject({ country: saved.country_code, city: saved.city })
    located++
  }
  expect(located).toBeGreaterThan(0)
}

interface PortalView {
  records(type: 'contacts' | 'orders' | 'line_items' | 'products' | 'carts'): { properties: Record<string, string> }[]
}
