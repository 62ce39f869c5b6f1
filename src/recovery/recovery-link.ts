/**
 * The cart recovery link the worker writes to HubSpot (`hs_cart_url`, `bc_abandoned_cart_url`, sales tasks):
 * `{PUBLIC_URL}/carts/{cartId}/recover?sig=<expiry>.<mac>`. BigCommerce's own redirect URLs work once, so the
 * link points at the worker, which asks BigCommerce for a fresh one at each visit.
 *
 * The signature is an HMAC-SHA256 over the cart id and the expiry, with a key derived from
 * BIGCOMMERCE_ACCESS_TOKEN (a secret the worker already has; the key is never stored). Rotating that token
 * invalidates links already sent. A link expires when the cart does: 30 days after its last change.
 */
export const CART_LIFETIME_MS = 30 * 86_400_000

const PURPOSE = 'bc-hubspot-edge cart recovery link v1'
/** 128 bits of the MAC: plenty against forgery, and a short link. */
const MAC_BYTES = 16

const encoder = new TextEncoder()
const keys = new Map<string, Promise<CryptoKey>>()

/** The link key: HMAC-SHA256(secret, purpose), so the secret itself signs nothing a visitor sees. */
function linkKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret)
  if (!key) {
    key = (async () => {
      const master = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
      const derived = await crypto.subtle.sign('HMAC', master, encoder.encode(PURPOSE))
      return crypto.subtle.importKey('raw', derived, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
    })()
    keys.clear() // one secret per isolate; a rotated one replaces it
    keys.set(secret, key)
  }
  return key
}

async function mac(secret: string, cartId: string, expires: number): Promise<Uint8Array> {
  const signature = await crypto.subtle.sign('HMAC', await linkKey(secret), encoder.encode(`${cartId}\n${expires}`))
  return new Uint8Array(signature).slice(0, MAC_BYTES)
}

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

function fromBase64url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return null
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'))
    return Uint8Array.from(binary, (ch) => ch.charCodeAt(0))
  } catch {
    return null
  }
}

/** The link for a cart last changed at `updatedAt`; null without a public origin to point at. */
export async function recoveryLink(
  publicUrl: string | undefined,
  secret: string,
  cart: { cartId: string; updatedAt: string },
): Promise<string | null> {
  if (!publicUrl) return null
  const changed = Date.parse(cart.updatedAt)
  if (Number.isNaN(changed)) return null
  const expires = Math.floor((changed + CART_LIFETIME_MS) / 1000)
  const sig = `${expires.toString(36)}.${base64url(await mac(secret, cart.cartId, expires))}`
  return `${publicUrl.replace(/\/+$/, '')}/carts/${encodeURIComponent(cart.cartId)}/recover?sig=${sig}`
}

export type LinkCheck = { ok: true; expired: boolean } | { ok: false; problem: string }

/** Verifies a link's `sig` for the cart (constant time); an authentic but expired link says so. */
export async function checkRecoveryLink(secret: string, cartId: string, sig: string, now: number): Promise<LinkCheck> {
  const match = /^([0-9a-z]{1,12})\.([A-Za-z0-9_-]{1,64})$/.exec(sig)
  const given = match ? fromBase64url(match[2]!) : null
  if (!match || !given) return { ok: false, problem: 'the sig parameter is malformed' }
  const expires = parseInt(match[1]!, 36)
  const wanted = await mac(secret, cartId, expires)
  if (given.length !== wanted.length || !crypto.subtle.timingSafeEqual(given, wanted)) {
    return { ok: false, problem: 'the signature does not match this cart' }
  }
  return { ok: true, expired: expires * 1000 <= now }
}
