import { inArray, sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import type { Kysely } from 'kysely'
import type { Order } from '../domain/model'
import { countsAsPaid, netRevenue, refundedTotal, toBase } from '../domain/order-status'
import type { Database } from './database'
import { orders } from './schema'

/**
 * The `orders` table: each order as its contact last published it (reports, attribution, companies' figures), and
 * when the HubSpot writer first wrote it. Its contact publishes it (db/contacts.ts, in one batch with the contact);
 * a link of two emails moves it to the canonical one (db/identity.ts); an erasure unlinks it (db/erasure.ts).
 */

export function orderRow(order: Order) {
  const net = netRevenue(order)
  return {
    orderId: order.orderId,
    email: order.email,
    customerId: order.customerId,
    statusId: order.statusId,
    countsAsPaid: countsAsPaid(order.statusId),
    createdAt: order.createdAt,
    modifiedAt: order.modifiedAt,
    currency: order.currency,
    baseCurrency: order.baseCurrency,
    totalIncTax: order.totalIncTax,
    refunded: refundedTotal(order),
    netRevenue: net,
    netRevenueBase: toBase(order, net),
    channel: order.channel,
    channelId: order.channelId,
    cartId: order.cartId,
  }
}

/**
 * The upsert of an order under its contact's email (the billing email's, or the person's it was linked to), for
 * the contact's publication batch. `eventCreatedAt`: the webhook's `created_at` (unix seconds).
 */
export function orderUpsert(qb: Kysely<Database>, order: Order, email: string, eventCreatedAt: number | null) {
  const row = orderRow(order)
  const columns = {
    order_id: row.orderId,
    email,
    customer_id: row.customerId,
    status_id: row.statusId,
    counts_as_paid: row.countsAsPaid ? 1 : 0,
    created_at: row.createdAt,
    modified_at: row.modifiedAt,
    currency: row.currency,
    base_currency: row.baseCurrency,
    total_inc_tax: row.totalIncTax,
    refunded: row.refunded,
    net_revenue: row.netRevenue,
    net_revenue_base: row.netRevenueBase,
    channel: row.channel,
    channel_id: row.channelId,
    cart_id: row.cartId,
  }
  return qb
    .insertInto('orders')
    .values({ ...columns, event_created_at: eventCreatedAt })
    .onConflict((conflict) =>
      conflict.column('order_id').doUpdateSet((eb) => ({
        ...columns,
        // Latency is measured from the first delivery that told us about the order.
        event_created_at: eb.fn.coalesce('orders.event_created_at', 'excluded.event_created_at'),
      })),
    )
}

/** The writer wrote these orders to HubSpot at `at` (epoch ms): the first time is kept (sync latency figures). */
export async function markOrdersSynced(db: D1Database, orderIds: readonly string[], at: number): Promise<void> {
  const ids = orderIds.map(Number).filter(Number.isSafeInteger)
  for (let i = 0; i < ids.length; i += 90) {
    await drizzle(db)
      .update(orders)
      .set({ syncedAt: sql`COALESCE(${orders.syncedAt}, ${at})` })
      .where(inArray(orders.orderId, ids.slice(i, i + 90)))
      .run()
  }
}
