import { z } from 'zod'

/**
 * A beacon hit (contract section 3). Unknown keys are ignored so that a newer script works with an older
 * worker, and so are the `email` and `customerId` that older scripts send: only a cart id or a verified
 * Current Customer token identifies a visitor (routes/beacon.ts).
 */
export const hitSchema = z.object({
  anonymousId: z
    .string()
    .min(8, 'anonymousId must be at least 8 characters')
    .max(64, 'anonymousId must be at most 64 characters')
    .regex(/^[A-Za-z0-9_-]+$/, 'anonymousId may hold only letters, digits, - and _'),
  url: z.string().max(4096).pipe(z.url({ protocol: /^https?$/, error: 'url must be an http(s) URL' })),
  referrer: z.string().max(4096).optional(),
  // BigCommerce cart ids are UUIDs: unguessable, which is what makes one proof of who holds the cart.
  cartId: z
    .string()
    .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'cartId must be a BigCommerce cart id (a UUID)')
    .optional(),
  customerToken: z
    .string()
    .max(4096)
    .regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'customerToken must be the JWT from /customer/current.jwt')
    .optional(),
  productId: z.number().int().positive().optional(),
  occurredAt: z.iso.datetime({ offset: true, error: 'occurredAt must be an ISO-8601 date-time' }).optional(),
})
export type Hit = z.output<typeof hitSchema>

export const MAX_HIT_BYTES = 8 * 1024

export type BodyResult = { ok: true; text: string } | { ok: false; tooLarge: true }

/**
 * Reads at most `limit` bytes, whatever Content-Length claims (it may be absent, or lie): the stream is cut
 * as soon as it passes the limit.
 */
export async function readLimited(request: Request, limit = MAX_HIT_BYTES): Promise<BodyResult> {
  const declared = Number(request.headers.get('content-length'))
  if (Number.isFinite(declared) && declared > limit) return { ok: false, tooLarge: true }
  if (!request.body) return { ok: true, text: '' }
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      await reader.cancel().catch(() => {})
      return { ok: false, tooLarge: true }
    }
    chunks.push(value)
  }
  const bytes = new Uint8Array(size)
  let at = 0
  for (const c of chunks) {
    bytes.set(c, at)
    at += c.byteLength
  }
  return { ok: true, text: new TextDecoder().decode(bytes) }
}

/** The problem with a hit, in one sentence naming the field. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ')
}
