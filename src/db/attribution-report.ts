import Big from 'big.js'
import type { InferResult } from 'kysely'
import { add, toMinorUnits, type Amount } from '../domain/money'
import { d1Statement, queryBuilder } from './query-builder'

/**
 * The attribution report (`GET /admin/api/attribution`): revenue and orders by channel, source and campaign
 * for orders created in [from, to), next to the store's own figures for the same range, so the two reconcile.
 * Revenue is `net_revenue_base` (store base currency) of orders that count as paid, as in reconciliation, summed
 * exactly and shown in the base currency's minor units (rounded half-even).
 *
 * Models: `order` credits each order's attributed touch (last non-direct within ATTRIBUTION_LOOKBACK),
 * `first` the buyer's first touch before the order, `last` the buyer's last touch before it (direct included).
 * An order the rollup has not reached yet, or whose buyer was never seen, is `unassigned`.
 */
export type AttributionModel = 'first' | 'last' | 'order'

export interface AttributionReportQuery {
  /** ISO-8601 date or date-time, inclusive. */
  from: string
  /** ISO-8601 date or date-time, exclusive; a bare date includes that whole day. */
  to: string
  model: AttributionModel
  /** Only orders of this BigCommerce channel (orders stored without one belong to the default storefront, 1). */
  storefront?: number
}

export interface AttributionRow {
  channel: string
  source: string | null
  campaign: string | null
  orders: number
  revenue: Amount
}

export interface AttributionReport {
  from: string
  to: string
  model: AttributionModel
  /** The storefront (channel id) the report is limited to, null for all. */
  storefront: number | null
  /** The store's base currency, which every revenue figure is in (null without orders in the range). */
  currency: string | null
  rows: AttributionRow[]
  total: { orders: number; revenue: Amount }
  /** The store's own figures for the range, straight from the orders table. */
  store: { orders: number; revenue: Amount }
  reconciles: boolean
  /** Paid orders in the range that the rollup has not attributed yet (counted as unassigned). */
  pendingOrders: number
}

/** The credited touch's columns for each model. */
const CREDIT = {
  order: ['a.channel', 'a.source', 'a.campaign'],
  first: ['a.first_channel as channel', 'a.first_source as source', 'a.first_campaign as campaign'],
  last: ['a.last_channel as channel', 'a.last_source as source', 'a.last_campaign as campaign'],
} as const

export async function attributionReport(db: D1Database, query: AttributionReportQuery): Promise<AttributionReport> {
  const from = boundary(query.from, false)
  const to = boundary(query.to, true)
  const storefront = query.storefront ?? null
  const paid = queryBuilder(db)
    .selectFrom('orders as o')
    .where((eb) => eb('o.counts_as_paid', '=', eb.lit(1)))
    .where('o.created_at', '>=', from)
    .where('o.created_at', '<', to)
  const paidInRange =
    storefront === null ? paid : paid.where((eb) => eb(eb.fn.coalesce('o.channel_id', eb.lit(1)), '=', storefront))
  const credited = paidInRange
    .leftJoin('order_attribution as a', 'a.order_id', 'o.order_id')
    .select(['o.order_id', 'o.net_revenue_base', ...CREDIT[query.model]])
  const store = paidInRange.select((eb) => [
    'o.order_id',
    'o.net_revenue_base',
    eb.fn.coalesce('o.base_currency', 'o.currency').as('base_currency'),
  ])
  const [creditedResult, storeResult] = await db.batch([d1Statement(db, credited), d1Statement(db, store)])
  const creditedRows = creditedResult!.results as InferResult<typeof credited>
  const storeRows = storeResult!.results as InferResult<typeof store>

  const groups = new Map<string, { row: AttributionRow; revenue: Big }>()
  let pendingOrders = 0
  for (const r of creditedRows) {
    if (r.channel === null) pendingOrders++
    const channel = r.channel ?? 'unassigned'
    const key = JSON.stringify([channel, r.source, r.campaign])
    const group = groups.get(key) ?? {
      row: { channel, source: r.source, campaign: r.campaign, orders: 0, revenue: '0' },
      revenue: new Big(0),
    }
    group.row.orders++
    group.revenue = group.revenue.plus(r.net_revenue_base)
    groups.set(key, group)
  }
  const rows = [...groups.values()]
    .map((g) => ({ ...g.row, revenue: g.revenue.toString() }))
    .sort((a, b) => new Big(b.revenue).cmp(a.revenue) || b.orders - a.orders || a.channel.localeCompare(b.channel))
  const total = { orders: creditedRows.length, revenue: add(...rows.map((r) => r.revenue)) }
  const storeFigures = { orders: storeRows.length, revenue: add(...storeRows.map((r) => r.net_revenue_base)) }
  const currency = storeRows.find((r) => r.base_currency)?.base_currency ?? null
  const money = (value: Amount) => toMinorUnits(value, currency)
  return {
    from,
    to,
    model: query.model,
    storefront,
    currency,
    rows: rows.map((r) => ({ ...r, revenue: money(r.revenue) })),
    total: { ...total, revenue: money(total.revenue) },
    store: { ...storeFigures, revenue: money(storeFigures.revenue) },
    reconciles: total.orders === storeFigures.orders && new Big(total.revenue).eq(storeFigures.revenue),
    pendingOrders,
  }
}

function boundary(text: string, end: boolean): string {
  const date = new Date(text)
  if (Number.isNaN(date.getTime())) throw new RangeError(`"${text}" is not an ISO-8601 date`)
  // A bare date as the end of the range includes that day.
  if (end && /^\d{4}-\d{2}-\d{2}$/.test(text.trim())) date.setUTCDate(date.getUTCDate() + 1)
  return date.toISOString()
}
