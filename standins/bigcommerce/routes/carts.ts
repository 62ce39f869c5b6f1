/** v3 carts (404 once converted or deleted), their single-use redirect URLs and abandoned-cart tokens. */
import { Hono } from 'hono'
import { includes, searchParams, v3Error } from '../http'
import { v3Cart } from '../serialize'
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
