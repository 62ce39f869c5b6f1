import { z } from 'zod'
import { normalizeOrder } from '../bigcommerce/normalize/normalize-order'
import { backfillReadPurpose, ORDER_INCLUDES, orderPartCalls, readOrderParts, type OrderReadPurpose } from '../bigcommerce/order-reads'
import { v2Order, v3Customer, v3Refund, type V2Order, type V3Refund } from '../bigcommerce/resources'
import { knownCustomerEmails } from '../db/identity'
import { normalizeEmail } from '../domain/identity-keys'
import { isSynced } from '../domain/order-status'
import { orderStatusUrl } from '../domain/multi-storefront'
import { deliverOrder } from '../pipeline/deliver'
import { mapLimit } from '../map-limit'
import { modifiedSince, type Phase, type PhaseContext } from './phase-context'
import { fetchGrouped } from './listing'
import { isSkippable, parseRecord } from './skip'

const PAGE = 250
/** Orders applied between checkpoints. */
const CHUNK = 25
const CONCURRENCY = 6
/** Order ids per `order_id:in` refunds call. */
const REFUNDS_PER_CALL = 100
/** Refunded (4) and Partially Refunded (14): their refunds are fetched even if `refunded_amount` says 0. */
const REFUND_STATUSES = new Set([4, 14])

/**
 * A listed order as it is staged: the row as BigCommerce sent it (its line items included), its refunds
 * and the email to fall back on, so that applying it asks BigCommerce only for what is read per order.
 */
export interface StagedOrder {
  raw: unknown
  refunds: V3Refund[]
  fallbackEmail: string | null
  /** History, or an order in transit at install whose shipments (tracking) are read; decided at listing. */
  purpose: OrderReadPurpose
}

const listedId = z.object({ id: z.coerce.number().int() })
const listedRefund = z.object({ refunded_amount: z.union([z.string(), z.number()]).nullish() })

/** Where the walk resumes: the last order id listed. */
interface OrdersCursor {
  lastId: number
}

/**
 * Orders by id from a resume point (`min_id`, so orders created meanwhile only append and the walk never
 * skips one), each with its line items, coupons and v3 refunds, through the same normalizer as
 * webhooks and into its contact in `import` mode. Calls are spent where they tell something: line items come
 * with the page (`include=consignments.line_items`, one call for 250 orders and their lines), refunds in one
 * `order_id:in` call per page for the orders that have any, coupons only with a coupon discount, shipments only
 * for the orders still in transit (history fires no shipped trigger, and delivered parcels need no tracking; see
 * `OrderReadPurpose`), categories and channels from the catalog cache the products phase primed.
 */
export const ordersPhase: Phase<StagedOrder> = {
  name: 'orders',
  // The page and its refunds.
  listCalls: 2,
  chunk: CHUNK,

  async count(ctx) {
    const body = await ctx.client.v2<{ count?: number }>('/orders/count', modifiedSince(ctx, 'min_date_modified'))
    return typeof body?.count === 'number' ? body.count : 0
  },

  async list(ctx, cursor) {
    const lastId = cursor ? (JSON.parse(cursor) as OrdersCursor).lastId : 0
    const raw = await ctx.client.v2<unknown[]>('/orders', {
      min_id: lastId + 1,
      sort: 'id:asc',
      limit: PAGE,
      ...ORDER_INCLUDES,
      ...modifiedSince(ctx, 'min_date_modified'),
    })
    const rows = Array.isArray(raw) ? raw : []
    const listed = rows.flatMap((row) => {
      const id = listedId.safeParse(row)
      return id.success ? [{ id: id.data.id, row, order: parseRecord(v2Order, row) }] : []
    })
    if (rows.length > 0 && listed.length === 0) throw new Error('BigCommerce GET /v2/orders: a page of orders without ids')
    const synced = listed.flatMap((l) => (l.order && isSynced(l.order.status_id) ? [{ ...l, order: l.order }] : []))
    const refundedIds = synced
      .filter(({ row, order }) => Number(listedRefund.safeParse(row).data?.refunded_amount ?? 0) > 0 || REFUND_STATUSES.has(order.status_id))
      .map(({ id }) => id)
    const [refunds, emails] = await Promise.all([refundsOf(ctx, refundedIds), fallbackEmails(ctx, synced.map((l) => l.order))])
    const records = listed.map(({ id, row, order }): StagedOrder => ({
      raw: row,
      refunds: refunds.get(id) ?? [],
      fallbackEmail: order ? (emails.get(order.customer_id) ?? null) : null,
      purpose: order ? purposeOf(ctx, order) : 'history',
    }))
    const next = rows.length < PAGE ? null : JSON.stringify({ lastId: Math.max(...listed.map((l) => l.id)) } satisfies OrdersCursor)
    return { records, unusable: rows.length - listed.length, next }
  },

  applyCalls(records) {
    let bigcommerce = 0
    for (const { raw, purpose } of records) {
      const order = parseRecord(v2Order, raw)
      if (order && isSynced(order.status_id)) bigcommerce += orderPartCalls(order, raw, purpose)
    }
    return { bigcommerce, outbound: bigcommerce + records.length }
  },

  async apply(ctx, records) {
    const results = await mapLimit(records, CONCURRENCY, (record) => importOrder(ctx, record))
    return { skipped: results.filter((r) => r === 'skipped').length }
  },
}

