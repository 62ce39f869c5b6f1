import { hubspotClient } from '../clients'
import type { Config } from '../config'
import { recentReconciliationRun, saveReconciliationRun, storeOrdersInRange, type StoreOrder } from '../db/reconciliation'
import { add, amount, divide, isZero, subtract, toMinorUnits } from '../domain/money'
import { HubSpotClient, type BatchResult, type SimplePublicObject } from '../hubspot/hubspot-client'
import type { BatchReadBody } from '../hubspot/models'

/**
 * Reconciliation: the store's orders for a date range against HubSpot's. The store side is D1 `orders`, the
 * orders as last hydrated from BigCommerce by the pipeline and the backfill (no BigCommerce API calls, so it
 * is cheap to run; an order the worker never heard of is not in it). The HubSpot side is read by
 * `bc_order_id` with the CRM batch read, 100 per call. Amounts compare exactly, in each currency's minor units
 * (KWD to the fils, JPY in whole yen).
 */
export const STORE_SOURCE =
  'D1 orders: every order the worker has hydrated from BigCommerce (webhooks and backfill), as last seen'
export const REVENUE_TOLERANCE = 0.02
export const MAX_ORDERS_COMPARED = 2000
const MAX_DIFFERENCES_LISTED = 200

/** Money is read from the worker's own properties (`hs_total_price` only for orders written before `bc_order_total`). */
const PROPERTIES = ['bc_order_id', 'bc_net_revenue', 'bc_order_total', 'hs_total_price', 'hs_currency_code', 'bc_status']

export interface HubSpotOrder {
  netRevenue: string | null
  totalPrice: string | null
  currency: string | null
}

export type DifferenceKind = 'missing_in_hubspot' | 'net_revenue' | 'total_price' | 'currency'

export interface OrderDifference {
  orderId: number
  kinds: DifferenceKind[]
  store: { netRevenue: string; totalPrice: string; currency: string }
  hubspot: { netRevenue: string | null; totalPrice: string | null; currency: string | null } | null
  /** The worker has not had its HubSpot write accepted yet: likely still in the queue rather than lost. */
  syncPending: boolean
}

export interface CurrencyTotals {
  currency: string
  store: { orders: number; netRevenue: string }
  hubspot: { orders: number; netRevenue: string }
  difference: string
  /** (HubSpot − store) / store, null when the store side is zero. */
  differenceRatio: number | null
  withinTolerance: boolean
}

export interface ReconciliationReport {
  range: { from: string; to: string }
  storeSource: string
  tolerance: string
  met: boolean
  ordersInRange: number
  ordersCompared: number
  truncated: boolean
  totals: CurrencyTotals[]
  differing: number
  differences: OrderDifference[]
  ranAt: string
}

export class HubSpotReadError extends Error {}

/** Pure comparison of the two sides, for the report and its tests. */
export function compareOrders(
  store: StoreOrder[],
  hubspot: ReadonlyMap<number, HubSpotOrder>,
): { totals: CurrencyTotals[]; differences: OrderDifference[] } {
  const totals = new Map<string, { store: { orders: number; net: string }; hubspot: { orders: number; net: string } }>()
  const totalsOf = (currency: string) => {
    let t = totals.get(currency)
    if (!t) totals.set(currency, (t = { store: { orders: 0, net: '0' }, hubspot: { orders: 0, net: '0' } }))
    return t
  }
  const differences: OrderDifference[] = []
  for (const order of store) {
    const money = (value: string) => toMinorUnits(value, order.currency)
    const storeSide = { netRevenue: money(order.netRevenue), totalPrice: money(order.totalIncTax), currency: order.currency }
    const t = totalsOf(order.currency)
    t.store.orders++
    t.store.net = add(t.store.net, order.netRevenue)
    const remote = hubspot.get(order.orderId)
    if (!remote) {
      differences.push({ orderId: order.orderId, kinds: ['missing_in_hubspot'], store: storeSide, hubspot: null, syncPending: order.syncedAt === null })
      continue
    }
    const remoteCurrency = remote.currency || order.currency
    const r = totalsOf(remoteCurrency)
    r.hubspot.orders++
    r.hubspot.net = add(r.hubspot.net, inMinorUnits(remote.netRevenue, remoteCurrency))
    const kinds: DifferenceKind[] = []
    if (inMinorUnits(remote.netRevenue, order.currency) !== storeSide.netRevenue) kinds.push('net_revenue')
    if (inMinorUnits(remote.totalPrice, order.currency) !== storeSide.totalPrice) kinds.push('total_price')
    if (remote.currency && remote.currency !== order.currency) kinds.push('currency')
    if (kinds.length) {
      differences.push({ orderId: order.orderId, kinds, store: storeSide, hubspot: remote, syncPending: order.syncedAt === null })
    }
  }
  return {
    totals: [...totals.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([currency, t]) => {
        const difference = toMinorUnits(subtract(t.hubspot.net, t.store.net), currency)
        const ratio = isZero(t.store.net) ? null : Number(divide(difference, t.store.net, 6))
        return {
          currency,
          store: { orders: t.store.orders, netRevenue: toMinorUnits(t.store.net, currency) },
          hubspot: { orders: t.hubspot.orders, netRevenue: toMinorUnits(t.hubspot.net, currency) },
          difference,
          differenceRatio: ratio,
          withinTolerance: ratio === null ? isZero(difference) : Math.abs(ratio) <= REVENUE_TOLERANCE,
        }
      }),
    differences,
  }
}

