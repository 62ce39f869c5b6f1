/** Child processes of the demo: free ports, wrangler commands, and stopping them all on the way out. */
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import path from 'node:path'

const ROOT = path.resolve(import.meta.dirname, '..', '..')
const WRANGLER = path.join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js')

/** Environment for wrangler: no prompts, no telemetry (the demo may run offline). */
const WRANGLER_ENV = { ...process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1', FORCE_COLOR: '0' }

/** A port nobody listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

const children = new Set<ChildProcess>()

/** Runs wrangler to completion; rejects with its output when it fails. */
export function runWrangler(args: string[], timeoutMs = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRANGLER, ...args], { cwd: ROOT, env: WRANGLER_ENV, detached: true })
    children.add(child)
    let output = ''
    child.stdout.on('data', (chunk) => (output += chunk))
    child.stderr.on('data', (chunk) => (output += chunk))
    const timer = setTimeout(() => {
      killTree(child)
      reject(new Error(`wrangler ${args.slice(0, 3).join(' ')} took longer than ${timeoutMs / 1000} s\n${output}`))
    }, timeoutMs)
    child.once('error', reject)
    child.once('exit', (code) => {
      clearTimeout(timer)
      children.delete(child)
      if (code === 0) resolve(output)
      else reject(new Error(`wrangler ${args.slice(0, 3).join(' ')} exited with ${code}\n${output.slice(-4000)}`))
    })
  })
}

export interface DevServer {
  url: string
  child: ChildProcess
  /** The last lines wrangler printed (for error reports). */
  output(): string
}

export interface DevServerOptions {
  port: number
  persistTo: string
  /** The worker's variables, on top of wrangler.toml's. */
  vars: Record<string, string>
}

/**
 * Starts the worker under wrangler's dev server (`wrangler-dev.mjs`: local D1, Durable Objects, queues and
 * `/__scheduled`, without the DevTools inspector or file watching) in its own process group; `onLine` sees
 * what the worker logs.
 */
export function startWranglerDev(options: DevServerOptions, onLine: (line: string) => void): DevServer {
  const launcher = path.join(ROOT, 'scripts', 'demo', 'wrangler-dev.mjs')
  const devOptions = { config: path.join(ROOT, 'wrangler.toml'), ip: '127.0.0.1', ...options }
  const child = spawn(process.execPath, [launcher], {
    cwd: ROOT,
    env: { ...WRANGLER_ENV, WRANGLER_DEV_OPTIONS: JSON.stringify(devOptions) },
    detached: true,
  })
  children.add(child)
  child.once('exit', () => children.delete(child))
  const lines: string[] = []
  const take = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line.trim()) continue
      lines.push(line)
      if (lines.length > 200) lines.shift()
      onLine(line)
    }
  }
  child.stdout!.on('data', take)
  child.stderr!.on('data', take)
  return { url: `http://127.0.0.1:${options.port}`, child, output: () => lines.join('\n') }
}

/** Waits until `url` answers (any status below 500, or 503 which names a configuration problem). */
export async function waitForHttp(url: string, server: DevServer, timeoutMs: number): Promise<Response> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null) throw new Error(`wrangler dev exited (${server.child.exitCode}):\n${server.output()}`)
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(3_000) })
      if (response.status < 500 || response.status === 503) return response
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s:\n${server.output()}`)
}

/** Stops a child and everything it started (wrangler runs workerd): its process group. */
export function killTree(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): void {
  if (child.exitCode !== null || child.pid === undefined) return
  try {
    process.kill(-child.pid, signal)
  } catch {
    try {
      child.kill(signal)
    } catch {
      // Already gone.
    }
  }
}

/** Stops every child this process started, politely, then for good after `graceMs`. */
export async function stopAll(graceMs = 5_000): Promise<void> {
  const running = [...children].filter((c) => c.exitCode === null)
  for (const child of running) killTree(child, 'SIGTERM')
  await Promise.race([
    Promise.all(running.map((c) => new Promise((resolve) => (c.exitCode !== null ? resolve(null) : c.once('exit', resolve))))),
    new Promise((resolve) => setTimeout(resolve, graceMs)),
  ])
  for (const child of running) killTree(child, 'SIGKILL')
}
