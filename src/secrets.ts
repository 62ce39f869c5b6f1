/**
 * Comparing secrets (webhook shared secret, admin tokens) without leaking them through timing: both sides
 * are hashed with SHA-256 and the digests compared with timingSafeEqual, so neither the content nor the
 * length of the secret shows in how long a comparison takes. Also: keyed fingerprints and random session secrets.
 */
const encoder = new TextEncoder()

export async function sha256(text: string): Promise<ArrayBuffer> {
  return crypto.subtle.digest('SHA-256', encoder.encode(text))
}

export async function secretEquals(presented: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([sha256(presented), sha256(expected)])
  return crypto.subtle.timingSafeEqual(a, b)
}

function hex(bytes: ArrayBuffer): string {
  return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('')
}

export async function sha256Hex(text: string): Promise<string> {
  return hex(await sha256(text))
}

const fingerprintKeys = new Map<string, Promise<CryptoKey>>()

/**
 * An HMAC key for one purpose, derived (HKDF-SHA-256) from a configured secret: it exists only in memory,
 * never in D1 or storage, and nobody reading what it keyed can test guesses against it offline.
 */
function derivedKey(secret: string, purpose: string): Promise<CryptoKey> {
  const id = `${purpose}\n${secret}`
  let key = fingerprintKeys.get(id)
  if (!key) {
    key = (async () => {
      const material = await crypto.subtle.importKey('raw', encoder.encode(secret), 'HKDF', false, ['deriveKey'])
      return crypto.subtle.deriveKey(
        { name: 'HKDF', hash: 'SHA-256', salt: encoder.encode('bc-hubspot-edge'), info: encoder.encode(purpose) },
        material,
        { name: 'HMAC', hash: 'SHA-256', length: 256 },
        false,
        ['sign'],
      )
    })()
    fingerprintKeys.set(id, key)
  }
  return key
}

/** The first 16 hex characters of HMAC-SHA-256(key derived from `secret` for `purpose`, value). */
export async function keyedFingerprint(secret: string, purpose: string, value: string): Promise<string> {
  const signature = await crypto.subtle.sign('HMAC', await derivedKey(secret, purpose), encoder.encode(value))
  return hex(signature).slice(0, 16)
}

/** A random secret of 32 bytes, base64url: for session ids. */
export function randomSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32))
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}