/** A HubSpot number as an exact decimal in the currency's minor units ('invalid' when it is not a number). */
function inMinorUnits(value: string | null, currency: string): string {
  try {
    return toMinorUnits(amount(value), currency)
  } catch {
    return 'invalid'
  }
}

/** The client the reconciliation reads with: an operator or the cron waits on it, so each call is bounded. */
export function reconciliationClient(config: Config): HubSpotClient {
  return hubspotClient(config, { timeoutMs: 10_000 })
}

/** Reads orders by `bc_order_id`; ids HubSpot does not know are simply absent from the map. */
export async function readHubSpotOrders(client: HubSpotClient, orderIds: number[]): Promise<Map<number, HubSpotOrder>> {
  const found = new Map<number, HubSpotOrder>()
  for (let i = 0; i < orderIds.length; i += 100) {
    const chunk = orderIds.slice(i, i + 100)
    const body: BatchReadBody = {
      idProperty: 'bc_order_id',
      properties: PROPERTIES,
      propertiesWithHistory: [],
      inputs: chunk.map((id) => ({ id: String(id) })),
    }
    const response = await client.request<BatchResult<SimplePublicObject>>('POST', '/crm/v3/objects/orders/batch/read', body)
    if (!response.ok) {
      if (response.error.kind === 'not_found') continue
      throw new HubSpotReadError(`HubSpot batch read of orders failed (${response.status}): ${response.error.message}`)
    }
    for (const record of response.data.results ?? []) {
      const id = Number(record.properties.bc_order_id)
      if (!Number.isSafeInteger(id)) continue
      found.set(id, {
        netRevenue: record.properties.bc_net_revenue ?? null,
        totalPrice: record.properties.bc_order_total ?? record.properties.hs_total_price ?? null,
        currency: record.properties.hs_currency_code ?? null,
      })
    }
  }
  return found
}

export async function reconcile(
  db: D1Database,
  client: HubSpotClient,
  range: { from: Date; to: Date },
  now: Date,
): Promise<ReconciliationReport> {
  const from = range.from.toISOString()
  const to = range.to.toISOString()
  const { orders, total } = await storeOrdersInRange(db, from, to, MAX_ORDERS_COMPARED)
  const hubspot = await readHubSpotOrders(client, orders.map((o) => o.orderId))
  const { totals, differences } = compareOrders(orders, hubspot)
  return {
    range: { from, to },
    storeSource: STORE_SOURCE,
    tolerance: `HubSpot net revenue within ${REVENUE_TOLERANCE * 100}% of the store's, per currency`,
    met: totals.every((t) => t.withinTolerance),
    ordersInRange: total,
    ordersCompared: orders.length,
    truncated: total > orders.length,
    totals,
    differing: differences.length,
    differences: differences.slice(0, MAX_DIFFERENCES_LISTED),
    ranAt: now.toISOString(),
  }
}

const SUMMARY_MAX_AGE_MS = 15 * 60_000

/**
 * The last 30 whole days plus today, for the dashboard: a run less than 15 minutes old is reused, so loading
 * the dashboard does not read HubSpot every time.
 */
export async function recentReconciliation(db: D1Database, client: HubSpotClient, now: Date): Promise<ReconciliationReport> {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())
  const range = { from: new Date(today - 30 * 86_400_000), to: new Date(today + 86_400_000) }
  const key = { from: range.from.toISOString(), to: range.to.toISOString() }
  const cached = await recentReconciliationRun<ReconciliationReport>(db, key, now.getTime(), SUMMARY_MAX_AGE_MS)
  if (cached) return cached.result
  const report = await reconcile(db, client, range, now)
  await saveReconciliationRun(db, { ...key, ranAt: now.getTime(), result: report })
  return report
}
