import { Kysely, sql, type Compilable, type RawBuilder } from 'kysely'
import { D1Dialect } from 'kysely-d1'
import type { Database } from './database'

/**
 * kysely over D1 (kysely-d1), for the queries drizzle expresses badly: the attribution rollup, reports,
 * retention in batches, quality. Plain reads and writes stay on drizzle. Built once per database binding.
 */
const builders = new WeakMap<D1Database, Kysely<Database>>()

export function queryBuilder(db: D1Database): Kysely<Database> {
  let builder = builders.get(db)
  if (!builder) {
    builder = new Kysely<Database>({ dialect: new D1Dialect({ database: db }) })
    builders.set(db, builder)
  }
  return builder
}

/**
 * A kysely query as a D1 statement, for `db.batch` (atomic, and the only way to send several statements in one
 * round trip: kysely-d1 runs one at a time and has no transactions) and where D1's row counts are metered.
 */
export function d1Statement(db: D1Database, query: Compilable): D1PreparedStatement {
  const { sql, parameters } = query.compile()
  return db.prepare(sql).bind(...parameters)
}

/**
 * A list as a table of one column `value` (SQLite's `json_each`), for `IN` and joins: a set of any size is ONE
 * bound parameter (D1 allows 100 per statement). `selectFrom(jsonEach(emails).as('e')).select('e.value')`.
 */
export function jsonEach<T extends string | number>(values: readonly T[]): RawBuilder<{ value: T }> {
  return sql<{ value: T }>`json_each(${JSON.stringify(values)})`
}
