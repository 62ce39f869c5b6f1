import { env } from 'cloudflare:workers'
import { is } from 'drizzle-orm'
import { getTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core'
import { describe, expect, it } from 'vitest'
import { d1Statement, queryBuilder } from '../../src/db/query-builder'
import * as schema from '../../src/db/schema'

// The drizzle schema (and through it kysely's `Database`, db/database.ts) against what the migrations create.

interface MigratedColumn {
  name: string
  type: string
  notnull: number
  dflt_value: string | null
  pk: number
}

/** One column as both sides can describe it. */
interface ColumnShape {
  column: string
  type: string
  notNull: boolean | 'primary key'
  default: string | null
}

const declaredTables: SQLiteTable[] = Object.values(schema).filter((value) => is(value, SQLiteTable))

async function migratedTableNames(): Promise<string[]> {
  const { results } = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name != 'd1_migrations' ORDER BY name",
  ).all<{ name: string }>()
  return results.map((row) => row.name)
}

/** A drizzle default as the SQL literal table_info shows (booleans are 0 and 1). */
function sqlLiteral(value: unknown): string | null {
  if (value === undefined) return null
  if (typeof value === 'string') return `'${value}'`
  if (typeof value === 'boolean') return value ? '1' : '0'
  return String(value)
}

function declaredShape(table: SQLiteTable): ColumnShape[] {
  const { name, columns } = getTableConfig(table)
  return columns.map((column) => {
    const rowid = column.primary && column.getSQLType() === 'integer'
    return {
      column: `${name}.${column.name}`,
      type: column.getSQLType().toUpperCase(),
      // drizzle calls a single-column primary key NOT NULL; SQLite's table_info leaves it unsaid.
      notNull: column.primary ? 'primary key' : column.notNull,
      // An INTEGER PRIMARY KEY is the rowid: SQLite fills it in when an insert leaves it out.
      default: rowid ? 'rowid' : sqlLiteral(column.default),
    }
  })
}

async function migratedShape(table: string): Promise<ColumnShape[]> {
  const { results } = await env.DB.prepare('SELECT * FROM pragma_table_info(?)').bind(table).all<MigratedColumn>()
  const singleKey = results.filter((column) => column.pk > 0).length === 1
  return results.map((column) => {
    const primary = singleKey && column.pk > 0
    return {
      column: `${table}.${column.name}`,
      type: column.type.toUpperCase(),
      notNull: primary ? 'primary key' : column.notnull === 1,
      default: primary && column.type.toUpperCase() === 'INTEGER' ? 'rowid' : column.dflt_value,
    }
  })
}

async function migratedPrimaryKey(table: string): Promise<string[]> {
  const { results } = await env.DB.prepare('SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY name').bind(table).all<{ name: string }>()
  return results.map((row) => row.name)
}

function declaredPrimaryKey(table: SQLiteTable): string[] {
  const config = getTableConfig(table)
  return [
    ...config.columns.filter((column) => column.primary).map((column) => column.name),
    ...config.primaryKeys.flatMap((key) => key.columns.map((column) => column.name)),
  ].sort()
}

describe('the schema', () => {
  it('declares every table the migrations create, and no other', async () => {
    const names = declaredTables.map((table) => getTableConfig(table).name).sort()
    expect(new Set(names).size).toBe(names.length)
    expect(names).toEqual(await migratedTableNames())
  })

  it('declares each column with the type, NOT NULL and default the migrations give it, and the same primary keys', async () => {
    const byColumn = (a: ColumnShape, b: ColumnShape) => a.column.localeCompare(b.column)
    for (const table of declaredTables) {
      const name = getTableConfig(table).name
      expect(declaredShape(table).sort(byColumn)).toEqual((await migratedShape(name)).sort(byColumn))
      expect({ name, key: declaredPrimaryKey(table) }).toEqual({ name, key: await migratedPrimaryKey(name) })
    }
  })

  it('lets kysely query a table by the SQL names the schema declares', async () => {
    const db = queryBuilder(env.DB)
    await db.insertInto('cart_values').values({ cart_id: 'schema-test', currency: 'USD', amount: '12.50', amount_sort: 12.5, updated_at: 1 }).execute()
    const row = await db.selectFrom('cart_values').select(['amount', 'amount_sort']).where('cart_id', '=', 'schema-test').executeTakeFirstOrThrow()
    expect(row).toEqual({ amount: '12.50', amount_sort: 12.5 })
    await env.DB.batch([d1Statement(env.DB, db.deleteFrom('cart_values').where('cart_id', '=', 'schema-test'))])
    expect(await db.selectFrom('cart_values').select('cart_id').where('cart_id', '=', 'schema-test').execute()).toEqual([])
  })
})
