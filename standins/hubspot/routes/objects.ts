/** Single-record object endpoints and search: `/crm/v3/objects/{type}[/{id}|/search]`. */
import { Hono } from 'hono'
import { failure, validationFailure } from '../errors'
import { apiRecord, objectTypeParam, propertyList, readJson, type StandinContext, type StandinEnv } from '../http'
import type { Portal } from '../portal'
import type { ObjectType, StoredRecord } from '../types'
import { RecordWriter } from '../writes'
import { checkIdProperty } from './object-batches'

const SEARCH_OPERATORS = ['EQ', 'NEQ', 'IN', 'NOT_IN', 'GT', 'GTE', 'LT', 'LTE', 'HAS_PROPERTY', 'NOT_HAS_PROPERTY']

export function objectRoutes({ portal, clock }: StandinContext) {
  const app = new Hono<StandinEnv>()

  app.post('/crm/v3/objects/:type/search', async (c) => {
    const type = objectTypeParam(c.req.param('type'))
    if ((await c.req.text()).length > 3000) throw validationFailure('Search request bodies are limited to 3000 characters')
    const body = await readJson(c)
    const matches = searchFilter(portal, type, body)
    const limit = Number(body.limit ?? 10)
    const after = Number(body.after ?? 0)
    if (!Number.isInteger(limit) || limit < 0 || limit > 200) throw validationFailure('limit must be between 0 and 200')
    if (!Number.isInteger(after) || after < 0 || after + limit > 10_000) {
      throw validationFailure('Search results are limited to 10,000 per query')
    }
    const requested = Array.isArray(body.properties) ? body.properties.map(String) : undefined
    const found = portal.records(type).filter(matches).sort(searchOrder(portal, type, body.sorts))
    const page = found.slice(after, after + limit)
    const next = after + limit < found.length ? { paging: { next: { after: String(after + limit) } } } : {}
    return c.json({ total: found.length, results: page.map((r) => apiRecord(r, requested)), ...next })
  })

  app.post('/crm/v3/objects/:type/merge', async (c) => {
    const type = objectTypeParam(c.req.param('type'))
    const { primaryObjectId, objectIdToMerge } = mergeInput(await readJson(c))
    if (type !== 'contacts') throw validationFailure(`The stand-in merges contacts only, not ${type}`)
    if (primaryObjectId === objectIdToMerge) throw validationFailure(`Object ${primaryObjectId} cannot be merged into itself`)
    const ids = [primaryObjectId, objectIdToMerge]
    for (const id of ids) {
      if (portal.wasMerged(type, id)) {
        throw validationFailure(`Object ${id} was already merged into ${portal.currentId(type, id)}; merge with its current id`)
      }
      if (!portal.record(type, id)) throw failure(404, 'OBJECT_NOT_FOUND', `No contact with ID ${id} exists`)
    }
    // HubSpot's contact limits: a contact has at most 250 linked identities (its own id and every id merged into
    // it); a merge whose result would have more is refused.
    const identities = ids.reduce((n, id) => n + 1 + (portal.record(type, id)!.properties.hs_merged_object_ids ?? '').split(';').filter(Boolean).length, 0)
    if (identities > IDENTITY_LIMIT) {
      throw validationFailure(`The merged contact would have ${identities} identities; a contact has at most ${IDENTITY_LIMIT}`)
    }
    return c.json(apiRecord(portal.merge(type, primaryObjectId, objectIdToMerge, clock()), 'all'))
  })

  app.get('/crm/v3/objects/:type', (c) => {
    const type = objectTypeParam(c.req.param('type'))
    const limit = Math.min(Number(c.req.query('limit') ?? 10), 100)
    const after = Number(c.req.query('after') ?? 0)
    const all = portal.records(type)
    const page = all.slice(after, after + limit).map((r) => apiRecord(r, propertyList(c)))
    const next = after + limit < all.length ? { paging: { next: { after: String(after + limit) } } } : {}
    return c.json({ results: page, ...next })
  })

  app.post('/crm/v3/objects/:type', async (c) => {
    const type = objectTypeParam(c.req.param('type'))
    const body = await readJson(c)
    const planned = new RecordWriter(portal, type).planCreate(body.properties, body.associations)
    return c.json(apiRecord(planned.apply(clock()).record, 'all'), 201)
  })

  app.get('/crm/v3/objects/:type/:id', (c) => {
    const type = objectTypeParam(c.req.param('type'))
    const record = findRecord(portal, type, c.req.param('id'), c.req.query('idProperty'))
    const associations = propertyList(c, 'associations')
    return c.json({
      ...apiRecord(record, propertyList(c), propertyList(c, 'propertiesWithHistory')),
      ...(associations?.length ? { associations: associatedIds(portal, record, associations) } : {}),
    })
  })

  app.patch('/crm/v3/objects/:type/:id', async (c) => {
    const type = objectTypeParam(c.req.param('type'))
    const record = findRecord(portal, type, c.req.param('id'), c.req.query('idProperty'))
    const body = await readJson(c)
    const planned = new RecordWriter(portal, type).planUpdate(record, body.properties)
    return c.json(apiRecord(planned.apply(clock()).record, 'all'))
  })

  return app
}

const IDENTITY_LIMIT = 250

