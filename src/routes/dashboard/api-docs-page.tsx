import { Page } from './layout'

/** `/admin/api/docs`: the OpenAPI document rendered on the server, readable without any script or CDN. */
interface Operation {
  summary: string
  description: string
  'x-required-role': string
  parameters?: { name: string; in: string; required?: boolean; description?: string; schema?: unknown }[]
  requestBody?: { required: boolean; content: Record<string, { schema: unknown }> }
  responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>
}

interface Document {
  info: { title: string; version: string; description?: string }
  paths?: Record<string, object>
}

function typeOf(schema: unknown): string {
  const s = schema as { type?: string; enum?: unknown[]; format?: string }
  if (s?.enum) return s.enum.map(String).join(' | ')
  return [s?.type ?? 'any', s?.format].filter(Boolean).join(' ')
}

export function renderApiDocs(doc: Document) {
  const operations = Object.entries(doc.paths ?? {}).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, method, op: op as Operation })),
  )
  return (
    '<!doctype html>' +
    (
      <Page title={`${doc.info.title} (v${doc.info.version})`} nav={<a href="/admin/api/openapi.json">openapi.json</a>}>
        <p>{doc.info.description}</p>
        <section class="card">
          <h2>Routes</h2>
          <table>
            <thead>
              <tr><th>method</th><th>path</th><th>role</th><th>what</th></tr>
            </thead>
            <tbody>
              {operations.map(({ path, method, op }) => (
                <tr>
                  <td><span class={`method ${method}`}>{method.toUpperCase()}</span></td>
                  <td><a href={`#${method}-${path}`}><code>{path}</code></a></td>
                  <td>{op['x-required-role']}</td>
                  <td>{op.summary}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        {operations.map(({ path, method, op }) => (
          <section class="card spaced" id={`${method}-${path}`}>
            <h2><span class={`method ${method}`}>{method.toUpperCase()}</span> <code>{path}</code></h2>
            <p class="pre-line">{op.description}</p>
            {op.parameters && op.parameters.length > 0 && (
              <table>
                <thead><tr><th>parameter</th><th>in</th><th>type</th><th>required</th><th>meaning</th></tr></thead>
                <tbody>
                  {op.parameters.map((p) => (
                    <tr><td><code>{p.name}</code></td><td>{p.in}</td><td>{typeOf(p.schema)}</td><td>{p.required ? 'yes' : 'no'}</td><td>{p.description ?? ''}</td></tr>
                  ))}
                </tbody>
              </table>
            )}
            {op.requestBody && (
              <>
                <h3>Body {op.requestBody.required ? '' : '(optional)'}</h3>
                <pre>{JSON.stringify(op.requestBody.content['application/json']?.schema, null, 2)}</pre>
              </>
            )}
            <h3>Responses</h3>
            <table>
              <tbody>
                {Object.entries(op.responses).map(([status, r]) => (
                  <tr><td class="num">{status}</td><td>{r.description}</td></tr>
                ))}
              </tbody>
            </table>
          </section>
        ))}
      </Page>
    ).toString()
  )
}
