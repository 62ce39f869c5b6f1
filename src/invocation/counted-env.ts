import type { Env } from '../env'
import type { InvocationBudget } from './budget'

/**
 * The environment as one invocation sees it: the same bindings, each call counted in the invocation's
 * budget as the runtime counts it (a D1 query per statement, a batch per statement in it; a subrequest per
 * Durable Object call and per queue send). Everything the invocation runs gets this environment, so nothing
 * it does escapes the count.
 */
export function countedEnv(env: Env, budget: InvocationBudget): Env {
  return {
    ...env,
    DB: countedD1(env.DB, budget),
    CONTACT: env.CONTACT && countedNamespace(env.CONTACT, budget),
    HUBSPOT_WRITER: env.HUBSPOT_WRITER && countedNamespace(env.HUBSPOT_WRITER, budget),
    WEBHOOK_QUEUE: env.WEBHOOK_QUEUE && countedQueue(env.WEBHOOK_QUEUE, budget),
  }
}

/** A statement that counts a query when it runs. */
class CountedStatement implements D1PreparedStatement {
  constructor(
    readonly inner: D1PreparedStatement,
    private readonly budget: InvocationBudget,
  ) {}

  bind(...values: unknown[]): CountedStatement {
    return new CountedStatement(this.inner.bind(...values), this.budget)
  }

  first<T = unknown>(colName: string): Promise<T | null>
  first<T = Record<string, unknown>>(): Promise<T | null>
  first<T>(colName?: string): Promise<T | null> {
    this.budget.spendQueries()
    return colName === undefined ? this.inner.first<T>() : this.inner.first<T>(colName)
  }

  run<T = Record<string, unknown>>(): Promise<D1Result<T>> {
    this.budget.spendQueries()
    return this.inner.run<T>()
  }

  all<T = Record<string, unknown>>(): Promise<D1Result<T>> {
    this.budget.spendQueries()
    return this.inner.all<T>()
  }

  raw<T = unknown[]>(options: { columnNames: true }): Promise<[string[], ...T[]]>
  raw<T = unknown[]>(options?: { columnNames?: false }): Promise<T[]>
  raw<T = unknown[]>(options?: { columnNames?: boolean }): Promise<[string[], ...T[]] | T[]> {
    this.budget.spendQueries()
    return options?.columnNames ? this.inner.raw<T>({ columnNames: true }) : this.inner.raw<T>()
  }
}

export function countedD1(db: D1Database, budget: InvocationBudget): D1Database {
  const unwrap = (s: D1PreparedStatement) => (s instanceof CountedStatement ? s.inner : s)
  return {
    // Passes the caller's SQL through to the binding's own prepare: the statement counts when it runs.
    prepare: (query: string) => new CountedStatement(db.prepare(query), budget),
    batch: <T>(statements: D1PreparedStatement[]) => {
      budget.spendQueries(statements.length)
      return db.batch<T>(statements.map(unwrap))
    },
    exec: (query: string) => {
      budget.spendQueries()
      return db.exec(query)
    },
    dump: () => db.dump(),
    withSession: (constraint?: string) => db.withSession(constraint),
  }
}

/** Each method called on a stub is one subrequest (an RPC to the object). */
function countedNamespace<T extends object>(namespace: T, budget: InvocationBudget): T {
  const count = <S extends object>(stub: S): S =>
    new Proxy(stub, {
      get(target, property) {
        const value: unknown = Reflect.get(target, property)
        if (typeof value !== 'function' || property === 'then') return value
        // Reflect.apply: an RPC method stub answers any property, `apply` included, as a remote call.
        return (...args: unknown[]) => {
          budget.spendSubrequests()
          return Reflect.apply(value, target, args)
        }
      },
    })
  return new Proxy(namespace, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property)
      if (property === 'get' || property === 'getByName') {
        return (...args: unknown[]) => count(Reflect.apply(value as (...a: unknown[]) => object, target, args))
      }
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value
    },
  })
}

function countedQueue<T>(queue: Queue<T>, budget: InvocationBudget): Queue<T> {
  return {
    send: (body, options) => {
      budget.spendSubrequests()
      return queue.send(body, options)
    },
    sendBatch: (messages, options) => {
      budget.spendSubrequests()
      return queue.sendBatch(messages, options)
    },
    metrics: () => {
      budget.spendSubrequests()
      return queue.metrics()
    },
  }
}
