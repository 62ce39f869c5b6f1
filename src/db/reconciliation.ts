import { and, asc, desc, eq, gte, lt, lte, sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import { orders, reconciliationRuns } from './schema'

/** The store side of a reconciliation: orders as last hydrated from BigCommerce (D1 `orders`). */
export interface StoreOrder {
  orderId: number
  statusId: number
  currency: string
  totalIncTax: string
  netRevenue: string
  syncedAt: number | null
}

/** Orders created in [fromIso, toIso), lowest id first, at most `limit`; and how many there are in all. */
export async function storeOrdersInRange(
  db: D1Database,
  fromIso: string,
  toIso: string,
  limit: number,
): Promise<{ orders: StoreOrder[]; total: number }> {
  const d = drizzle(db)
  const inRange = and(gte(orders.createdAt, fromIso), lt(orders.createdAt, toIso))
  const [rows, count] = await d.batch([
    d
      .select({
        orderId: orders.orderId,
        statusId: orders.statusId,
        currency: orders.currency,
        totalIncTax: orders.totalIncTax,
        netRevenue: orders.netRevenue,
        syncedAt: orders.syncedAt,
      })
      .from(orders)
      .where(inRange)
      .orderBy(asc(orders.orderId))
      .limit(limit),
    d.select({ n: sql<number>`count(*)` }).from(orders).where(inRange),
  ])
  return { orders: rows, total: count[0]?.n ?? 0 }
}

export async function saveReconciliationRun(
  db: D1Database,
  run: { from: string; to: string; ranAt: number; result: unknown },
): Promise<void> {
  const d = drizzle(db)
  await d.batch([
    d.insert(reconciliationRuns).values({
      rangeFrom: run.from,
      rangeTo: run.to,
      ranAt: run.ranAt,
      result: JSON.stringify(run.result),
    }),
    // Keep a week of history; older runs say nothing a new one would not.
    d.delete(reconciliationRuns).where(lte(reconciliationRuns.ranAt, run.ranAt - 7 * 86_400_000)),
  ])
}

/** The newest run for exactly this range that is at most `maxAgeMs` old. */
export async function recentReconciliationRun<T>(
  db: D1Database,
  range: { from: string; to: string },
  now: number,
  maxAgeMs: number,
): Promise<{ ranAt: number; result: T } | null> {
  const [row] = await drizzle(db)
    .select()
    .from(reconciliationRuns)
    .where(
      and(
        eq(reconciliationRuns.rangeFrom, range.from),
        eq(reconciliationRuns.rangeTo, range.to),
        gte(reconciliationRuns.ranAt, now - maxAgeMs),
      ),
    )
    .orderBy(desc(reconciliationRuns.ranAt))
    .limit(1)
  return row ? { ranAt: row.ranAt, result: JSON.parse(row.result) as T } : null
}
