/**
 * A D1 database for benchmarks that run the worker's own code in Node: SQLite (sql.js, compiled to
 * WebAssembly) in memory behind the part of the D1 API the worker uses (`prepare`/`bind`/`first`/`all`/
 * `run`/`raw`, `batch` as one transaction, `exec`), with the repository's migrations applied. Miniflare's D1
 * is the same SQLite, but each query crosses a process boundary (about 10 ms here): too slow for the hundreds
 * of thousands of queries of a large import.
 */
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import initSqlJs, { type Database, type SqlValue, type Statement } from 'sql.js'

type Bindable = SqlValue | boolean | undefined | bigint

function toSql(value: unknown): SqlValue {
  if (value === undefined || value === null) return null
  if (typeof value === 'boolean') return value ? 1 : 0
  if (typeof value === 'bigint') return Number(value)
  if (value instanceof ArrayBuffer) return new Uint8Array(value)
  return value as SqlValue
}

interface Meta {
  duration: number
  changes: number
  last_row_id: number
  rows_read: number
  rows_written: number
  changed_db: boolean
  size_after: number
}

class SqlJsStatement {
  constructor(
    private readonly d1: SqlJsD1,
    readonly sql: string,
    readonly params: SqlValue[] = [],
  ) {}

  bind(...values: Bindable[]): SqlJsStatement {
    return new SqlJsStatement(this.d1, this.sql, values.map(toSql))
  }

  async first<T = Record<string, unknown>>(column?: string): Promise<T | null> {
    const { rows } = this.d1.execute(this.sql, this.params)
    const row = rows[0]
    if (!row) return null
    return (column === undefined ? row : (row[column] ?? null)) as T | null
  }

  async all<T = Record<string, unknown>>(): Promise<{ success: true; results: T[]; meta: Meta }> {
    const { rows, meta } = this.d1.execute(this.sql, this.params)
    return { success: true, results: rows as T[], meta }
  }

  async run<T = Record<string, unknown>>(): Promise<{ success: true; results: T[]; meta: Meta }> {
    return this.all<T>()
  }

  async raw<T = unknown[]>(options?: { columnNames?: boolean }): Promise<T[]> {
    const { arrays, columns } = this.d1.execute(this.sql, this.params, 'arrays')
    return (options?.columnNames ? [columns, ...arrays] : arrays) as T[]
  }
}

export class SqlJsD1 {
  private readonly statements = new Map<string, Statement>()
  /** Statements executed, for the benchmark's own figures. */
  queries = 0

  constructor(private readonly db: Database) {}

  prepare(sql: string): SqlJsStatement {
    return new SqlJsStatement(this, sql)
  }

  async batch(statements: SqlJsStatement[]): Promise<Awaited<ReturnType<SqlJsStatement['all']>>[]> {
    this.db.run('BEGIN')
    try {
      const results = statements.map((s) => {
        const { rows, meta } = this.execute(s.sql, s.params)
        return { success: true as const, results: rows, meta }
      })
      this.db.run('COMMIT')
      return results
    } catch (err) {
      this.db.run('ROLLBACK')
      throw err
    }
  }

  async exec(sql: string): Promise<{ count: number; duration: number }> {
    this.db.exec(sql)
    return { count: 1, duration: 0 }
  }

  /**
   * Runs one statement (cached by its text) with its parameters; synchronous, as SQLite is. Rows come as
   * objects or as arrays, whichever the caller reads.
   */
  execute(sql: string, params: SqlValue[], shape: 'objects' | 'arrays' = 'objects') {
    this.queries++
    const statement = this.statement(sql)
    const rows: Record<string, unknown>[] = []
    const arrays: unknown[][] = []
    let columns: string[]
    try {
      statement.bind(params)
      columns = statement.getColumnNames()
      while (statement.step()) {
        if (shape === 'arrays') arrays.push(statement.get())
        else rows.push(statement.getAsObject())
      }
    } finally {
      statement.reset()
    }
    const changes = this.db.getRowsModified()
    const lastRowId = this.statement('SELECT last_insert_rowid()')
    lastRowId.step()
    const meta: Meta = {
      duration: 0,
      changes,
      last_row_id: Number(lastRowId.get()[0] ?? 0),
      rows_read: rows.length + arrays.length,
      rows_written: changes,
      changed_db: changes > 0,
      size_after: 0,
    }
    lastRowId.reset()
    return { rows, arrays, columns, meta }
  }

  private statement(sql: string): Statement {
    let statement = this.statements.get(sql)
    if (!statement) this.statements.set(sql, (statement = this.db.prepare(sql)))
    return statement
  }
}

/** An empty database with every migration in `migrations/` applied, in order. */
export async function migratedD1(): Promise<SqlJsD1> {
  const SQL = await initSqlJs()
  const db = new SQL.Database()
  const dir = path.join(import.meta.dirname, '..', '..', 'migrations')
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort()) {
    db.exec(await readFile(path.join(dir, file), 'utf8'))
  }
  return new SqlJsD1(db)
}
