import { z } from 'zod'

/**
 * BigCommerce webhook envelopes (research/bigcommerce.md §1). Payloads are light: they name a resource, and
 * the worker re-fetches it. The same resource comes in several spellings across scopes (`id`, camelCase
 * `orderId`, string `order_id` on transactions, channel-scoped order hooks with only `order_id`), so each
 * scope family has its own data schema and all of them resolve to one `WebhookSubject`.
 */
const id = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/).transform(Number)])

export const envelopeSchema = z.object({
  scope: z.string().regex(/^store\/[A-Za-z0-9_/]+$/, 'scope must look like store/<resource>/<event>'),
  store_id: z.union([z.string(), z.number()]).optional(),
  data: z.record(z.string(), z.unknown()),
  hash: z.string().min(1).max(128),
  created_at: z.number().int().nonnegative().optional(),
  producer: z.string().regex(/^stores\/[A-Za-z0-9]+$/, 'producer must be stores/<store_hash>'),
})
export type WebhookEnvelope = z.output<typeof envelopeSchema>

export type WebhookSubject =
  | { kind: 'order'; orderId: number }
  | { kind: 'cart'; cartId: string; change: 'updated' | 'deleted' | 'converted'; orderId: number | null }
  | { kind: 'cart_abandoned'; cartId: string | null; token: string | null }
  | { kind: 'customer'; customerId: number; change: 'updated' | 'deleted' }
  | { kind: 'subscriber'; subscriberId: number; change: 'updated' | 'deleted' }
  | { kind: 'product'; productId: number; change: 'updated' | 'deleted' }
  | { kind: 'channel'; channelId: number }
  | { kind: 'hook_exception'; hookId: number; errorCode: number; message: string }
  | { kind: 'company'; companyId: number; change: 'updated' | 'deleted' }
  | { kind: 'ignored'; reason: string }

const withId = z.object({ id })
const orderData = z.union([
  z.object({ id }).transform((d) => d.id),
  z.object({ orderId: id }).transform((d) => d.orderId),
  z.object({ order_id: id }).transform((d) => d.order_id),
])
const cartId = z.string().min(1).max(64)
/**
 * Global cart hooks name the cart `id` (a line item's cart `cartId`); channel-scoped ones `cart_id`
 * (docs/integrations/webhooks/events/channels.mdx), with neither `type` nor `id`.
 */
const channelScoped = (scope: string) => scope.startsWith('store/channel/')
const cartOf = (d: unknown, scope: string): string =>
  channelScoped(scope) ? z.object({ cart_id: cartId }).parse(d).cart_id : z.object({ id: cartId }).parse(d).id
const lineItemCartOf = (d: unknown, scope: string): string =>
  channelScoped(scope) ? z.object({ cart_id: cartId }).parse(d).cart_id : z.object({ cartId }).parse(d).cartId

