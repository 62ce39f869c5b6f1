/**
 * The worker under wrangler's dev server, through wrangler's own Node API (`unstable_startWorker`), which
 * `wrangler dev` on the command line runs too, with two differences the demo and the benchmarks need:
 * - no DevTools inspector: wrangler attaches one even when nobody opens DevTools, and under load its
 *   network events for every request and subrequest (hundreds a second) cost the runtime and wrangler much
 *   of a 2-core machine, and fill wrangler's debug log by a gigabyte a few minutes;
 * - no file watching: a benchmark's worker does not reload when a file changes under it.
 * Options come as JSON in WRANGLER_DEV_OPTIONS (not argv: the variables hold secrets).
 */
import process from 'node:process'
import { unstable_startWorker } from 'wrangler'

const options = JSON.parse(process.env.WRANGLER_DEV_OPTIONS ?? '{}')
const worker = await unstable_startWorker({
  config: options.config,
  // As secrets: wrangler prints bindings at start, and these hold tokens (it prints secrets as "(hidden)").
  bindings: Object.fromEntries(Object.entries(options.vars ?? {}).map(([name, value]) => [name, { type: 'secret_text', value }])),
  dev: {
    inspector: false,
    watch: false,
    persist: options.persistTo,
    server: { hostname: options.ip, port: options.port },
    testScheduled: true,
  },
})
await worker.ready
process.stdout.write(`[wrangler:info] Ready on ${(await worker.url).href}\n`)

const stop = async () => {
  await worker.dispose()
  process.exit(0)
}
process.once('SIGTERM', stop)
process.once('SIGINT', stop)
