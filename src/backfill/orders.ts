import { z } from 'zod'
import { normalizeOrder } from '../bigcommerce/normalize'
import { ORDER_INCLUDES, orderPartCalls, readOrderParts } from '../bigcommerce/order-reads'
import { v2Order, v3Customer, v3Refund, type V2Order, type V3Refund } from '../bigcommerce/resources'
import { knownCustomerEmails } from '../db/backfill'
import { linkCartToOrder } from '../db/identity'
import { normalizeEmail } from '../domain/identity'
import { isSynced } from '../domain/order-status'
import { orderStatusUrl } from '../domain/storefronts'
import { contactObject } from '../durable/stubs'
import { mapLimit } from '../map-limit'
import { modifiedSince, quotaFor, type Phase, type PhaseContext } from './context'
import { fetchGrouped } from './listing'
import { isSkippable, parseRecord } from './skip'

const PAGE = 250
/** Orders applied between checkpoints. */
const CHUNK = 25
/**
 * Calls one chunk may take at most, per order: products (only when the list left them out), coupons and the
 * contact.
 */
const CHUNK_CALLS = CHUNK * 3
const CONCURRENCY = 6
/** Order ids per `order_id:in` refunds call. */
const REFUNDS_PER_CALL = 100
/** Refunded (4) and Partially Refunded (14): their refunds are fetched even if `refunded_amount` says 0. */
const REFUND_STATUSES = new Set([4, 14])

/** One row of the order list: the parsed order (null when it breaks the schema), the row, what decides calls. */
interface Listed {
  id: number
  order: V2Order | null
  raw: unknown
  refunded: boolean
}

const listedId = z.object({ id: z.coerce.number().int() })
const listedRefund = z.object({ refunded_amount: z.union([z.string(), z.number()]).nullish() })

/**
 * Orders by id from a resume point (`min_id`, so orders created meanwhile only append and the walk never
 * skips one), each with its line items, coupons and v3 refunds, through the same normalizer as
 * webhooks and into its contact in `import` mode. Calls are spent where they tell something: line items come
 * with the page (`include=consignments.line_items`, one call for 250 orders and their lines), refunds in one
 * `order_id:in` call per page for the orders that have any, coupons only with a coupon discount, no shipments
 * (history fires no shipped trigger; see `OrderReadPurpose`), categories and channels from the catalog cache the products phase primed.
 */
