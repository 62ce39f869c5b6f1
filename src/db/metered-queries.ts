import type { Compilable, InferResult } from 'kysely'
import { d1Statement, jsonEach, queryBuilder } from './query-builder'

/**
 * The attribution rollup's statements run as D1 statements (`d1Statement`) so that their rows read and written
 * can be metered (kysely-d1 does not expose D1's result metadata). Sets of keys travel as one JSON parameter
 * (`json_each`), so a query never hits D1's limit on bound parameters.
 */

/** Rows read and written, summed from D1's result metadata: what the benchmark reports. */
export class Meter {
  rowsRead = 0
  rowsWritten = 0
  queries = 0
  add(meta: { rows_read?: number; rows_written?: number } | undefined): void {
    this.queries++
    this.rowsRead += meta?.rows_read ?? 0
    this.rowsWritten += meta?.rows_written ?? 0
  }
}

export async function meteredRows<Q extends Compilable>(db: D1Database, meter: Meter | undefined, query: Q): Promise<InferResult<Q>> {
  const result = await d1Statement(db, query).all()
  meter?.add(result.meta)
  return result.results as InferResult<Q>
}

export async function meteredBatch(meter: Meter | undefined, db: D1Database, statements: D1PreparedStatement[]): Promise<void> {
  if (statements.length === 0) return
  for (const result of await db.batch(statements)) meter?.add(result.meta)
}

/** A set of keys as a subquery: one bound parameter whatever its size. */
export function keysIn<T extends string | number>(db: D1Database, keys: readonly T[]) {
  return queryBuilder(db).selectFrom(jsonEach(keys).as('keys')).select('keys.value')
}
