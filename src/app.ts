import { Hono } from 'hono'
import { secureHeaders } from 'hono/secure-headers'
import { loadConfig } from './config'
import { ApiError, type AppEnv, errorAnswer, jsonError } from './http'
import { adminApi } from './routes/admin/admin-api'
import { assets } from './routes/assets'
import { beacon } from './routes/beacon'
import { cartRecovery } from './routes/cart-recovery'
import { dashboard } from './routes/dashboard/dashboard-routes'
import { docs } from './routes/docs'
import { health } from './routes/health'
import { webhooks } from './routes/webhooks'

/** The HTTP surface: one sub-app per route family, behind a configuration check. */
export const app = new Hono<AppEnv>()

// Every response, pages and API alike: a CSP that allows only this worker's own files (no inline script or
// style), no framing, no sniffing, no referrer. A handler's own header wins (overwrite: false): the beacon's
// routes are fetched by storefronts and say Cross-Origin-Resource-Policy: cross-origin.
app.use(
  '*',
  secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
    },
    referrerPolicy: 'no-referrer',
    xFrameOptions: 'DENY',
    overwrite: false,
  }),
)

app.route('/health', health)

// Every other endpoint answers invalid configuration with 503 naming the variable, and keeps running.
app.use('*', async (c, next) => {
  const result = loadConfig(c.env)
  if (!result.ok) {
    const first = result.errors[0]!
    throw new ApiError(503, 'invalid_configuration', first.message, { variable: first.variable })
  }
  c.set('config', result.config)
  await next()
})

app.route('/webhooks', webhooks)
app.route('/', beacon)
app.route('/carts', cartRecovery)
app.route('/', adminApi)
app.route('/admin', dashboard)
app.route('/docs', docs)
app.route('/assets', assets)

app.notFound((c) => jsonError(c, 404, 'not_found', `no route for ${c.req.method} ${c.req.path}`))
app.onError(errorAnswer)
