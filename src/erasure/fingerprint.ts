import type { Config } from '../config'
import { keyedDigest } from '../secrets'

/**
 * The keyed fingerprint of a person (HMAC-SHA256 of the normalized email): what the erasure tombstones keep and
 * the audit log shows, never the email itself. Without the key, a fingerprint cannot be checked against a list
 * of emails. The key is ERASURE_KEY, else one derived from the BigCommerce client secret or webhook secret (one
 * of them is always set: webhooks are refused without); each tombstone records which key made it, so a changed
 * key is noticed (src/upkeep/hubspot-consent.ts reports it) instead of silently letting erased people back in.
 */
export interface ErasureKey {
  /** The configured secret the HMAC key is derived from (src/secrets.ts: HKDF, this purpose only). */
  secret: string
  /** A short HMAC of a fixed label: tells keys apart without revealing one. */
  id: string
  source: 'ERASURE_KEY' | 'BIGCOMMERCE_CLIENT_SECRET' | 'BIGCOMMERCE_WEBHOOK_SECRET'
}

/** The HKDF purpose: the same secret never serves two purposes (webhook signatures and fingerprints). */
const PURPOSE = 'erasure-person-fingerprint'
const cache = new WeakMap<object, Promise<ErasureKey | null>>()

/** The key in force, or null when no secret is configured at all. */
export function erasureKey(config: Config): Promise<ErasureKey | null> {
  let key = cache.get(config)
  if (!key) {
    key = deriveKey(config)
    cache.set(config, key)
  }
  return key
}

async function deriveKey(config: Config): Promise<ErasureKey | null> {
  const source = config.ERASURE_KEY
    ? ('ERASURE_KEY' as const)
    : config.BIGCOMMERCE_CLIENT_SECRET
      ? ('BIGCOMMERCE_CLIENT_SECRET' as const)
      : config.BIGCOMMERCE_WEBHOOK_SECRET
        ? ('BIGCOMMERCE_WEBHOOK_SECRET' as const)
        : null
  if (!source) return null
  const secret = config[source]!
  return { secret, id: (await keyedDigest(secret, PURPOSE, 'key id')).slice(0, 12), source }
}

/** The person's fingerprint: 64 hex characters. `email` must be normalized. */
export async function personFingerprint(key: ErasureKey, email: string): Promise<string> {
  return keyedDigest(key.secret, PURPOSE, `person:${email}`)
}

/** The short form the audit log and the admin answer show. */
export function shortFingerprint(fingerprint: string): string {
  return fingerprint.slice(0, 16)
}
