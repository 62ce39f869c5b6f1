/**
 * Webhook deliveries as BigCommerce sends them. WebCrypto only, so this runs in workerd and Node.
 *
 * - `buildEnvelope`: `{scope, store_id (string), data, hash (SHA-1 hex of JSON data), created_at (Unix s), producer}`.
 * - `signDelivery`: Standard Webhooks headers. BigCommerce's sample verifies with
 *   `new Webhook(base64(CLIENT_SECRET))`; the library base64-decodes the key, so the HMAC key is the client
 *   secret's raw UTF-8 bytes. Plus `X-Webhook-Secret` when the hook was registered with that custom header.
 * - `deliver`: builds, signs and POSTs one delivery to a handler (a worker's fetch, a stand-in router).
 * - `dispatchToHooks`: delivers events to every active hook of the store whose scope matches, with the
 *   hook's own custom headers, as BigCommerce would; an order or cart event also goes, as its channel-scoped
 *   twin (`store/channel/{id}/order/created`, `data: {order_id}`), to hooks on that channel's scopes.
 */
import { channelScopedTwin } from './channels'
import type { BigCommerceStore } from './store'
import type { StoreEvent } from './types'

export interface WebhookEnvelope {
  scope: string
  store_id: string
  data: Record<string, unknown>
  hash: string
  created_at: number
  producer: string
}

export interface EnvelopeOptions {
  storeHash: string
  /** Numeric store id as a string (default '1025646', the docs' example). */
  storeId?: string
  /** Unix seconds (values above 1e11 are taken as milliseconds); default now. */
  createdAt?: number
}

export interface SignOptions {
  /** API account client secret: adds the Standard Webhooks headers. */
  clientSecret?: string
  /** Value for the `X-Webhook-Secret` custom header. */
  webhookSecret?: string
  /** `webhook-id` (default a fresh `msg_…` id). Reuse it to simulate a redelivery. */
  webhookId?: string
  /** `webhook-timestamp`, Unix seconds (default now). */
  timestamp?: number
}

export type DeliverOptions = EnvelopeOptions & SignOptions & {
  /** Extra headers sent as they are (a hook's custom headers). */
  headers?: Record<string, string>
}

export type DeliveryTarget = (request: Request) => Promise<Response> | Response

export const DEFAULT_STORE_ID = '1025646'

const encoder = new TextEncoder()

function toHex(buffer: ArrayBuffer): string {
  return [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('')
}

function toBase64(buffer: ArrayBuffer): string {
  let binary = ''
  for (const byte of new Uint8Array(buffer)) binary += String.fromCharCode(byte)
  return btoa(binary)
}

export async function sha1Hex(text: string): Promise<string> {
  return toHex(await crypto.subtle.digest('SHA-1', encoder.encode(text)))
}

export async function buildEnvelope(event: StoreEvent, options: EnvelopeOptions): Promise<WebhookEnvelope> {
  const createdAt = options.createdAt ?? Date.now() / 1000
  return {
    scope: event.scope,
    store_id: options.storeId ?? DEFAULT_STORE_ID,
    data: event.data,
    hash: await sha1Hex(JSON.stringify(event.data)),
    created_at: Math.floor(createdAt > 1e11 ? createdAt / 1000 : createdAt),
    producer: `stores/${options.storeHash}`,
  }
}

/** `v1,<base64 HMAC-SHA256(secret bytes, "{id}.{timestamp}.{body}")>` */
export async function standardWebhookSignature(secret: string, id: string, timestamp: number, body: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  const mac = await crypto.subtle.sign('HMAC', key, encoder.encode(`${id}.${timestamp}.${body}`))
  return `v1,${toBase64(mac)}`
}

export async function signDelivery(body: string, options: SignOptions = {}): Promise<Record<string, string>> {
  const headers: Record<string, string> = {}
  if (options.clientSecret !== undefined) {
    const id = options.webhookId ?? `msg_${crypto.randomUUID().replaceAll('-', '')}`
    const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000)
    headers['webhook-id'] = id
    headers['webhook-timestamp'] = String(timestamp)
    headers['webhook-signature'] = await standardWebhookSignature(options.clientSecret, id, timestamp, body)
  }
  if (options.webhookSecret !== undefined) headers['X-Webhook-Secret'] = options.webhookSecret
  return headers
}

/** Builds, signs and POSTs one delivery; returns the target's response. */
export async function deliver(target: DeliveryTarget, url: string, event: StoreEvent, options: DeliverOptions): Promise<Response> {
  const envelope = await buildEnvelope(event, options)
  const body = JSON.stringify(envelope)
  const signed = await signDelivery(body, options)
  const request = new Request(url, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', 'user-agent': 'BigCommerce-Webhooks/standin', ...options.headers, ...signed },
  })
  return target(request)
}

/** `store/order/*` covers every order scope below it, `store/cart/*` the line item scopes too. */
export function scopeMatches(hookScope: string, eventScope: string): boolean {
  if (hookScope === eventScope) return true
  return hookScope.endsWith('/*') && eventScope.startsWith(hookScope.slice(0, -1))
}

export interface DispatchResult {
  hookId: number
  scope: string
  destination: string
  status: number | 'error'
  error?: string
}

/**
 * Delivers each event to every active hook whose scope matches, sending the hook's custom headers (so a
 * hook registered with `X-Webhook-Secret` gets it back) and a Standard Webhooks signature when
 * `clientSecret` is given. `target` defaults to global fetch.
 */
export async function dispatchToHooks(store: BigCommerceStore, events: StoreEvent[], options: {
  target?: DeliveryTarget; clientSecret?: string; storeId?: string
  /** Envelope `created_at` (default the store's clock). */
  createdAt?: number
  /** `webhook-timestamp` (default real time, which the receiver's tolerance check compares with). */
  timestamp?: number
} = {}): Promise<DispatchResult[]> {
  const target = options.target ?? ((request: Request) => fetch(request))
  const results: DispatchResult[] = []
  const channelOf = (resource: 'order' | 'cart', id: string | number) =>
    resource === 'order' ? store.orders.get(Number(id))?.channel_id : store.cartChannel(String(id))
  const deliveries = events.flatMap((event) => {
    const twin = channelScopedTwin(event, channelOf)
    return twin ? [event, twin] : [event]
  })
  for (const event of deliveries) {
    for (const hook of store.hooks.values()) {
      if (hook.status !== 'active' || !scopeMatches(hook.scope, event.scope)) continue
      try {
        const response = await deliver(target, hook.destination, event, {
          storeHash: store.storeHash,
          storeId: options.storeId,
          createdAt: options.createdAt ?? store.clock() / 1000,
          clientSecret: options.clientSecret,
          timestamp: options.timestamp,
          headers: hook.headers ?? undefined,
        })
        results.push({ hookId: hook.id, scope: event.scope, destination: hook.destination, status: response.status })
      } catch (error) {
        results.push({ hookId: hook.id, scope: event.scope, destination: hook.destination, status: 'error', error: String(error) })
      }
    }
  }
  return results
}
