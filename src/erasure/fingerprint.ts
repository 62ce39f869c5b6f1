import type { Config } from '../config'

/**
 * The keyed fingerprint of a person (HMAC-SHA256 of the normalized email): what the erasure tombstones keep and
 * the audit log shows, never the email itself. Without the key, a fingerprint cannot be checked against a list
 * of emails. The key is ERASURE_KEY, else one derived from the BigCommerce client secret or webhook secret (one
 * of them is always set: webhooks are refused without); each tombstone records which key made it, so a changed
 * key is noticed (src/cron/hubspot-consent.ts reports it) instead of silently letting erased people back in.
 */
export interface ErasureKey {
  key: CryptoKey
  /** A short HMAC of a fixed label: tells keys apart without revealing one. */
  id: string
  source: 'ERASURE_KEY' | 'BIGCOMMERCE_CLIENT_SECRET' | 'BIGCOMMERCE_WEBHOOK_SECRET'
}

const encoder = new TextEncoder()
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
  // A derived key, so the same secret never serves two purposes (webhook signatures and fingerprints).
  const secret = await hmacKey(encoder.encode(config[source]!))
  const key = await hmacKey(await sign(secret, 'bc-hubspot-edge erasure fingerprint v1'))
  return { key, id: hex(await sign(key, 'key id')).slice(0, 12), source }
}

/** The person's fingerprint: 64 hex characters. `email` must be normalized. */
export async function personFingerprint(key: ErasureKey, email: string): Promise<string> {
  return hex(await sign(key.key, `person:${email}`))
}

/** The short form the audit log and the admin answer show. */
export function shortFingerprint(fingerprint: string): string {
  return fingerprint.slice(0, 16)
}

function hmacKey(bytes: BufferSource): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
}

function sign(key: CryptoKey, text: string): Promise<ArrayBuffer> {
  return crypto.subtle.sign('HMAC', key, encoder.encode(text))
}

function hex(buffer: ArrayBuffer): string {
  return [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('')
}
