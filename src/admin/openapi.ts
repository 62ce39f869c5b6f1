import { z } from 'zod'
import type { RouteSpec } from '../routes/admin/define'

/**
 * The OpenAPI 3.1 document of the admin API, generated from the route table (the same zod schemas validate
 * the requests), so it cannot drift from what the routes enforce.
 */
const errorSchema = {
  type: 'object',
  required: ['error', 'message'],
  properties: { error: { type: 'string' }, message: { type: 'string' } },
}

const STANDARD_ERRORS: Record<number, string> = {
  400: 'Invalid input: the message names the problem',
  401: 'Missing or invalid token',
  403: 'The token’s role may not do this',
  429: 'Too many failed authentications from this client: wait Retry-After seconds',
}

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>
  return rest
}

function parameters(spec: RouteSpec) {
  const list: Record<string, unknown>[] = []
  for (const [where, schema] of [['path', spec.params], ['query', spec.query]] as const) {
    if (!schema) continue
    for (const [name, field] of Object.entries(schema.shape)) {
      const fieldSchema = field as z.ZodType
      const json = jsonSchema(fieldSchema)
      list.push({
        name,
        in: where,
        required: where === 'path' || !fieldSchema.safeParse(undefined).success,
        ...(json.description ? { description: json.description } : {}),
        schema: json,
      })
    }
  }
  return list
}

export function openApiDocument(routes: readonly RouteSpec[], info: { version: string; serverUrl: string }) {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const spec of routes) {
    const responses: Record<string, unknown> = {
      [spec.success.status]: {
        description: spec.success.description,
        content: {
          [spec.success.contentType ?? 'application/json']: { schema: spec.success.schema ? jsonSchema(spec.success.schema) : {} },
        },
      },
    }
    for (const [status, description] of Object.entries({ ...STANDARD_ERRORS, ...spec.errors })) {
      responses[status] = { description, content: { 'application/json': { schema: errorSchema } } }
    }
    const operation: Record<string, unknown> = {
      operationId: `${spec.method}${spec.path.replace(/\{(\w+)\}/g, 'By-$1').replace(/[^A-Za-z0-9]+(.)?/g, (_m, ch: string | undefined) => (ch ?? '').toUpperCase())}`,
      summary: spec.summary,
      description: `${spec.description ?? spec.summary}\n\nRole: **${spec.role}** or higher.`,
      'x-required-role': spec.role,
      ...(spec.audit ? { 'x-audit-action': spec.audit } : {}),
      security: [{ bearer: [] }],
      parameters: parameters(spec),
      responses,
    }
    if (spec.body) {
      operation.requestBody = {
        required: !spec.body.safeParse(undefined).success,
        content: { 'application/json': { schema: jsonSchema(spec.body) } },
      }
    }
    const path = `/admin/api${spec.path}`
    paths[path] = { ...paths[path], [spec.method]: operation }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'BigCommerce → HubSpot worker: admin API',
      version: info.version,
      description:
        'Operate the sync: setup, backfill, status, dead letters, trigger decisions, data quality, reconciliation, ' +
        'attribution, audit log and configuration overrides. Authenticate with `Authorization: Bearer <token>` ' +
        'from ADMIN_TOKENS; roles: viewer (reads) < operator (backfills, replays) < admin (setup, overrides).',
    },
    servers: [{ url: info.serverUrl }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    paths,
  }
}
