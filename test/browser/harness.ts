import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { createServer, request, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { getPlatformProxy, unstable_splitSqlQuery, unstable_startWorker } from 'wrangler'

/**
 * Reusable for browser tests: the real worker under wrangler's programmatic API (workerd, local D1 and Durable
 * Objects in a throw-away directory, migrations applied), on a free loopback port, plus helpers to serve a
 * page from another loopback origin. Everything started here is stopped by `stop()`, even after a failure.
 */
const ROOT = path.resolve(import.meta.dirname, '../..')

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** Configuration the worker needs to answer at all; tests add or override with `vars`. */
const BASE_VARS: Record<string, string> = {
  BIGCOMMERCE_STORE_HASH: 'teststore',
  BIGCOMMERCE_ACCESS_TOKEN: 'bc-test-token',
  BIGCOMMERCE_API_BASE: 'http://127.0.0.1:9',
  BIGCOMMERCE_WEBHOOK_SECRET: 'test-webhook-secret',
  HUBSPOT_ACCESS_TOKEN: 'hs-test-token',
  HUBSPOT_API_BASE: 'http://127.0.0.1:9',
}

export interface WorkerHarness {
  /** The worker's origin, e.g. http://127.0.0.1:43123 */
  url: string
  /** The worker's local D1, for seeding and assertions. */
  db: D1Database
  stop(): Promise<void>
}

export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms)
      }),
    ])
  } finally {
    clearTimeout(timer)
  }
}

export async function startWorker(options: { vars?: Record<string, string>; timeoutMs?: number } = {}): Promise<WorkerHarness> {
  const timeoutMs = options.timeoutMs ?? 60_000
  const persist = await mkdtemp(path.join(tmpdir(), 'bc-worker-'))
  const cleanups: (() => Promise<unknown>)[] = [() => rm(persist, { recursive: true, force: true })]
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {})
  }
  try {
    const proxy = await withTimeout(
      getPlatformProxy<{ DB: D1Database }>({ configPath: path.join(ROOT, 'wrangler.toml'), persist: { path: path.join(persist, 'v3') } }),
      timeoutMs,
      'the local platform',
    )
    cleanups.push(() => proxy.dispose())
    await applyMigrations(proxy.env.DB)

    const port = await freePort()
    const vars = { ...BASE_VARS, ...options.vars }
    const worker = await unstable_startWorker({
      config: path.join(ROOT, 'wrangler.toml'),
      bindings: Object.fromEntries(Object.entries(vars).map(([k, value]) => [k, { type: 'plain_text', value }])),
      dev: {
        server: { hostname: '127.0.0.1', port },
        inspector: false,
        persist,
        watch: false,
        logLevel: 'warn',
      },
    })
    cleanups.push(() => worker.dispose())
    await withTimeout(worker.ready, timeoutMs, 'the worker')
    const url = (await worker.url).origin
    return { url, db: proxy.env.DB, stop }
  } catch (err) {
    await stop()
    throw err
  }
}

async function applyMigrations(db: D1Database): Promise<void> {
  const dir = path.join(ROOT, 'migrations')
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort()) {
    const statements = unstable_splitSqlQuery(await readFile(path.join(dir, file), 'utf8'))
    await db.batch(statements.map((sql) => db.prepare(sql)))
  }
}

/** A tiny HTTP server on another loopback port: `routes` maps a path to a handler's response. */
export async function startSite(
  routes: Record<string, (req: import('node:http').IncomingMessage) => { status?: number; type?: string; body: string }>,
): Promise<{ url: string; requests: { method: string; path: string }[]; stop(): Promise<void> }> {
  const requests: { method: string; path: string }[] = []
  const server: Server = createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://x').pathname
    requests.push({ method: req.method ?? 'GET', path: pathname })
    const route = routes[pathname]
    if (!route) {
      res.writeHead(404).end('not found')
      return
    }
    const out = route(req)
    res.writeHead(out.status ?? 200, { 'content-type': out.type ?? 'text/html; charset=utf-8' }).end(out.body)
  })
  const port = await freePort()
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

export interface RecordedRequest {
  method: string
  path: string
  headers: Record<string, string | string[] | undefined>
  body: string
}

/**
 * A recording pass-through in front of the worker: what the browser really sent (preflights included, which
 * the page's own request events do not show).
 */
export async function startRecordingProxy(target: string): Promise<{ url: string; requests: RecordedRequest[]; stop(): Promise<void> }> {
  const requests: RecordedRequest[] = []
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks)
    requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body: body.toString('utf8') })
    // Host is passed through, so the worker sees (and its script points at) the proxy's origin.
    const upstream = request(`${target}${req.url}`, { method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers)
      up.pipe(res)
    })
    upstream.on('error', () => res.writeHead(502).end())
    upstream.end(body)
  })
  const port = await freePort()
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}


/** Polls `check` until it returns a value (not undefined/false) or the time runs out. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined && value !== false) return value
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 100))
  }
}