export const ordersPhase: Phase = {
  name: 'orders',

  async count(ctx) {
    const body = await ctx.client.v2<{ count?: number }>('/orders/count', modifiedSince(ctx, 'min_date_modified'))
    return typeof body?.count === 'number' ? body.count : 0
  },

  async run(ctx, cursor, checkpoint) {
    const resume = cursor ? (JSON.parse(cursor) as OrdersCursor) : { lastId: 0 }
    let lastId = resume.lastId
    // BigCommerce calls the last page took: a page is started only if the run can finish it (the first of a
    // run always is), since a page left half-way is listed again, with its refunds, by the next run.
    let pageCalls = resume.pageCalls
    let pagesDone = 0
    while (!ctx.budget.exhausted(CHUNK_CALLS + 2)) {
      if (pagesDone > 0 && pageCalls !== undefined && !fitsInRun(ctx, pageCalls)) return false
      // The page and its refunds.
      if (!(await quotaFor(ctx, 2))) return false
      const raw = await ctx.client.v2<unknown[]>('/orders', {
        min_id: lastId + 1,
        sort: 'id:asc',
        limit: PAGE,
        ...ORDER_INCLUDES,
        ...modifiedSince(ctx, 'min_date_modified'),
      })
      const rows = Array.isArray(raw) ? raw : []
      const listed = rows.flatMap((row): Listed[] => {
        const id = listedId.safeParse(row)
        if (!id.success) return []
        const refundedAmount = Number(listedRefund.safeParse(row).data?.refunded_amount ?? 0)
        const order = parseRecord(v2Order, row)
        return [{ id: id.data.id, order, raw: row, refunded: refundedAmount > 0 || (order !== null && REFUND_STATUSES.has(order.status_id)) }]
      })
      const pageLast = rows.length < PAGE
      if (rows.length === 0) {
        await checkpoint({ cursor: null, processed: 0, skipped: 0 })
        return true
      }
      if (listed.length === 0) throw new Error('BigCommerce GET /v2/orders: a page of orders without ids')

      const refundedIds = listed.filter((l) => l.refunded && l.order && isSynced(l.order.status_id)).map((l) => l.id)
      const refunds = await refundsOf(ctx, refundedIds)
      const syncedOrders = listed.filter((l) => l.order && isSynced(l.order.status_id))
      const thisPageCalls =
        1 + Math.ceil(refundedIds.length / REFUNDS_PER_CALL) + syncedOrders.reduce((n, l) => n + orderPartCalls(l.order!, l.raw, 'history'), 0)
      const emails = await fallbackEmails(ctx, listed.flatMap((l) => (l.order ? [l.order] : [])))

      for (let i = 0; i < listed.length; i += CHUNK) {
        if (i > 0 && ctx.budget.exhausted(CHUNK_CALLS)) return false
        const chunk = listed.slice(i, i + CHUNK)
        if (!(await quotaFor(ctx, chunk.reduce((n, l) => n + (l.order && isSynced(l.order.status_id) ? orderPartCalls(l.order, l.raw, 'history') : 0), 0)))) {
          return false
        }
        const results = await mapLimit(chunk, CONCURRENCY, (item) => importOrder(ctx, item, refunds, emails))
        const chunkLastId = Math.max(...chunk.map((l) => l.id))
        const finished = pageLast && i + CHUNK >= listed.length
        await checkpoint({
          cursor: finished ? null : JSON.stringify({ lastId: chunkLastId, pageCalls: thisPageCalls } satisfies OrdersCursor),
          processed: chunk.length + (i === 0 ? rows.length - listed.length : 0),
          skipped: results.filter((r) => r === 'skipped').length + (i === 0 ? rows.length - listed.length : 0),
        })
        if (finished) return true
        lastId = chunkLastId
      }
      pageCalls = thisPageCalls
      pagesDone++
    }
    return false
  },
}

/** Where the walk resumes, and what the last page cost. */
interface OrdersCursor {
  lastId: number
  pageCalls?: number
}

/** Whether the run has the quota, the time and the outbound calls for a page that costs `calls`. */
function fitsInRun(ctx: PhaseContext, calls: number): boolean {
  return ctx.client.capacityWithin(ctx.budget.remainingMs) >= calls && !ctx.budget.exhausted(calls + PAGE)
}

async function importOrder(
  ctx: PhaseContext,
  item: Listed,
  refunds: Map<number, V3Refund[]>,
  emails: Map<number, string>,
): Promise<'imported' | 'ignored' | 'skipped'> {
  const order = item.order
  if (!order) return 'skipped'
  // Incomplete orders (status 0) are never synced.
  if (!isSynced(order.status_id)) return 'ignored'
  try {
    const { products, shipments, coupons } = await readOrderParts(ctx.client, order, item.raw, 'history')
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
      refunds: refunds.get(order.id) ?? [],
      categories: new Map(productIds.map((id, i) => [id, names[i] ?? null])),
      channel,
      statusUrl: orderStatusUrl(channel, storefrontUrl, { orderId: order.id, customerId: order.customer_id }),
      fallbackEmail: emails.get(order.customer_id) ?? null,
      storeHash: ctx.client.storeHash,
    })
    if (model.cartId) await linkCartToOrder(ctx.env.DB, model.cartId, model.orderId, model.email, model.channelId)
    ctx.budget.spend()
    await contactObject(ctx.env, model.email).applyOrder(model, { mode: 'import' })
    return 'imported'
  } catch (err) {
    if (isSkippable(err)) return 'skipped'
    throw err
  }
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
