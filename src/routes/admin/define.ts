import type { Context, Hono } from 'hono'
import { z } from 'zod'
import { bearerToken, roleAllows } from '../../admin/auth'
import type { Config, Role } from '../../config'
import type { Actor } from '../../db/audit'
import type { Env } from '../../env'
import { jsonError } from '../../http'
import { cookieActor } from './session-cookie'
import { attemptToken } from './token-attempt'

/**
 * An admin API route is data: method, path, role, zod schemas of its inputs, and its handler. The Hono app
 * is built from the table and the OpenAPI document is generated from the very same table, so the roles
 * and parameters documented are the ones enforced.
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

/** `Authorization: Bearer <token>` with at least `role`; sets `actor`. Failed attempts are rate limited. */
export async function requireBearer(c: AdminContext, role: Role): Promise<Response | null> {
  const attempt = await attemptToken(c, c.env, c.get('config'), bearerToken(c.req.header('authorization')))
  if (!attempt.ok && attempt.refusal) return attempt.refusal
  return checkActor(c, attempt.ok ? attempt.actor : null, role)
}

export function checkActor(c: AdminContext, actor: Actor | null, role: Role): Response | null {
  if (!actor) {
    c.header('WWW-Authenticate', 'Bearer realm="admin"')
    const none = c.get('config').ADMIN_TOKENS.length === 0
    return jsonError(
      c,
      401,
      'unauthorized',
      none
        ? 'no admin tokens are configured: set ADMIN_TOKENS to role:token pairs'
        : 'send a valid admin token as Authorization: Bearer <token>',
    )
  }
  if (!roleAllows(actor.role, role)) {
    return jsonError(c, 403, 'forbidden', `this action needs the ${role} role; the token has the ${actor.role} role`, {
      requiredRole: role,
    })
  }
  c.set('actor', actor)
  return null
}

function problemsOf(where: string, error: z.ZodError): string[] {
  return error.issues.map((i) => `${[where, ...i.path].join('.')}: ${i.message}`)
}

async function readBody(c: AdminContext): Promise<{ ok: true; value: unknown } | { ok: false; message: string }> {
  const text = await c.req.text()
  if (text.trim() === '') return { ok: true, value: undefined }
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch {
    return { ok: false, message: 'the body is not JSON' }
  }
}

/** Registers each route: authentication and role first, then input validation (400 naming the problem). */
export function mountRoutes(app: Hono<AdminEnv>, routes: readonly AdminRoute[]): void {
  for (const r of routes) {
    const honoPath = r.path.replace(/\{(\w+)\}/g, ':$1')
    app.on(r.method.toUpperCase(), honoPath, async (c) => {
      const bearer = c.req.header('authorization') !== undefined
      const denied = r.session && !bearer ? checkActor(c, await cookieActor(c, c.env.DB, c.get('config')), r.role) : await requireBearer(c, r.role)
      if (denied) return denied
      const problems: string[] = []
      const parse = (where: string, schema: z.ZodType | undefined, value: unknown) => {
        if (!schema) return undefined
        const parsed = schema.safeParse(value)
        if (parsed.success) return parsed.data
        problems.push(...problemsOf(where, parsed.error))
        return undefined
      }
      const params = parse('path', r.params, c.req.param())
      const query = parse('query', r.query, c.req.query())
      let body: unknown = undefined
      if (r.body) {
        const raw = await readBody(c)
        if (!raw.ok) return jsonError(c, 400, 'invalid_json', raw.message)
        body = parse('body', r.body, raw.value)
      }
      if (problems.length) return jsonError(c, 400, 'invalid_request', problems.join('; '), { problems })
      return r.handler(c, { params, query, body })
    })
  }
}
