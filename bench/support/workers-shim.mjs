// `tsx --import ./bench/support/workers-shim.mjs`: resolves `cloudflare:workers` to an in-memory stand-in of
// the runtime (workers-runtime.ts), so the worker's Durable Object classes run in Node for benchmarks.
import { register } from 'node:module'

register(
  'data:text/javascript,' +
    encodeURIComponent(`
      const runtime = ${JSON.stringify(import.meta.resolve("./workers-runtime.ts"))}
      export async function resolve(specifier, context, next) {
        if (specifier === 'cloudflare:workers') return { url: runtime, shortCircuit: true }
        return next(specifier, context)
      }
    `),
  import.meta.url,
)
