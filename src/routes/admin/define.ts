import { createRoute, type OpenAPIHono, type OpenAPIHonoOptions, type RouteConfig } from '@hono/zod-openapi'
import type { Context, MiddlewareHandler } from 'hono'
import type { z } from 'zod'
import { bearerToken, roleAllows } from '../../admin/auth'
import type { Config, Role } from '../../config'
import type { Actor } from '../../db/audit'
import type { Env } from '../../env'
import { ApiError, ERROR_CODES, errorAnswer } from '../../http'
import { cookieActor } from './session-cookie'
import { attemptToken } from './token-attempt'

/**
 * An admin API route is data: method, path, role, zod schemas of its inputs, and its handler. Each becomes a
 * `@hono/zod-openapi` route (the library validates the inputs and generates the OpenAPI document from the same
 * declaration), with our guard in front: authentication and role first, then validation.
 */
export type AdminEnv = { Bindings: Env; Variables: { config: Config; actor: Actor } }
export type AdminContext = Context<AdminEnv>

type AnyObject = z.ZodObject<z.ZodRawShape>

export interface RouteSpec {
  method: 'get' | 'post' | 'put'
  /** OpenAPI style, relative to /admin/api: `/dead-letters/{id}/replay`. */
  path: string
  role: Role
  summary: string
  description?: string
  params?: AnyObject
  query?: AnyObject
  body?: z.ZodType
  /** Success status and what it returns. */
  success: { status: number; description: string; schema?: z.ZodType; contentType?: string }
  /** Other statuses this route answers, besides 400, 401 and 403. */
  errors?: Record<number, string>
  /** The audit action a successful (or failed) call records. */
  audit?: string
  /** A read-only page the dashboard links to: the signed-in dashboard session is accepted too, same roles. */
  session?: true
}

export interface Input<P, Q, B> {
  params: P
  query: Q
  body: B
}

export interface AdminRoute extends RouteSpec {
  // The table holds routes of every input shape; each handler was type-checked against its own schemas in route().
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  handler(c: AdminContext, input: Input<any, any, any>): Promise<Response> | Response
}

export function route<
  P extends AnyObject = z.ZodObject<Record<string, never>>,
  Q extends AnyObject = z.ZodObject<Record<string, never>>,
  B extends z.ZodType = z.ZodUndefined,
>(
  spec: RouteSpec & {
    params?: P
    query?: Q
    body?: B
    handler: (c: AdminContext, input: Input<z.output<P>, z.output<Q>, z.output<B>>) => Promise<Response> | Response
  },
): AdminRoute {
  return spec as AdminRoute
}

/** Null when `actor` may act with `role` (and sets `actor`), else the 401 or 403 refusal. */
function actorRefusal(c: AdminContext, actor: Actor | null, role: Role): ApiError | null {
  if (!actor) {
    const none = c.get('config').ADMIN_TOKENS.length === 0
    return new ApiError(
      401,
      'unauthorized',
      none ? 'no admin tokens are configured: set ADMIN_TOKENS to role:token pairs' : 'send a valid admin token as Authorization: Bearer <token>',
      {},
      { 'WWW-Authenticate': 'Bearer realm="admin"' },
    )
  }
  if (!roleAllows(actor.role, role)) {
    return new ApiError(403, 'forbidden', `this action needs the ${role} role; the token has the ${actor.role} role`, { requiredRole: role })
  }
  c.set('actor', actor)
  return null
}

/** For the dashboard's forms: the refusal as an answer (null: allowed, `actor` set). */
export function checkActor(c: AdminContext, actor: Actor | null, role: Role): Response | null {
  const refusal = actorRefusal(c, actor, role)
  return refusal && errorAnswer(refusal, c)
}

/**
 * `Authorization: Bearer <token>` with at least the route's role (failed attempts rate limited), or for a
 * `session` page without that header the dashboard's session cookie; sets `actor`.
 */
function guard(spec: RouteSpec): MiddlewareHandler<AdminEnv> {
  return async (c, next) => {
    let actor: Actor | null
    if (spec.session && c.req.header('authorization') === undefined) {
      actor = await cookieActor(c, c.env.DB, c.get('config'))
    } else {
      const attempt = await attemptToken(c, c.env, c.get('config'), bearerToken(c.req.header('authorization')))
      if (!attempt.ok && attempt.refusal) return attempt.refusal
      actor = attempt.ok ? attempt.actor : null
    }
    const refusal = actorRefusal(c, actor, spec.role)
    if (refusal) throw refusal
    await next()
  }
}