/** PublicMergeInput: both ids required (strings; a JSON number is read as its digits). */
function mergeInput(body: Record<string, unknown>): { primaryObjectId: string; objectIdToMerge: string } {
  const missing = (['objectIdToMerge', 'primaryObjectId'] as const).filter((name) => {
    const value = body[name]
    return !(typeof value === 'string' ? /^\d+$/.test(value) : Number.isSafeInteger(value))
  })
  if (missing.length) {
    throw validationFailure(`Invalid input JSON: Cannot build PublicMergeInput, some of required attributes are not set or not object ids [${missing.join(', ')}]`)
  }
  return { primaryObjectId: String(body.primaryObjectId), objectIdToMerge: String(body.objectIdToMerge) }
}

function findRecord(portal: Portal, type: ObjectType, id: string, idProperty?: string): StoredRecord {
  const property = checkIdProperty(portal, type, idProperty ?? 'hs_object_id')
  return new RecordWriter(portal, type).find(property === 'email' ? id.toLowerCase() : id, property)
}

function associatedIds(portal: Portal, record: StoredRecord, types: string[]) {
  const byType: Record<string, { results: { id: string; type: string }[] }> = {}
  for (const segment of types) {
    const to = objectTypeParam(segment)
    const results = portal.associations(record.objectType, record.id, to).map((a) => ({
      id: a.toObjectId,
      type: `${singular(record.objectType)}_to_${singular(to)}`,
    }))
    if (results.length) byType[to] = { results }
  }
  return byType
}

function singular(type: ObjectType): string {
  return type.replace(/s$/, '')
}

interface Filter {
  propertyName?: unknown
  operator?: unknown
  value?: unknown
  values?: unknown
}

/** Filter groups are ORed, filters within a group ANDed; string comparisons ignore case, as HubSpot's do. */
function searchFilter(portal: Portal, type: ObjectType, body: Record<string, unknown>) {
  const groups = (body.filterGroups ?? []) as { filters?: Filter[] }[]
  if (!Array.isArray(groups) || groups.length > 5) throw validationFailure('At most 5 filterGroups are allowed')
  const total = groups.reduce((sum, g) => sum + (g.filters?.length ?? 0), 0)
  if (groups.some((g) => (g.filters?.length ?? 0) > 6) || total > 18) {
    throw validationFailure('At most 6 filters per group and 18 filters in total are allowed')
  }
  for (const filter of groups.flatMap((g) => g.filters ?? [])) {
    if (!SEARCH_OPERATORS.includes(String(filter.operator))) {
      throw validationFailure(`The stand-in's search supports the operators ${SEARCH_OPERATORS.join(', ')}; got ${String(filter.operator)}`)
    }
    if (typeof filter.propertyName !== 'string' || !portal.property(type, filter.propertyName)) {
      throw validationFailure(`Property "${String(filter.propertyName)}" does not exist`)
    }
  }
  return (record: StoredRecord) =>
    groups.length === 0 || groups.some((g) => (g.filters ?? []).every((f) => filterMatches(record, f)))
}

function filterMatches(record: StoredRecord, filter: Filter): boolean {
  const actual = record.properties[String(filter.propertyName)]
  const same = (expected: unknown) => actual !== undefined && actual.toLowerCase() === String(expected).toLowerCase()
  const order = () => (actual === undefined ? null : compareValues(actual, String(filter.value)))
  switch (filter.operator) {
    case 'EQ':
      return same(filter.value)
    case 'NEQ':
      return !same(filter.value)
    case 'IN':
      return Array.isArray(filter.values) && filter.values.some(same)
    case 'NOT_IN':
      return Array.isArray(filter.values) && !filter.values.some(same)
    case 'GT':
      return (order() ?? 0) > 0
    case 'GTE':
      return (order() ?? -1) >= 0
    case 'LT':
      return (order() ?? 0) < 0
    case 'LTE':
      return (order() ?? 1) <= 0
    case 'HAS_PROPERTY':
      return actual !== undefined
    default:
      return actual === undefined
  }
}

/** Numbers compare as numbers (ids, amounts, epoch dates), anything else as text. */
function compareValues(a: string, b: string): number {
  const x = Number(a)
  const y = Number(b)
  if (a.trim() !== '' && b.trim() !== '' && Number.isFinite(x) && Number.isFinite(y)) return x - y
  return a < b ? -1 : a > b ? 1 : 0
}

/** One sort at most (HubSpot applies a single sorting rule); without one, records in id order. */
function searchOrder(portal: Portal, type: ObjectType, sorts: unknown) {
  if (sorts !== undefined && !Array.isArray(sorts)) throw validationFailure('"sorts" must be an array')
  const list = (sorts ?? []) as { propertyName?: unknown; direction?: unknown }[]
  if (list.length > 1) throw validationFailure('Only one sorting rule can be applied to a search')
  const sort = list[0]
  const byId = (a: StoredRecord, b: StoredRecord) => Number(a.id) - Number(b.id)
  if (!sort) return byId
  const name = String(sort.propertyName)
  if (!portal.property(type, name)) throw validationFailure(`Property "${name}" does not exist`)
  const direction = sort.direction === 'DESCENDING' ? -1 : 1
  if (sort.direction !== undefined && sort.direction !== 'ASCENDING' && sort.direction !== 'DESCENDING') {
    throw validationFailure('direction must be ASCENDING or DESCENDING')
  }
  return (a: StoredRecord, b: StoredRecord) => {
    const x = a.properties[name]
    const y = b.properties[name]
    if (x === undefined || y === undefined) return (x === undefined ? 1 : 0) - (y === undefined ? 1 : 0) || byId(a, b)
    return direction * compareValues(x, y) || byId(a, b)
  }
}
