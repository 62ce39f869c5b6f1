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
  close(): Promise<void>
}

export async function startLocalWorker(options: LocalWorkerOptions): Promise<LocalWorker> {
  const persistDir = await mkdtemp(path.join(os.tmpdir(), 'bc-hubspot-local-'))
  await runWrangler(['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persistDir])
  const port = options.port ?? (await freePort())
  const url = `http://127.0.0.1:${port}`
  const logFile = path.join(persistDir, 'worker.log')
  const log = createWriteStream(logFile)
  const dev = startWranglerDev({ port, persistTo: persistDir, vars: options.vars(url) }, (raw) => {
    const line = stripVTControlCharacters(raw)
    log.write(`${line}\n`)
    options.onLine?.(line)
  })
  const health = await waitForHttp(`${url}/health`, dev, 90_000)
  return {
    url,
    dev,
    persistDir,
    logFile,
    health,
    async close() {
      killTree(dev.child)
      await new Promise((resolve) => (dev.child.exitCode !== null ? resolve(null) : dev.child.once('exit', resolve)))
      log.end()
      await rm(persistDir, { recursive: true, force: true }).catch(() => {})
    },
  }
}
