import { exports } from 'cloudflare:workers'
import { currentCustomerToken, type CurrentCustomerTokenOptions } from '../../standins/bigcommerce'

/** Beacon test helpers: a storefront's hit, and Current Customer tokens as the test store would sign them. */
export const SHOP = 'https://shop.example.com'
export const TEST_KEYS = { storeHash: 'teststore', clientId: 'test-app-client-id', clientSecret: 'test-client-secret' }

export function customerToken(id: number, email = `customer${id}@example.com`, over: Partial<CurrentCustomerTokenOptions> = {}) {
  return currentCustomerToken({ customer: { id, email }, ...TEST_KEYS, ...over })
}

export function postHit(body: unknown, headers: Record<string, string> = {}) {
  return exports.default.fetch('https://worker.example.com/beacon', {
    method: 'POST',
    headers: { origin: SHOP, 'content-type': 'text/plain', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
}
