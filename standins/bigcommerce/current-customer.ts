import { sign } from 'hono/jwt'

/**
 * BigCommerce's Current Customer token, as the storefront's `/customer/current.jwt?app_client_id=...` answers
 * a signed-in shopper (docs: start/authentication/current-customer, reference/current_customer.yml): a JWT
 * signed HS256 with the app API account's client secret, valid for 15 minutes, with this payload. Tests, the
 * demo and the browser test's storefront page mint them here; `at`, `ttlSeconds` and the keys let a test make
 * an expired, foreign-store or wrongly signed one.
 */
export interface CurrentCustomerTokenOptions {
  customer: { id: number; email: string; groupId?: string }
  storeHash: string
  clientId: string
  clientSecret: string
  /** Issue time, unix ms (default: now). */
  at?: number
  ttlSeconds?: number
}

export function currentCustomerToken(o: CurrentCustomerTokenOptions): Promise<string> {
  const iat = Math.floor((o.at ?? Date.now()) / 1000)
  return sign(
    {
      customer: { id: o.customer.id, email: o.customer.email, group_id: o.customer.groupId ?? '0' },
      iss: 'bc/apps',
      sub: o.storeHash,
      iat,
      exp: iat + (o.ttlSeconds ?? 15 * 60),
      version: 1,
      aud: o.clientId,
      application_id: o.clientId,
      store_hash: o.storeHash,
      operation: 'current_customer',
    },
    o.clientSecret,
    'HS256',
  )
}