function invalidRequest(where: string, error: z.ZodError): ApiError {
  const problems = error.issues.map((i) => `${[where, ...i.path].join('.')}: ${i.message}`)
  return new ApiError(400, 'invalid_request', problems.join('; '), { problems })
}

const WHERE: Record<string, string> = { param: 'path', query: 'query', json: 'body' }

/** The library's validation failures as our 400: `invalid_request` naming each problem (`body.since: ...`). */
export const defaultHook: OpenAPIHonoOptions<AdminEnv>['defaultHook'] = (result) => {
  if (!result.success) throw invalidRequest(WHERE[result.target] ?? result.target, result.error)
}

/**
 * The admin API reads a body as JSON whatever its Content-Type (`curl -d` sends a form type) and an empty body
 * as none; the library's validator wants a JSON Content-Type and a JSON text. This reads the body once, refuses
 * one that is not JSON (or an empty one where the schema needs a body), and hands the validator the request it
 * expects: a JSON type for a body, none for an empty one.
 */
function jsonBody(schema: z.ZodType): MiddlewareHandler<AdminEnv> {
  return async (c, next) => {
    const text = await c.req.text()
    const headers = new Headers(c.req.raw.headers)
    const empty = text.trim() === ''
    if (empty) {
      const none = schema.safeParse(undefined)
      if (!none.success) throw invalidRequest('body', none.error)
      headers.delete('content-type')
    } else {
      try {
        JSON.parse(text)
      } catch {
        throw new ApiError(400, 'invalid_json', 'the body is not JSON')
      }
      headers.set('content-type', 'application/json')
    }
    c.req.raw = new Request(c.req.url, { method: c.req.method, headers, body: empty ? null : text })
    await next()
  }
}

/** The JSON error shape (`jsonError`), one component every error response refers to. */
const ERROR_SCHEMA = {
  type: 'object' as const,
  required: ['error', 'message'],
  properties: { error: { type: 'string' as const, enum: [...ERROR_CODES] }, message: { type: 'string' as const } },
}

const STANDARD_ERRORS: Record<number, string> = {
  400: 'Invalid input: the message names the problem',
  401: 'Missing or invalid token',
  403: 'The token’s role may not do this',
  429: 'Too many failed authentications from this client: wait Retry-After seconds',
}

function operationId(spec: RouteSpec): string {
  const name = spec.path.replace(/\{(\w+)\}/g, 'By-$1').replace(/[^A-Za-z0-9]+(.)?/g, (_m, ch: string | undefined) => (ch ?? '').toUpperCase())
  return `${spec.method}${name}`
}

/** The route as `@hono/zod-openapi` declares it: inputs, responses, our extensions and the guard. */
function openApiRoute(spec: RouteSpec): RouteConfig {
  const responses: RouteConfig['responses'] = {
    [spec.success.status]: {
      description: spec.success.description,
      content: { [spec.success.contentType ?? 'application/json']: { schema: spec.success.schema ?? {} } },
    },
  }
  for (const [status, description] of Object.entries({ ...STANDARD_ERRORS, ...spec.errors })) {
    responses[status] = { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } }
  }
  return createRoute({
    method: spec.method,
    path: spec.path,
    operationId: operationId(spec),
    summary: spec.summary,
    description: `${spec.description ?? spec.summary}\n\nRole: **${spec.role}** or higher.`,
    'x-required-role': spec.role,
    ...(spec.audit ? { 'x-audit-action': spec.audit } : {}),
    security: [{ bearer: [] }],
    middleware: spec.body ? [guard(spec), jsonBody(spec.body)] : [guard(spec)],
    request: {
      ...(spec.params && { params: spec.params }),
      ...(spec.query && { query: spec.query }),
      ...(spec.body && {
        body: { required: !spec.body.safeParse(undefined).success, content: { 'application/json': { schema: spec.body } } },
      }),
    },
    responses,
  })
}

/** Registers each route on the OpenAPI app, its handler given the validated inputs. */
export function mountRoutes(app: OpenAPIHono<AdminEnv>, routes: readonly AdminRoute[]): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' })
  app.openAPIRegistry.registerComponent('schemas', 'Error', ERROR_SCHEMA)
  for (const r of routes) {
    app.openapi(openApiRoute(r), (c) => {
      const req = c.req as unknown as { valid(target: string): unknown }
      return r.handler(c, { params: req.valid('param'), query: req.valid('query'), body: req.valid('json') })
    })
  }
}
