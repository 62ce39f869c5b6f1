import { desc, eq, like } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import type { ValueExpression } from 'kysely'
import type { Database } from './database'
import { d1Statement, queryBuilder } from './query-builder'
import { syncState } from './schema'

/**
 * `sync_state` (migrations/0001_foundation.sql): small JSON values by key that jobs keep between runs (the
 * last webhook-health check, storefront sync, audience lists, ...), and BigCommerce's delivery exceptions.
 */

export async function readState<T>(db: D1Database, key: string): Promise<{ value: T; updatedAt: number } | null> {
  const [row] = await drizzle(db).select({ value: syncState.value, updatedAt: syncState.updatedAt }).from(syncState).where(eq(syncState.key, key))
  return row ? { value: JSON.parse(row.value) as T, updatedAt: row.updatedAt } : null
}

export async function writeState(db: D1Database, key: string, value: unknown, now: number): Promise<void> {
  await stateWrite(db, key, JSON.stringify(value), now).run()
}

export async function deleteState(db: D1Database, key: string): Promise<void> {
  await drizzle(db).delete(syncState).where(eq(syncState.key, key))
}

/**
 * A write of `key` as a statement, for a batch: its value JSON text, or computed by SQL within the statement (a
 * cursor saved from the rows the same batch moves past, before the batch changes them).
 */
export function stateWrite(db: D1Database, key: string, value: ValueExpression<Database, 'sync_state', string>, now: number): D1PreparedStatement {
  const write = queryBuilder(db)
    .insertInto('sync_state')
    .values({ key, value, updated_at: now })
    .onConflict((oc) => oc.column('key').doUpdateSet((eb) => ({ value: eb.ref('excluded.value'), updated_at: eb.ref('excluded.updated_at') })))
  return d1Statement(db, write)
}

export interface HookException {
  hookId: number
  errorCode: number
  message: string
  at: string
}

const HOOK_EXCEPTION = 'hook_exception:'

/** BigCommerce's `store/hook/deliveryException`: kept for the webhook-health report, the last one per hook. */
export async function recordHookException(
  db: D1Database,
  exception: { hookId: number; errorCode: number; message: string },
  now: Date,
) {
  await writeState(db, `${HOOK_EXCEPTION}${exception.hookId}`, { ...exception, at: now.toISOString() }, now.getTime())
}

/** The recorded delivery exceptions, newest first. */
export async function hookExceptions(db: D1Database, limit = 20): Promise<HookException[]> {
  const rows = await drizzle(db)
    .select({ value: syncState.value })
    .from(syncState)
    .where(like(syncState.key, `${HOOK_EXCEPTION}%`))
    .orderBy(desc(syncState.updatedAt))
    .limit(limit)
  return rows.flatMap((row) => {
    try {
      return [JSON.parse(row.value) as HookException]
    } catch {
      return []
    }
  })
}
