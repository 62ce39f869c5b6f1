import { contactObject } from '../durable/stubs'
import { Hono, type Context } from 'hono'
import { describeIssues, hitSchema, readLimited, type Hit } from '../beacon/hit'
import { beaconOrigins } from '../beacon/origins'
import { FixedWindowLimiter } from '../beacon/rate-limit'
import { beaconScript } from '../beacon/script'
import { currentOverrides } from '../admin/overrides'
import { emailForIdentity, getVisitor, recordHit } from '../db/touches'
import { hitTime, planHit, type VisitorState } from '../domain/attribution'
import { resolveChannelRules } from '../domain/channel-rules'
import { classifyTouch } from '../domain/channels'
import type { ProductView } from '../domain/contact-state'
import type { Env } from '../env'
import { jsonError, type AppEnv } from '../http'

/**
 * The storefront beacon (contract section 3): `GET /beacon.js` and `POST /beacon`. The hit is recorded in D1
 * before the 204; the only other work (product views to the contact's Durable Object) runs after it.
 */
export const beacon = new Hono<AppEnv>()

// A shopper sends a few hits per page; 60 a minute per browser and 600 per IP (shoppers behind one NAT) only
// stop scripts gone wrong and abuse.
const perVisitor = new FixedWindowLimiter(60, 60_000)
const perIp = new FixedWindowLimiter(600, 60_000)

beacon.get('/beacon.js', (c) => {
  c.header('Content-Type', 'application/javascript; charset=utf-8')
  c.header('Cache-Control', 'public, max-age=3600')
  c.header('Access-Control-Allow-Origin', '*')
  return c.body(beaconScript(new URL(c.req.url).origin))
})

beacon.options('/beacon', async (c) => {
  const { allowed } = await beaconOrigins(c.env.DB, c.get('config').BEACON_ALLOWED_ORIGINS, c.req.header('origin'))
  if (!allowed) return forbidden(c)
  corsHeaders(c, allowed.origin)
  c.header('Access-Control-Max-Age', '86400')
  return c.body(null, 204)
})

beacon.post('/beacon', async (c) => {
  // An active storefront's site, or an origin BEACON_ALLOWED_ORIGINS lists; the site names the hit's storefront.
  const origins = await beaconOrigins(c.env.DB, c.get('config').BEACON_ALLOWED_ORIGINS, c.req.header('origin'))
  if (!origins.allowed) return forbidden(c)
  corsHeaders(c, origins.allowed.origin)

  const type = (c.req.header('content-type') ?? 'text/plain').split(';')[0]!.trim().toLowerCase()
  if (type !== 'text/plain' && type !== 'application/json') {
    return jsonError(c, 415, 'unsupported_media_type', 'send the hit as text/plain or application/json')
  }
  const body = await readLimited(c.req.raw)
  if (!body.ok) return jsonError(c, 413, 'payload_too_large', 'a hit is at most 8 KiB')

  let json: unknown
  try {
    json = JSON.parse(body.text)
  } catch {
    return jsonError(c, 400, 'invalid_json', 'the body is not JSON')
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return jsonError(c, 400, 'invalid_hit', 'the body must be a JSON object')
  }
  const parsed = hitSchema.safeParse(json)
  if (!parsed.success) return jsonError(c, 400, 'invalid_hit', describeIssues(parsed.error))
  const hit = parsed.data

  const now = Date.now()
  const ip = c.req.header('cf-connecting-ip') ?? 'unknown'
  if (!perIp.allow(ip, now) || !perVisitor.allow(hit.anonymousId, now)) {
    c.header('Retry-After', String(perVisitor.retryAfter(now)))
    return jsonError(c, 429, 'rate_limited', 'too many hits from this client; try again shortly')
  }

  // An admin's override (PUT /admin/api/overrides) wins over the CHANNEL_RULES variable.
  const { channelRules } = await currentOverrides(c.env.DB)
  const rules = resolveChannelRules(channelRules ? JSON.stringify(channelRules) : c.env.CHANNEL_RULES)
  if (!rules.ok) return jsonError(c, 503, 'invalid_configuration', rules.message, { variable: 'CHANNEL_RULES' })
  const config = c.get('config')
  const at = hitTime(hit.occurredAt, now)
  const classification = classifyTouch(
    { url: hit.url, referrer: hit.referrer, selfHosts: origins.selfHosts },
    rules.rules,
  )
  const visitor = await getVisitor(c.env.DB, hit.anonymousId)
  const plan = planHit(
    visitor,
    { anonymousId: hit.anonymousId, at, classification, identity: identityOf(hit) },
    config.SESSION_TIMEOUT.ms,
  )
  await recordHit(c.env.DB, {
    anonymousId: hit.anonymousId, seen: visitor, at, receivedAt: now, classification, landingPage: pageOf(hit.url), plan,
    channelId: origins.allowed.channelId,
  })

  if (hit.productId !== undefined) {
    c.executionCtx.waitUntil(forwardProductView(c.env, hit, visitor, { productId: hit.productId, productName: null, at: new Date(at).toISOString() }))
  }
  return c.body(null, 204)
})

function identityOf(hit: Hit) {
  return { cartId: hit.cartId, customerId: hit.customerId, email: hit.email }
}

/** The contact a product view belongs to, if the visitor is identified by now; anonymous views are dropped. */
async function forwardProductView(env: Env, hit: Hit, visitor: VisitorState | null, view: ProductView): Promise<void> {
  try {
    const email =
      hit.email ??
      visitor?.email ??
      (await emailForIdentity(env.DB, {
        customerId: hit.customerId ?? visitor?.customerId ?? undefined,
        cartId: hit.cartId ?? visitor?.cartId ?? undefined,
      }))
    if (email) await contactObject(env, email).recordProductViews([view], email)
  } catch (err) {
    console.error('beacon: product view not forwarded:', err instanceof Error ? err.message : String(err))
  }
}

function forbidden(c: Context<AppEnv>) {
  const origin = c.req.header('origin')
  return jsonError(
    c,
    403,
    'origin_not_allowed',
    origin ? `origin ${origin} is neither an active storefront's site nor in BEACON_ALLOWED_ORIGINS` : 'a beacon hit needs an Origin header',
  )
}

function corsHeaders(c: Context<AppEnv>, origin: string) {
  c.header('Access-Control-Allow-Origin', origin)
  c.header('Access-Control-Allow-Methods', 'POST, OPTIONS')
  c.header('Access-Control-Allow-Headers', 'Content-Type')
  c.header('Vary', 'Origin')
}

function pageOf(url: string): string | null {
  try {
    const u = new URL(url)
    return `${u.origin}${u.pathname}`.slice(0, 1024)
  } catch {
    return null
  }
}
