import { personObject } from '../durable/stubs'
import { Hono, type Context } from 'hono'
import { verifyCustomerToken } from '../beacon/customer-token'
import { describeIssues, hitSchema, readLimited, type Hit } from '../beacon/hit'
import { beaconOrigins } from '../beacon/origins'
import { beaconScript } from '../beacon/script'
import { currentOverrides } from '../db/overrides'
import type { Config } from '../config'
import { emailForIdentity, getVisitor, recordHit } from '../db/touches'
import { hitTime, planHit, type HitIdentity, type VisitorState } from '../domain/attribution'
import { resolveChannelRules } from '../domain/channel-rules'
import { classifyTouch } from '../domain/channels'
import type { ProductView } from '../domain/contact-state'
import type { Env } from '../env'
import { ApiError, type AppEnv } from '../http'
import { clientKey, overLimit, tooManyRequests } from '../rate-limits'

/**
 * The storefront beacon (contract section 3): `GET /beacon.js` and `POST /beacon`. The hit is recorded in D1
 * before the 204; the only other work (product views to the contact's Durable Object) runs after it.
 * Identity comes from proof only: a cart id, or a Current Customer token verified here. A hit that states an
 * email or a customer id is an anonymous touch: it links, credits and fires nothing.
 */
export const beacon = new Hono<AppEnv>()

beacon.get('/beacon.js', (c) => {
  c.header('Content-Type', 'application/javascript; charset=utf-8')
  c.header('Cache-Control', 'public, max-age=3600')
  c.header('Access-Control-Allow-Origin', '*')
  // Loaded by the storefront's pages, another origin.
  c.header('Cross-Origin-Resource-Policy', 'cross-origin')
  return c.body(beaconScript(new URL(c.req.url).origin, c.get('config').BIGCOMMERCE_APP_CLIENT_ID ?? null))
})

beacon.options('/beacon', async (c) => {
  const { allowed } = await storefrontOrigins(c)
  if (!allowed) throw forbidden(c)
  corsHeaders(c, allowed.origin)
  c.header('Access-Control-Max-Age', '86400')
  return c.body(null, 204)
})

// Per client (IP: shoppers behind one NAT share it) and per anonymous visitor, on the platform's rate
// limiting binding (wrangler.toml): a shopper sends a few hits per page, so only runaway scripts and abuse
// reach 600 and 60 a minute.
beacon.post('/beacon', async (c) => {
  // An active storefront's site, or an origin BEACON_ALLOWED_ORIGINS lists; the site names the hit's storefront.
  const origins = await storefrontOrigins(c)
  if (!origins.allowed) throw forbidden(c)
  corsHeaders(c, origins.allowed.origin)
  if (await overLimit(c.env.BEACON_CLIENT_LIMITER, clientKey(c))) {
    return tooManyRequests(c, 'too many hits from this client; try again shortly')
  }

  const type = (c.req.header('content-type') ?? 'text/plain').split(';')[0]!.trim().toLowerCase()
  if (type !== 'text/plain' && type !== 'application/json') {
    throw new ApiError(415, 'unsupported_media_type', 'send the hit as text/plain or application/json')
  }
  const body = await readLimited(c.req.raw)
  if (!body.ok) throw new ApiError(413, 'payload_too_large', 'a hit is at most 8 KiB')

  let json: unknown
  try {
    json = JSON.parse(body.text)
  } catch {
    throw new ApiError(400, 'invalid_json', 'the body is not JSON')
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ApiError(400, 'invalid_hit', 'the body must be a JSON object')
  }
  const parsed = hitSchema.safeParse(json)
  if (!parsed.success) throw new ApiError(400, 'invalid_hit', describeIssues(parsed.error))
  const hit = parsed.data

  if (await overLimit(c.env.BEACON_VISITOR_LIMITER, hit.anonymousId)) {
    return tooManyRequests(c, 'too many hits from this visitor; try again shortly')
  }
  const now = Date.now()

  // An admin's override (PUT /admin/api/overrides) wins over the CHANNEL_RULES variable.
  const { channelRules } = await currentOverrides(c.env.DB)
  const rules = resolveChannelRules(channelRules ? JSON.stringify(channelRules) : c.env.CHANNEL_RULES)
  if (!rules.ok) throw new ApiError(503, 'invalid_configuration', rules.message, { variable: 'CHANNEL_RULES' })
  const config = c.get('config')
  const at = hitTime(hit.occurredAt, now)
  const classification = classifyTouch(
    { url: hit.url, referrer: hit.referrer, selfHosts: origins.selfHosts },
    rules.rules,
  )
  const visitor = await getVisitor(c.env.DB, hit.anonymousId)
  const identity = await provenIdentity(hit, config, now)
  const plan = planHit(visitor, { anonymousId: hit.anonymousId, at, classification, identity }, config.SESSION_TIMEOUT.ms)
  await recordHit(c.env.DB, {
    anonymousId: hit.anonymousId, seen: visitor, at, receivedAt: now, classification, landingPage: pageOf(hit.url), plan,
    channelId: origins.allowed.channelId,
  })

  if (hit.productId !== undefined) {
    const view = { productId: hit.productId, productName: null, at: new Date(at).toISOString() }
    c.executionCtx.waitUntil(forwardProductView(c.env, identity, visitor, view))
  }
  return c.body(null, 204)
})

