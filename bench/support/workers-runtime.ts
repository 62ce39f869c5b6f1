/**
 * What the worker's Durable Object classes import from `cloudflare:workers`, for benchmarks that run them in
 * Node (bench/support/workers-shim.mjs maps the module here): the `DurableObject` base class, and an
 * in-memory `DurableObjectState` (key-value storage that copies values as the real one serializes them,
 * alarms recorded but not fired, `blockConcurrencyWhile` serialized per object).
 */
export class DurableObject<Env = unknown> {
  constructor(
    protected readonly ctx: DurableObjectState,
    protected readonly env: Env,
  ) {}
}

export class WorkerEntrypoint<Env = unknown> {
  constructor(
    protected readonly ctx: ExecutionContext,
    protected readonly env: Env,
  ) {}
}

export const env = {}

/** One object's state: its storage and its (unfired) alarm. */
export function memoryState(name: string): DurableObjectState {
  const data = new Map<string, unknown>()
  let alarm: number | null = null
  let queue: Promise<unknown> = Promise.resolve()
  const storage = {
    async get(key: string | string[]) {
      if (Array.isArray(key)) return new Map(key.filter((k) => data.has(k)).map((k) => [k, structuredClone(data.get(k))]))
      return structuredClone(data.get(key))
    },
    async put(key: string | Record<string, unknown>, value?: unknown) {
      const entries = typeof key === 'string' ? { [key]: value } : key
      for (const [k, v] of Object.entries(entries)) data.set(k, structuredClone(v))
    },
    async delete(key: string | string[]) {
      const keys = Array.isArray(key) ? key : [key]
      let deleted = 0
      for (const k of keys) if (data.delete(k)) deleted++
      return Array.isArray(key) ? deleted : deleted > 0
    },
    async list(options: { prefix?: string } = {}) {
      const keys = [...data.keys()].filter((k) => !options.prefix || k.startsWith(options.prefix)).sort()
      return new Map(keys.map((k) => [k, structuredClone(data.get(k))]))
    },
    async getAlarm() {
      return alarm
    },
    async setAlarm(at: number | Date) {
      alarm = typeof at === 'number' ? at : at.getTime()
    },
    async deleteAlarm() {
      alarm = null
    },
  }
  return {
    id: { toString: () => name, name, equals: () => false },
    storage,
    blockConcurrencyWhile<T>(fn: () => Promise<T>): Promise<T> {
      const run = queue.then(fn)
      queue = run.catch(() => undefined)
      return run
    },
    waitUntil() {},
  } as unknown as DurableObjectState
}
