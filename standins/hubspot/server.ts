/**
 * The HubSpot stand-in as a Node HTTP server on 127.0.0.1 (for `npm start` and the benchmark). Node only.
 *
 *   const { url, standin, close } = await startHubSpotStandin({ port: 0 })   // 0: any free port
 *   // point HUBSPOT_API_BASE at `url`; browse `${url}/_standin` to see what arrived
 */
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { createHubSpotStandin, type HubSpotStandin, type HubSpotStandinOptions } from './index'

export interface RunningHubSpotStandin {
  url: string
  standin: HubSpotStandin
  close(): Promise<void>
}

export function startHubSpotStandin(
  options: HubSpotStandinOptions & { port?: number } = {},
): Promise<RunningHubSpotStandin> {
  const { port = 0, ...standinOptions } = options
  const standin = createHubSpotStandin(standinOptions)
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: standin.fetch, port, hostname: '127.0.0.1' }, (info: AddressInfo) => {
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        standin,
        close: () => new Promise<void>((done, fail) => server.close((error) => (error ? fail(error) : done()))),
      })
    })
    server.once('error', reject)
  })
}
