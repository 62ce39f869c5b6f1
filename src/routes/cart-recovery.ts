import { Hono, type Context } from 'hono'
import { freshCartRedirectUrl, storefrontCartPage } from '../bigcommerce/storefront'
import { cartChannel } from '../db/identity'
import { ApiError, type AppEnv } from '../http'
import { bigCommerceClient } from '../clients'
import { checkRecoveryLink } from '../recovery/recovery-link'

/**
 * `GET /carts/{cartId}/recover?sig=...` (contract section 3): the recovery link in HubSpot. Each visit asks
 * BigCommerce for a fresh single-use redirect URL and redirects there, so the link works every time; a cart
 * that became an order or is gone lands on the cart page of its own storefront (Multi-Storefront: the site of
 * the cart's channel), never on an error. `HEAD` and
 * prefetches (browsers' speculative loads, link previews and mail scanners that announce themselves) consume
 * nothing: no BigCommerce URL is made for them.
 */
const CART_ID = /^[0-9A-Za-z-]{1,64}$/

/** A shopper clicking waits a few seconds at most; a rate-limited store sends them to the cart page instead. */
const TUNING = { maxAttempts: 2, maxWaitMs: 3_000 }

const NO_STORE = { 'cache-control': 'no-store', 'referrer-policy': 'no-referrer', 'x-robots-tag': 'noindex' }

/** Requests that only look ahead: a real visit carries none of these. */
export function isPrefetch(headers: Headers): boolean {
  const purpose = `${headers.get('sec-purpose') ?? ''} ${headers.get('purpose') ?? ''} ${headers.get('x-purpose') ?? ''} ${headers.get('x-moz') ?? ''}`
  if (/prefetch|prerender|preview/i.test(purpose)) return true
  // Link expanders and mail security scanners that fetch links ahead of the reader, by their user agents.
  return /BingPreview|Slackbot-LinkExpanding|facebookexternalhit|Twitterbot|LinkedInBot|WhatsApp|Discordbot|TelegramBot|Google-Safety|Barracuda|Mimecast|Proofpoint|Forcepoint|SafeLinks/i.test(
    headers.get('user-agent') ?? '',
  )
}

function redirect(c: Context, location: string): Response {
  return c.body(null, 302, { location, ...NO_STORE })
}

export const cartRecovery = new Hono<AppEnv>().on(['GET', 'HEAD'], '/:cartId/recover', async (c) => {
  const cartId = c.req.param('cartId')
  const sig = c.req.query('sig')
  if (!CART_ID.test(cartId)) throw new ApiError(400, 'invalid_cart_id', 'the cart id is not a BigCommerce cart id')
  if (!sig) throw new ApiError(400, 'missing_signature', 'a recovery link carries its signature in the sig parameter')
  const config = c.get('config')
  const check = await checkRecoveryLink(config.BIGCOMMERCE_ACCESS_TOKEN, cartId, sig, Date.now())
  if (!check.ok) throw new ApiError(403, 'invalid_signature', check.problem)

  if (c.req.method === 'HEAD') return c.body(null, 200, { 'content-type': 'text/html; charset=utf-8', ...NO_STORE })
  if (isPrefetch(c.req.raw.headers)) {
    // A non-2xx answer makes a browser drop its prefetch and load the link for real when it is clicked.
    throw new ApiError(503, 'prefetch_not_served', 'recovery links are served to a visit, not a prefetch', {}, {
      ...NO_STORE,
      vary: 'Sec-Purpose, Purpose',
    })
  }

  const client = bigCommerceClient(config, TUNING)
  if (!check.expired) {
    try {
      const url = await freshCartRedirectUrl(client, cartId)
      if (url) return redirect(c, url)
    } catch (err) {
      // Never an error page for a shopper: the cart page is the next best place.
      console.warn(`cart ${cartId}: no redirect URL: ${err instanceof Error ? err.message : String(err)}`)
    }
  }
  return redirect(c, await storefrontCartPage(client, await cartChannel(c.env.DB, cartId)))
})
