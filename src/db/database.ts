import type { Column, Table } from 'drizzle-orm'
import type { Generated } from 'kysely'
import type * as schema from './schema'

/**
 * kysely's view of D1, derived from the drizzle schema so the two cannot drift: one entry per table, keyed by
 * its SQL name, each column by its SQL name. A column with a default (an autoincrement id, a counter) is
 * `Generated`: an insert may leave it out. drizzle's boolean columns are 0 or 1 in SQL, and kysely passes
 * what D1 returns through untouched, so they are numbers here.
 */
type SqlValue<C extends Column> = C['_']['columnType'] extends 'SQLiteBoolean' ? number : C['_']['data']
type Cell<C extends Column> = C['_']['notNull'] extends true ? SqlValue<C> : SqlValue<C> | null
type ColumnOf<C extends Column> = C['_']['hasDefault'] extends true ? Generated<Cell<C>> : Cell<C>
type TableOf<T extends Table> = {
  [K in keyof T['_']['columns'] as T['_']['columns'][K]['_']['name']]: ColumnOf<T['_']['columns'][K]>
}
type Tables = { [K in keyof typeof schema as (typeof schema)[K] extends Table ? K : never]: (typeof schema)[K] }

export type Database = { [K in keyof Tables as Tables[K]['_']['name']]: TableOf<Tables[K]> }
