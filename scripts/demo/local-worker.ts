/** The worker under `wrangler dev`, on fresh local state (D1 migrations applied), for the demo and benchmarks. */
import { createWriteStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { stripVTControlCharacters } from 'node:util'
import { freePort, killTree, runWrangler, startWranglerDev, waitForHttp, type DevServer } from './processes'

export interface LocalWorkerOptions {
  /** The worker's variables; `url` is where it will listen (for PUBLIC_URL). */
  vars: (url: string) => Record<string, string>
  port?: number
  /** Each line wrangler or the worker prints (also written to `logFile`). */
  onLine?: (line: string) => void
}

export interface LocalWorker {
  url: string
  dev: DevServer
  persistDir: string
  logFile: string
  /** The first `GET /health` answer (503 names a configuration problem). */
  health: Response
  /** Kills the worker's process (SIGKILL, as a crash would) and starts it again on the same port and local state. */
  restart(): Promise<void>
  close(): Promise<void>
}

export async function startLocalWorker(options: LocalWorkerOptions): Promise<LocalWorker> {
  const persistDir = await mkdtemp(path.join(os.tmpdir(), 'bc-hubspot-local-'))
  await runWrangler(['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persistDir])
  const port = options.port ?? (await freePort())
  const url = `http://127.0.0.1:${port}`
  const logFile = path.join(persistDir, 'worker.log')
  const log = createWriteStream(logFile)
  const start = () =>
    startWranglerDev({ port, persistTo: persistDir, vars: options.vars(url) }, (raw) => {
      const line = stripVTControlCharacters(raw)
      log.write(`${line}\n`)
      options.onLine?.(line)
    })
  const stop = async (server: DevServer, signal?: NodeJS.Signals) => {
    killTree(server.child, signal)
    await new Promise((resolve) => (server.child.exitCode !== null ? resolve(null) : server.child.once('exit', resolve)))
  }
  const worker: LocalWorker = {
    url,
    dev: start(),
    persistDir,
    logFile,
    health: undefined as unknown as Response,
    async restart() {
      await stop(worker.dev, 'SIGKILL')
      worker.dev = start()
      await waitForHttp(`${url}/health`, worker.dev, 90_000)
    },
    async close() {
      await stop(worker.dev)
      log.end()
      await rm(persistDir, { recursive: true, force: true }).catch(() => {})
    },
  }
  worker.health = await waitForHttp(`${url}/health`, worker.dev, 90_000)
  return worker
}