/**
 * The hit's identity, proven: its cart id, and the customer id of a Current Customer token that verifies
 * (only when BIGCOMMERCE_APP_CLIENT_ID is set). A token that does not verify (expired, another store's,
 * wrongly signed) leaves the hit anonymous; nothing about it is logged.
 */
async function provenIdentity(hit: Hit, config: Config, now: number): Promise<HitIdentity> {
  const identity: HitIdentity = { cartId: hit.cartId }
  const clientId = config.BIGCOMMERCE_APP_CLIENT_ID
  const clientSecret = config.BIGCOMMERCE_CLIENT_SECRET
  if (hit.customerToken && clientId && clientSecret) {
    const keys = { clientId, clientSecret, storeHash: config.BIGCOMMERCE_STORE_HASH }
    const check = await verifyCustomerToken(hit.customerToken, keys, now)
    if (check.ok) identity.customerId = check.customerId
  }
  return identity
}

/** The contact a product view belongs to, if the visitor is identified by proof by now; anonymous views are dropped. */
async function forwardProductView(env: Env, identity: HitIdentity, visitor: VisitorState | null, view: ProductView): Promise<void> {
  try {
    const email = await emailForIdentity(env.DB, {
      customerId: identity.customerId ?? visitor?.customerId ?? undefined,
      cartId: identity.cartId ?? visitor?.cartId ?? undefined,
    })
    if (email) await (await personObject(env, email)).recordProductViews([view], email)
  } catch (err) {
    console.error('beacon: product view not forwarded:', err instanceof Error ? err.message : String(err))
  }
}

function storefrontOrigins(c: Context<AppEnv>) {
  return beaconOrigins(c.env.DB, c.get('config').BEACON_ALLOWED_ORIGINS, c.req.header('origin'))
}

function forbidden(c: Context<AppEnv>): ApiError {
  const origin = c.req.header('origin')
  return new ApiError(
    403,
    'origin_not_allowed',
    origin
      ? `origin ${origin} is neither an active storefront's site nor in BEACON_ALLOWED_ORIGINS`
      : 'a beacon hit needs an Origin header',
  )
}

function corsHeaders(c: Context<AppEnv>, origin: string) {
  c.header('Access-Control-Allow-Origin', origin)
  c.header('Access-Control-Allow-Methods', 'POST, OPTIONS')
  c.header('Access-Control-Allow-Headers', 'Content-Type')
  c.header('Vary', 'Origin')
  c.header('Cross-Origin-Resource-Policy', 'cross-origin')
}

function pageOf(url: string): string | null {
  try {
    const u = new URL(url)
    return `${u.origin}${u.pathname}`.slice(0, 1024)
  } catch {
    return null
  }
}