async function importOrder(ctx: PhaseContext, staged: StagedOrder): Promise<'imported' | 'ignored' | 'skipped'> {
  const order = parseRecord(v2Order, staged.raw)
  if (!order) return 'skipped'
  // Incomplete orders (status 0) are never synced.
  if (!isSynced(order.status_id)) return 'ignored'
  try {
    const { products, shipments, coupons } = await readOrderParts(ctx.client, order, staged.raw, staged.purpose)
    const productIds = [...new Set(products.map((p) => p.product_id).filter((id): id is number => id !== null))]
    const [channel, storefrontUrl, names] = await Promise.all([
      ctx.lookups.channel(order.channel_id ?? 1),
      ctx.lookups.storefrontUrl(order.channel_id ?? 1),
      Promise.all(productIds.map((id) => ctx.lookups.productCategory(id))),
    ])
    const model = normalizeOrder({
      order,
      products,
      shipments,
      coupons,
      refunds: staged.refunds,
      categories: new Map(productIds.map((id, i) => [id, names[i] ?? null])),
      channel,
      statusUrl: orderStatusUrl(channel, storefrontUrl, { orderId: order.id, customerId: order.customer_id }),
      fallbackEmail: staged.fallbackEmail,
      storeHash: ctx.client.storeHash,
    })
    ctx.budget.spend()
    await deliverOrder(ctx.env, model, { mode: 'import' })
    return 'imported'
  } catch (err) {
    if (isSkippable(err)) return 'skipped'
    throw err
  }
}

/** History, or an order in transit at install whose tracking is read (BACKFILL_SHIPMENTS_WINDOW). */
function purposeOf(ctx: PhaseContext, order: V2Order): OrderReadPurpose {
  return backfillReadPurpose(order, ctx.inTransit.at, ctx.inTransit.windowMs)
}

/** The page's refunds, grouped by order: one call per 100 refunded orders rather than one per order. */
function refundsOf(ctx: PhaseContext, orderIds: number[]): Promise<Map<number, V3Refund[]>> {
  const request = { path: '/orders/payment_actions/refunds', filter: 'order_id', ids: orderIds, perCall: REFUNDS_PER_CALL }
  return fetchGrouped(ctx, request, v3Refund, (r) => r.order_id)
}

/**
 * Emails for orders whose billing address has none (POS, API orders): the customer's, from what the
 * customers phase recorded, else one batched customer lookup.
 */
async function fallbackEmails(ctx: PhaseContext, orders: V2Order[]): Promise<Map<number, string>> {
  const wanted = [
    ...new Set(orders.filter((o) => !normalizeEmail(o.billing_address?.email) && o.customer_id > 0).map((o) => o.customer_id)),
  ]
  if (wanted.length === 0) return new Map()
  const emails = await knownCustomerEmails(ctx.env.DB, wanted)
  const missing = wanted.filter((id) => !emails.has(id))
  for (let i = 0; i < missing.length; i += 50) {
    const body = await ctx.client.v3<{ data?: unknown[] }>('/customers', { 'id:in': missing.slice(i, i + 50).join(','), limit: 50 })
    for (const raw of body?.data ?? []) {
      const customer = parseRecord(v3Customer, raw)
      const email = normalizeEmail(customer?.email)
      if (customer && email) emails.set(customer.id, email)
    }
  }
  return emails
}
