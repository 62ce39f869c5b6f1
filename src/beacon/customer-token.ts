import { verify } from 'hono/jwt'
import { z } from 'zod'

/**
 * BigCommerce's Current Customer token (contract section 3): the storefront hands a signed-in shopper's
 * browser a JWT from `/customer/current.jwt?app_client_id=...`, signed HS256 with the app's client secret.
 * Verified with Hono's JWT utilities: the signature and algorithm, the issuer, the audience (our app's client
 * id), then our store and the token's lifetime with a short allowance for clock skew. Only then is its
 * `customer.id` identity.
 */
export const CLOCK_SKEW_SECONDS = 60

export interface CustomerTokenKeys {
  /** BIGCOMMERCE_APP_CLIENT_ID: the token's audience. */
  clientId: string
  /** BIGCOMMERCE_CLIENT_SECRET: the HS256 key. */
  clientSecret: string
  storeHash: string
}

const claimsSchema = z.object({
  customer: z.object({ id: z.number().int().positive() }),
  store_hash: z.string(),
  operation: z.literal('current_customer'),
  iat: z.number(),
  exp: z.number(),
})

export type CustomerTokenCheck =
  | { ok: true; customerId: number }
  | { ok: false; reason: 'signature' | 'claims' | 'store' | 'expired' | 'not_yet_valid' }

export async function verifyCustomerToken(token: string, keys: CustomerTokenKeys, nowMs: number): Promise<CustomerTokenCheck> {
  let payload: unknown
  try {
    // Times are checked below, with the skew allowance Hono's own checks do not have.
    payload = await verify(token, keys.clientSecret, { alg: 'HS256', iss: 'bc/apps', aud: keys.clientId, exp: false, iat: false, nbf: false })
  } catch {
    return { ok: false, reason: 'signature' }
  }
  const claims = claimsSchema.safeParse(payload)
  if (!claims.success) return { ok: false, reason: 'claims' }
  const { customer, store_hash, iat, exp } = claims.data
  if (store_hash.toLowerCase() !== keys.storeHash.toLowerCase()) return { ok: false, reason: 'store' }
  const now = nowMs / 1000
  if (exp + CLOCK_SKEW_SECONDS <= now) return { ok: false, reason: 'expired' }
  if (iat - CLOCK_SKEW_SECONDS > now) return { ok: false, reason: 'not_yet_valid' }
  return { ok: true, customerId: customer.id }
}
