import { Hono } from 'hono'
import type { AppEnv } from '../http'
import { DASHBOARD_CSS, DASHBOARD_JS } from './dashboard/dashboard-assets'

/** `GET /assets/dashboard.css` and `/assets/dashboard.js` (public): the pages' only style and script. */
export const assets = new Hono<AppEnv>()

const ONE_DAY = 'public, max-age=86400'

assets.get('/dashboard.css', (c) => c.body(DASHBOARD_CSS, 200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': ONE_DAY }))
assets.get('/dashboard.js', (c) =>
  c.body(DASHBOARD_JS, 200, { 'Content-Type': 'application/javascript; charset=utf-8', 'Cache-Control': ONE_DAY }),
)
