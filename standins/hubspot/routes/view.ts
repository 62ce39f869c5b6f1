/**
 * A read-only look at what arrived, for a person running the demo: `GET /_standin` (counts),
 * `GET /_standin/records/{type}` (HTML table, or JSON with `?format=json` / `Accept: application/json`),
 * `GET /_standin/events` and `GET /_standin/requests`. No authentication, no rate limit: not part of HubSpot.
 */
import { Hono } from 'hono'
import { html, raw } from 'hono/html'
import { apiRecord, objectTypeParam, type StandinEnv } from '../http'
import type { Portal } from '../portal'
import { OBJECT_TYPES, type StoredRecord } from '../types'

export function viewRoutes(portal: Portal, requests: () => unknown[]) {
  const app = new Hono<StandinEnv>()

  app.get('/_standin', (c) => {
    const counts = Object.fromEntries(OBJECT_TYPES.map((type) => [type, portal.records(type).length]))
    if (wantsJson(c.req.query('format'), c.req.header('accept'))) {
      return c.json({ records: counts, customEvents: portal.customEvents.length })
    }
    const rows = OBJECT_TYPES.map((type) => html`<li><a href="/_standin/records/${type}">${type}</a>: ${counts[type]}</li>`)
    return c.html(page('HubSpot stand-in', html`<ul>${rows}</ul>
      <p><a href="/_standin/events">custom events</a>: ${portal.customEvents.length}
      · <a href="/_standin/requests?format=json">request log</a></p>`))
  })

  app.get('/_standin/records/:type', (c) => {
    const type = objectTypeParam(c.req.param('type'))
    const records = portal.records(type)
    if (wantsJson(c.req.query('format'), c.req.header('accept'))) {
      return c.json({
        results: records.map((record) => ({ ...apiRecord(record, 'all'), associations: portal.associations(type, record.id) })),
      })
    }
    return c.html(page(`${type} (${records.length})`, recordTable(portal, records)))
  })

  app.get('/_standin/events', (c) => c.json({ results: portal.customEvents }))
  app.get('/_standin/requests', (c) => c.json({ results: requests() }))

  return app
}

function wantsJson(format: string | undefined, accept: string | undefined): boolean {
  return format === 'json' || (format !== 'html' && (accept ?? '').includes('application/json'))
}

function recordTable(portal: Portal, records: StoredRecord[]) {
  const columns = [...new Set(records.flatMap((r) => Object.keys(r.properties)))].sort()
  const header = columns.map((name) => html`<th>${name}</th>`)
  const rows = records.map((record) => {
    const links = portal.associations(record.objectType, record.id).map((a) => `${a.toObjectType} ${a.toObjectId}`)
    return html`<tr><td>${record.id}</td>${columns.map((name) => html`<td>${record.properties[name] ?? ''}</td>`)}<td>${links.join(', ')}</td></tr>`
  })
  return html`<p><a href="/_standin">all objects</a> · <a href="?format=json">JSON</a></p>
    <table><tr><th>id</th>${header}<th>associations</th></tr>${rows}</table>`
}

function page(title: string, body: unknown) {
  const style = raw('body{font:14px system-ui;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}')
  return html`<!doctype html><html><head><meta charset="utf-8"><title>${title}</title><style>${style}</style></head>
    <body><h1>${title}</h1>${body}</body></html>`
}
