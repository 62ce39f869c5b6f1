import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { createServer, request, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Browser } from 'playwright-core'
import { getPlatformProxy, unstable_splitSqlQuery, unstable_startWorker } from 'wrangler'
import { freePort } from '../../scripts/demo/processes'

/**
 * Reusable for browser tests: the real worker under wrangler's programmatic API (workerd, local D1 and Durable
 * Objects in a throw-away directory, migrations applied), on a free loopback port, plus helpers to serve a
 * page from another loopback origin and to launch Chromium. Everything started here is stopped by `stop()`,
 * even after a failure.
 */
const ROOT = path.resolve(import.meta.dirname, '../..')

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** Headless system Chromium; playwright-core loads on first use (the intake bench needs only startWorker). */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core')
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, timeout: 60_000 })
}

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

type Stoppable = { stop(): Promise<unknown> } | { close(): Promise<unknown> }

/**
 * What a test (or the harness) started, stopped in reverse order with failures ignored, so one server that
 * will not stop does not leave the others running.
 *
 *   const teardown = new Teardown()
 *   beforeAll(() => teardown.guard(async () => { site = teardown.add(await startSite(...)) }))
 *   afterAll(() => teardown.run())
 */
export class Teardown {
  private steps: (() => Promise<unknown>)[] = []

  /** Stops `thing` (its `stop()` or `close()`) at teardown; returns it. */
  add<T extends Stoppable>(thing: T): T {
    this.steps.push(() => ('stop' in thing ? thing.stop() : thing.close()))
    return thing
  }

  defer(step: () => Promise<unknown>): void {
    this.steps.push(step)
  }

  /** Runs `start`; if it fails part-way, stops what it had started before rethrowing. */
  async guard<T>(start: () => Promise<T>): Promise<T> {
    try {
      return await start()
    } catch (err) {
      await this.run()
      throw err
    }
  }

  async run(): Promise<void> {
    const steps = this.steps.reverse()
    this.steps = []
    for (const step of steps) await step().catch(() => {})
  }
}

export async function startWorker(options: { vars?: Record<string, string>; timeoutMs?: number } = {}): Promise<WorkerHarness> {
  const timeoutMs = options.timeoutMs ?? 60_000
  const persist = await mkdtemp(path.join(tmpdir(), 'bc-worker-'))
  const teardown = new Teardown()
  teardown.defer(() => rm(persist, { recursive: true, force: true }))
  return teardown.guard(async () => {
    const proxy = await withTimeout(
      getPlatformProxy<{ DB: D1Database }>({ configPath: path.join(ROOT, 'wrangler.toml'), persist: { path: path.join(persist, 'v3') } }),
      timeoutMs,
      'the local platform',
    )
    teardown.defer(() => proxy.dispose())
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
    teardown.defer(() => worker.dispose())
    await withTimeout(worker.ready, timeoutMs, 'the worker')
    const url = (await worker.url).origin
    return { url, db: proxy.env.DB, stop: () => teardown.run() }
  })
}

async function applyMigrations(db: D1Database): Promise<void> {
  const dir = path.join(ROOT, 'migrations')
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort()) {
    const statements = unstable_splitSqlQuery(await readFile(path.join(dir, file), 'utf8'))
    await db.batch(statements.map((sql) => db.prepare(sql)))
  }
}

/** A server this harness started, on a loopback port of its own. */
export interface LocalServer {
  url: string
  stop(): Promise<void>
}

/** Listens on a free loopback port; `stop()` also drops open keep-alive connections, so it never hangs. */
async function listenLocally(server: Server): Promise<LocalServer> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** A tiny HTTP server on another loopback port: `routes` maps a path to a handler's response. */
export async function startSite(
  routes: Record<string, (req: IncomingMessage) => { status?: number; type?: string; body: string }>,
): Promise<LocalServer & { requests: { method: string; path: string }[] }> {
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
  return { ...(await listenLocally(server)), requests }
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
export async function startRecordingProxy(
  target: string,
): Promise<LocalServer & { requests: RecordedRequest[] }> {
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
  return { ...(await listenLocally(server)), requests }
}

/** Polls `check` until it returns a value (not undefined/false) or the time runs out. */
/**
 * Polls `check` until it returns a value. A check that throws is tried again too: the test reads the
 * worker's local D1 from a second runtime, and a read that meets the worker's write can fail now and then.
 */
export async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let lastError: unknown
  for (;;) {
    try {
      const value = await check()
      if (value !== undefined && value !== false) return value
    } catch (err) {
      lastError = err
    }
    if (Date.now() > deadline) {
      throw new Error(`condition not met within ${timeoutMs} ms`, lastError ? { cause: lastError } : undefined)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
}
