import { env } from 'cloudflare:workers'
import { callWorker } from './worker'

/** Admin test helpers: calls with a role's token (the test configuration's ADMIN_TOKENS) and D1 planting. */
export const TOKENS = {
  viewer: 'viewer-token-0123456789abcdef0123456789',
  operator: 'operator-token-0123456789abcdef0123456789',
  admin: 'admin-token-0123456789abcdef0123456789',
} as const
export type TestRole = keyof typeof TOKENS

export const WORKER = 'https://worker.example.com'

let clients = 0
/**
 * A client address of its own for each call (Cloudflare's CF-Connecting-IP): tests of other things do not
 * add up to the failed-authentication limit, which test/admin/sessions.test.ts tests on one client.
 */
export const freshClient = () => `198.51.100.${++clients % 250}-${clients}`

export async function adminCall(
  method: string,
  path: string,
  options: { role?: TestRole; token?: string; body?: unknown } = {},
): Promise<Response> {
  const headers: Record<string, string> = { 'cf-connecting-ip': freshClient() }
  const token = options.token ?? (options.role ? TOKENS[options.role] : undefined)
  if (token) headers.authorization = `Bearer ${token}`
  if (options.body !== undefined) headers['content-type'] = 'application/json'
  return callWorker(
    new Request(`https://worker.example.com${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
    }),
  )
}

const hex = (bytes: ArrayBuffer) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('')

export async function sha256Prefix(text: string): Promise<string> {
  return hex(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))).slice(0, 8)
}

/**
 * The audit trail's fingerprint of a token, computed here from its definition: HMAC-SHA-256 under a key
 * derived with HKDF-SHA-256 (salt "bc-hubspot-edge", info "admin-token-fingerprint") from
 * BIGCOMMERCE_ACCESS_TOKEN ('bc-test-token' in the test configuration), first 16 hex characters.
 */
export async function auditFingerprint(token: string, accessToken = 'bc-test-token'): Promise<string> {
  const text = new TextEncoder()
  const material = await crypto.subtle.importKey('raw', text.encode(accessToken), 'HKDF', false, ['deriveBits'])
  const bits = await crypto.subtle.deriveBits(
    { name: 'HKDF', hash: 'SHA-256', salt: text.encode('bc-hubspot-edge'), info: text.encode('admin-token-fingerprint') },
    material,
    256,
  )
  const key = await crypto.subtle.importKey('raw', bits, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  return hex(await crypto.subtle.sign('HMAC', key, text.encode(token))).slice(0, 16)
}

/** Signs in on the dashboard's form as a browser would (same origin); the session cookie as a Cookie header. */
export async function signIn(role: TestRole, init: { client?: string; userAgent?: string } = {}): Promise<string> {
  const response = await callWorker(
    new Request(`${WORKER}/admin/login`, {
      method: 'POST',
      headers: { origin: WORKER, 'cf-connecting-ip': init.client ?? freshClient(), ...(init.userAgent && { 'user-agent': init.userAgent }) },
      body: new URLSearchParams({ token: TOKENS[role] }),
    }),
  )
  if (response.status !== 303) throw new Error(`sign-in as ${role} answered ${response.status}`)
  return (response.headers.get('set-cookie') ?? '').split(';')[0]!
}

export interface PlantedOrder {
  orderId: number
  email?: string
  customerId?: number
  statusId?: number
  createdAt?: string
  currency?: string
  total?: string
  refunded?: string
  net?: string
  eventCreatedAt?: number | null
  syncedAt?: number | null
  cartId?: string | null
  baseCurrency?: string
}

export async function plantOrders(orders: PlantedOrder[]): Promise<void> {
  await env.DB.batch(
    orders.map((o) => {
      const total = o.total ?? '100.00'
      const net = o.net ?? total
      return env.DB.prepare(
        `INSERT INTO orders (order_id, email, customer_id, status_id, counts_as_paid, created_at, modified_at, currency,
           total_inc_tax, refunded, net_revenue, net_revenue_base, channel, cart_id, event_created_at, synced_at, base_currency)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'storefront', ?, ?, ?, ?)`,
      ).bind(
        o.orderId,
        o.email ?? `buyer${o.orderId}@example.com`,
        o.customerId ?? 0,
        o.statusId ?? 11,
        [2, 3, 4, 8, 9, 10, 11, 13, 14].includes(o.statusId ?? 11) ? 1 : 0,
        o.createdAt ?? '2026-11-10T12:00:00.000Z',
        o.createdAt ?? '2026-11-10T12:00:00.000Z',
        o.currency ?? 'USD',
        total,
        o.refunded ?? '0',
        net,
        net,
        o.cartId ?? null,
        o.eventCreatedAt ?? null,
        o.syncedAt ?? null,
        o.baseCurrency ?? o.currency ?? 'USD',
      )
    }),
  )
}

export async function plantContacts(contacts: { email: string; customerId?: number | null }[]): Promise<void> {
  await env.DB.batch(
    contacts.map((c) =>
      env.DB.prepare('INSERT INTO contacts (email, customer_id, updated_at) VALUES (?, ?, 0)').bind(c.email, c.customerId ?? null),
    ),
  )
}
