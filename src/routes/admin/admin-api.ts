import { OpenAPIHono } from '@hono/zod-openapi'
import { VERSION } from '../../version'
import { renderApiDocs } from '../dashboard/api-docs-page'
import { COMPANY_ROUTES } from './company-routes'
import { defaultHook, mountRoutes, route, type AdminEnv, type AdminRoute } from './define'
import { DUPLICATE_ROUTES } from './duplicate-routes'
import { ROLLOUT_ROUTES } from './rollout-routes'
import { FAILURE_ROUTES } from './failure-routes'
import { ERASURE_ROUTES } from './erasure-routes'
import { REPORT_ROUTES } from './report-routes'
import { ADMIN_ROUTES, OVERRIDE_ROUTES } from './operation-routes'
import { STOREFRONT_ROUTES } from './storefront-routes'
import { SESSION_ROUTES } from './session-routes'

/** `/admin/api/*`: the JSON admin API, its OpenAPI document and a browsable rendering of it. */

/** The OpenAPI 3.1 document `@hono/zod-openapi` generates from the routes (the same zod schemas validate requests). */
function documentFor(url: string) {
  return adminApi.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'BigCommerce → HubSpot worker: admin API',
      version: VERSION,
      description:
        'Operate the sync: setup, backfill, status, dead letters, trigger decisions, data quality, reconciliation, ' +
        'attribution, audit log and configuration overrides. Authenticate with `Authorization: Bearer <token>` ' +
        'from ADMIN_TOKENS; roles: viewer (reads) < operator (backfills, replays) < admin (setup, overrides).',
    },
    servers: [{ url: new URL(url).origin }],
  })
}

const DOC_ROUTES: AdminRoute[] = [
  route({
    method: 'get',
    path: '/openapi.json',
    role: 'viewer',
    summary: 'This OpenAPI document',
    session: true,
    success: { status: 200, description: 'OpenAPI 3.1' },
    handler: (c) => c.json(documentFor(c.req.url)),
  }),
  route({
    method: 'get',
    path: '/docs',
    role: 'viewer',
    summary: 'This OpenAPI document as a page',
    session: true,
    success: { status: 200, description: 'HTML', contentType: 'text/html' },
    handler: (c) => c.html(renderApiDocs(documentFor(c.req.url))),
  }),
]

export const ALL_ROUTES: readonly AdminRoute[] = [
  ...ADMIN_ROUTES, ...FAILURE_ROUTES, ...ERASURE_ROUTES, ...REPORT_ROUTES, ...OVERRIDE_ROUTES, ...ROLLOUT_ROUTES, ...STOREFRONT_ROUTES, ...SESSION_ROUTES, ...COMPANY_ROUTES, ...DUPLICATE_ROUTES, ...DOC_ROUTES,
]

export const adminApi = new OpenAPIHono<AdminEnv>({ defaultHook }).basePath('/admin/api')
mountRoutes(adminApi, ALL_ROUTES)
