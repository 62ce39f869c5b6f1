/** Node only: serves a stand-in's fetch on 127.0.0.1 (0: any free port) for `npm start` and the benchmarks. */
import { serve } from '@hono/node-server'
import type { AddressInfo } from 'node:net'

export function listenLocally(fetch: (request: Request) => Promise<Response>, port: number): Promise<{ url: string; close(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port, hostname: '127.0.0.1' }, (info: AddressInfo) => {
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        close: () => new Promise<void>((done, fail) => server.close((error) => (error ? fail(error) : done()))),
      })
    })
    server.once('error', reject)
  })
}
