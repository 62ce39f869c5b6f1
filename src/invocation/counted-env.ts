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
class CountedStatement {
  constructor(
    readonly inner: D1PreparedStatement,
    private readonly budget: InvocationBudget,
  ) {}

  bind(...values: unknown[]): CountedStatement {
    return new CountedStatement(this.inner.bind(...values), this.budget)
  }

  first(column?: string) {
    this.budget.spendQueries()
    return column === undefined ? this.inner.first() : this.inner.first(column)
  }

  run() {
    this.budget.spendQueries()
    return this.inner.run()
  }

  all() {
    this.budget.spendQueries()
    return this.inner.all()
  }

  raw(options?: { columnNames?: boolean }) {
    this.budget.spendQueries()
    return options?.columnNames ? this.inner.raw({ columnNames: true }) : this.inner.raw()
  }
}

export function countedD1(db: D1Database, budget: InvocationBudget): D1Database {
  const unwrap = (s: D1PreparedStatement) => (s instanceof CountedStatement ? s.inner : s) as D1PreparedStatement
  const counted = {
    // The binding's own prepare, passed through (the caller's SQL, built by drizzle or kysely): not a statement.
    prepare: (query: string) => new CountedStatement(db.prepare(query), budget) as unknown as D1PreparedStatement,
    batch: (statements: D1PreparedStatement[]) => {
      budget.spendQueries(statements.length)
      return db.batch(statements.map(unwrap))
    },
    exec: (query: string) => {
      budget.spendQueries()
      return db.exec(query)
    },
    dump: () => db.dump(),
    withSession: (constraint?: string) => db.withSession(constraint),
  }
  return counted as unknown as D1Database
}

/** Each method called on a stub is one subrequest (an RPC to the object). */
function countedNamespace<T extends object>(namespace: T, budget: InvocationBudget): T {
  const count = <S extends object>(stub: S): S =>
    new Proxy(stub, {
      get(target, property) {
        const value = (target as Record<PropertyKey, unknown>)[property]
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
      const value = (target as unknown as Record<PropertyKey, unknown>)[property]
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
  } as Queue<T>
}