/** Ordered: the first pattern that matches the scope decides how `data` is read. */
const RULES: { scope: RegExp; subject: (data: unknown, scope: string) => WebhookSubject }[] = [
  {
    // Payment instruments, metafields, stock levels and messages carry nothing we sync.
    scope: /^store\/(customer\/(payment|channel)\/|.*metafield|.*inventory\/|app\/|category\/|brand\/|(channel\/\d+\/)?order\/message\/)/,
    subject: (_d, scope) => ({ kind: 'ignored', reason: `scope ${scope} is not used` }),
  },
  {
    scope: /^store\/shipment\//,
    subject: (d) => ({ kind: 'order', orderId: z.object({ orderId: id }).parse(d).orderId }),
  },
  {
    scope: /^store\/(channel\/\d+\/)?order\//,
    subject: (d) => ({ kind: 'order', orderId: orderData.parse(d) }),
  },
  {
    // Channel-scoped: `{cart_id}` alone, which names the cart as well as a token would.
    scope: /^store\/channel\/\d+\/cart\/abandoned$/,
    subject: (d, scope) => ({ kind: 'cart_abandoned', cartId: cartOf(d, scope), token: null }),
  },
  {
    scope: /^store\/cart\/abandoned$/,
    subject: (d) => {
      // Either names the cart: the id itself, or the token (/v3/abandoned-carts/{token}); BigCommerce documents
      // the token as optional, so the id is the fallback.
      const data = z
        .object({ id: cartId.optional(), token: z.string().min(1).optional() })
        .refine((v) => v.id !== undefined || v.token !== undefined, 'store/cart/abandoned needs data.id or data.token')
        .parse(d)
      return { kind: 'cart_abandoned', cartId: data.id ?? null, token: data.token ?? null }
    },
  },
  {
    scope: /^store\/(channel\/\d+\/)?cart\/converted$/,
    subject: (d, scope) => {
      if (channelScoped(scope)) {
        // Named by `cart_id`, the order not always with it: the order's own hooks bring the order.
        const data = z.object({ cart_id: cartId, order_id: id.optional() }).parse(d)
        return { kind: 'cart', cartId: data.cart_id, change: 'converted', orderId: data.order_id ?? null }
      }
      const data = z.object({ id: cartId, orderId: id }).parse(d)
      return { kind: 'cart', cartId: data.id, change: 'converted', orderId: data.orderId }
    },
  },
  {
    scope: /^store\/(channel\/\d+\/)?cart\/lineItem\//,
    subject: (d, scope) => ({ kind: 'cart', cartId: lineItemCartOf(d, scope), change: 'updated', orderId: null }),
  },
  {
    scope: /^store\/(channel\/\d+\/)?cart\//,
    subject: (d, scope) => ({
      kind: 'cart',
      cartId: cartOf(d, scope),
      change: scope.endsWith('/deleted') ? 'deleted' : 'updated',
      orderId: null,
    }),
  },
  {
    // A channel created or changed (name, status), its site (domain, checkout domain) or currencies: re-read it.
    scope: /^store\/channel\/(created|updated)$/,
    subject: (d) => ({ kind: 'channel', channelId: withId.parse(d).id }),
  },
  {
    scope: /^store\/channel\/\d+\/settings\/(site|currency)\//,
    subject: (_d, scope) => ({ kind: 'channel', channelId: Number(/^store\/channel\/(\d+)\//.exec(scope)![1]) }),
  },
  {
    scope: /^store\/customer\/address\//,
    subject: (d) => ({
      kind: 'customer',
      customerId: z.object({ address: z.object({ customer_id: id }) }).parse(d).address.customer_id,
      change: 'updated',
    }),
  },
  {
    scope: /^store\/customer\//,
    subject: (d, scope) => ({
      kind: 'customer',
      customerId: withId.parse(d).id,
      change: scope.endsWith('/deleted') ? 'deleted' : 'updated',
    }),
  },
  {
    scope: /^store\/subscriber\//,
    subject: (d, scope) => ({
      kind: 'subscriber',
      subscriberId: withId.parse(d).id,
      change: scope.endsWith('/deleted') ? 'deleted' : 'updated',
    }),
  },
  {
    scope: /^store\/sku\//,
    subject: (d) => ({
      kind: 'product',
      productId: z.object({ sku: z.object({ product_id: id }) }).parse(d).sku.product_id,
      change: 'updated',
    }),
  },
  {
    scope: /^store\/product\//,
    subject: (d, scope) => ({
      kind: 'product',
      productId: withId.parse(d).id,
      change: scope.endsWith('/deleted') ? 'deleted' : 'updated',
    }),
  },
  {
    // B2B Edition (docs/integrations/webhooks/events/b2b-edition.mdx): a company, user or address event names the
    // company (`company_id`), and each re-reads it whole; super admin assignments carry nothing we sync.
    scope: /^store\/company\/superadmin\//,
    subject: (_d, scope) => ({ kind: 'ignored', reason: `scope ${scope} is not used` }),
  },
  {
    scope: /^store\/company\//,
    subject: (d, scope) => ({
      kind: 'company',
      companyId: z.object({ company_id: id }).parse(d).company_id,
      change: scope === 'store/company/deleted' ? 'deleted' : 'updated',
    }),
  },
  {
    scope: /^store\/hook\/deliveryException$/,
    subject: (d) => {
      const data = z.object({ id, error_code: id, message: z.string().default('') }).parse(d)
      return { kind: 'hook_exception', hookId: data.id, errorCode: data.error_code, message: data.message }
    },
  },
]

export class EnvelopeError extends Error {}

/** Reads what a delivery is about. Throws EnvelopeError when `data` does not fit its scope. */
export function webhookSubject(envelope: WebhookEnvelope): WebhookSubject {
  const rule = RULES.find((r) => r.scope.test(envelope.scope))
  if (!rule) return { kind: 'ignored', reason: `scope ${envelope.scope} is not used` }
  try {
    return rule.subject(envelope.data, envelope.scope)
  } catch (err) {
    if (err instanceof z.ZodError) {
      const problems = err.issues.map((i) => `data.${i.path.join('.')}: ${i.message}`).join('; ')
      throw new EnvelopeError(`data does not fit scope ${envelope.scope}: ${problems}`)
    }
    throw err
  }
}

/** A stable resource reference for indexing, e.g. `order:250`. */
export function subjectResource(subject: WebhookSubject): { type: string; id: string | null } {
  switch (subject.kind) {
    case 'order':
      return { type: 'order', id: String(subject.orderId) }
    case 'cart':
      return { type: 'cart', id: subject.cartId }
    case 'cart_abandoned':
      return { type: 'cart', id: subject.cartId ?? `token:${subject.token ?? ''}` }
    case 'customer':
      return { type: 'customer', id: String(subject.customerId) }
    case 'subscriber':
      return { type: 'subscriber', id: String(subject.subscriberId) }
    case 'product':
      return { type: 'product', id: String(subject.productId) }
    case 'channel':
      return { type: 'channel', id: String(subject.channelId) }
    case 'hook_exception':
      return { type: 'hook', id: String(subject.hookId) }
    case 'company':
      return { type: 'company', id: String(subject.companyId) }
    case 'ignored':
      return { type: 'ignored', id: null }
  }
}
