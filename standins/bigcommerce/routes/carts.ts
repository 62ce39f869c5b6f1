/** v3 carts (404 once converted or deleted), their single-use redirect URLs, abandoned-cart tokens, channels and sites. */
import { Hono } from 'hono'
import { includes, QueryError, queryStringList, searchParams, v3Error, v3Page } from '../http'
import { v3Cart, v3Channel } from '../serialize'
import type { BigCommerceStore } from '../store'

const CART_ID = '[0-9a-fA-F-]{36}'

export function cartsV3(store: BigCommerceStore): Hono {
  const app = new Hono()

  app.get(`/carts/:id{${CART_ID}}`, (c) => {
    const cart = store.carts.get(c.req.param('id'))
    // The real API answers a missing cart with a bare 404.
    if (!cart) return v3Error(404, 'Cart not found')
    return c.json({ data: v3Cart(store, cart, includes(searchParams(c.req.url))), meta: {} })
  })

  // A fresh single-use redirect URL per call (carts.v3.yml: "valid for 30 days and may only be used once").
  app.post(`/carts/:id{${CART_ID}}/redirect_urls`, (c) => {
    const cart = store.carts.get(c.req.param('id'))
    if (!cart) return v3Error(404, 'Cart not found')
    return c.json({ data: store.redirectUrls(cart), meta: {} }, 201)
  })

  app.get('/abandoned-carts/:token', (c) => {
    const cartId = store.abandonedCartTokens.get(c.req.param('token'))
    return cartId ? c.json({ data: { cart_id: cartId }, meta: {} }) : v3Error(404, 'Abandoned cart not found')
  })

  return app
}

export function channelsV3(store: BigCommerceStore): Hono {
  const app = new Hono()

  app.get('/channels', (c) => {
    const params = searchParams(c.req.url)
    const include = params.get('include')
    if (include !== null && include !== 'currencies') throw new QueryError('include', "The field 'include' must be currencies.")
    const types = queryStringList(params, 'type:in')
    const platforms = queryStringList(params, 'platform:in')
    const statuses = queryStringList(params, 'status:in')
    const channels = [...store.channels.values()].filter((ch) =>
      (!types || types.includes(ch.type)) && (!platforms || platforms.includes(ch.platform)) &&
      (!statuses || statuses.includes(ch.status)))
    return v3Page(channels, params, (ch) => v3Channel(ch, include === 'currencies'))
  })

  app.get('/channels/:id{[0-9]+}/site', (c) => {
    const channelId = Number(c.req.param('id'))
    const url = store.channels.has(channelId) ? store.siteUrl(channelId) : null
    if (url === null) return v3Error(404, 'Site not found')
    const channel = store.channels.get(channelId)!
    const [created, updated] = [channel.createdAt, channel.modifiedAt].map((ms) => new Date(ms).toISOString())
    return c.json({ data: { id: 1000 + channelId, url, channel_id: channelId, created_at: created, updated_at: updated }, meta: {} })
  })

  app.get('/channels/:id{[0-9]+}', (c) => {
    const channel = store.channels.get(Number(c.req.param('id')))
    return channel ? c.json({ data: v3Channel(channel, true), meta: {} }) : v3Error(404, 'Channel not found')
  })

  return app
}
