/**
 * Comparing secrets (webhook shared secret, admin tokens) without leaking them through timing: both sides
 * are hashed with SHA-256 and the digests compared with timingSafeEqual, so neither the content nor the
 * length of the secret shows in how long a comparison takes.
 */
const encoder = new TextEncoder()

export async function sha256(text: string): Promise<ArrayBuffer> {
  return crypto.subtle.digest('SHA-256', encoder.encode(text))
}

export async function secretEquals(presented: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([sha256(presented), sha256(expected)])
  return crypto.subtle.timingSafeEqual(a, b)
}
