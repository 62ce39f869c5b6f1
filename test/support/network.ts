/**
 * Outbound HTTP in tests: the worker, its Durable Objects and the tests share one isolate, so replacing
 * `fetch` here routes every outbound call. Each host is served by an in-process handler (a stand-in's
 * fetch); a request to any other host fails loudly, so no test can reach a real API.
 */
type Handler = (request: Request) => Promise<Response> | Response

const hosts = new Map<string, Handler>()

export function serveHost(host: string, handler: Handler): void {
  hosts.set(host, handler)
}

export function clearHosts(): void {
  hosts.clear()
}

globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
  const request = new Request(input, init)
  const host = new URL(request.url).host
  const handler = hosts.get(host)
  if (!handler) throw new TypeError(`test network: no stand-in serves ${host} (${request.method} ${request.url})`)
  return handler(request)
}
