/**
 * `/crm/v3/objects/{type}/batch/{upsert,create,update,read}`: at most 100 inputs; a malformed request (too
 * many inputs, bad JSON, a non-unique idProperty, the same record twice) fails whole with 400; refused inputs
 * fail alone (207) except where HubSpot fails the whole batch: batch/create without an `objectWriteTraceId`
 * on every input, and contact upserts by `email` ("partial upserts are not supported").
 */
import { Hono } from 'hono'
import { propertyFailure, validationFailure } from '../errors'
import {
  allFailed,
  apiRecord,
  batchResponse,
  eachInput,
  iso,
  objectTypeParam,
  readInputs,
  readJson,
  refuseDuplicates,
  type StandinContext,
  type StandinEnv,
} from '../http'
import type { Portal } from '../portal'
import { OBJECT_LABELS, OBJECT_TYPE_IDS, type ObjectType } from '../types'
import { RecordWriter } from '../writes'

const MAX_INPUTS = 100

interface WriteInput {
  id?: unknown
  idProperty?: unknown
  properties?: unknown
  associations?: unknown
  objectWriteTraceId?: unknown
}

export function objectBatchRoutes({ portal, clock }: StandinContext) {
  const app = new Hono<StandinEnv>()

  app.post('/crm/v3/objects/:type/batch/upsert', async (c) => {
    const type = objectTypeParam(c.req.param('type'))
    const startedAt = clock()
    const inputs = readInputs<WriteInput>(c, await readJson(c), MAX_INPUTS)
    const keyed = inputs.map((input) => {
      const idProperty = checkIdProperty(portal, type, input.idProperty ?? c.req.query('idProperty'))
      return { input, idProperty, id: requireId(input.id, idProperty) }
    })
    refuseDuplicates(keyed.map(({ id }) => id))
    const writer = new RecordWriter(portal, type)
    const planned = eachInput(
      keyed,
      ({ input, idProperty, id }) => {
        const trace = input.objectWriteTraceId
        const existing = portal.findByProperty(type, idProperty, id)
        const plan = existing
          ? writer.planUpdate(existing, input.properties)
          : idProperty === 'hs_object_id'
            ? writer.planUpdate(writer.find(id), input.properties)
            : writer.planCreate({ ...asObject(input.properties), [idProperty]: id })
        return { plan, trace: typeof trace === 'string' ? trace : undefined }
      },
      ({ input, id }) => traceContext(input, { ids: [id] }),
    )
    const byEmail = type === 'contacts' && keyed.some(({ idProperty }) => idProperty === 'email')
    if (byEmail && planned.failures.length) throw allFailed(planned.failures)
    const now = clock()
    const results = planned.results.map(({ plan, trace }) => {
      const { record, created } = plan.apply(now)
      return { ...apiRecord(record, 'all'), new: created, ...(trace !== undefined ? { objectWriteTraceId: trace } : {}) }
    })
    // HubSpot does not promise input order: answer in another order, so a caller matching by position fails here.
    return batchResponse(200, { ...planned, results: results.reverse() }, startedAt, now)
  })

  app.post('/crm/v3/objects/:type/batch/create', async (c) => {
    const type = objectTypeParam(c.req.param('type'))
    const startedAt = clock()
    const inputs = readInputs<WriteInput>(c, await readJson(c), MAX_INPUTS)
    const traceIds = inputs.map((input) => input.objectWriteTraceId)
    const multiStatus =
      traceIds.every((id) => typeof id === 'string' && id !== '') && new Set(traceIds).size === traceIds.length
    const writer = new RecordWriter(portal, type)
    const planned = eachInput(
      inputs,
      (input) => writer.planCreate(input.properties, input.associations),
      (input) => traceContext(input, {}),
    )
    // Without a unique objectWriteTraceId per input HubSpot cannot map errors to inputs: it fails the batch.
    if (!multiStatus && planned.failures.length) throw allFailed(planned.failures)
    const now = clock()
    const results = planned.results.map((plan, index) => {
      const trace = inputs[index]?.objectWriteTraceId
      return { ...apiRecord(plan.apply(now).record, 'all'), ...(multiStatus ? { objectWriteTraceId: trace } : {}) }
    })
    return batchResponse(201, { ...planned, results }, startedAt, now)
  })

  app.post('/crm/v3/objects/:type/batch/update', async (c) => {
    const type = objectTypeParam(c.req.param('type'))
    const startedAt = clock()
    const inputs = readInputs<WriteInput>(c, await readJson(c), MAX_INPUTS)
    const keyed = inputs.map((input) => {
      const idProperty = checkIdProperty(portal, type, input.idProperty ?? 'hs_object_id')
      // Email identifies contacts for upserts and reads, not batch updates (hubspot-api-nodejs#548).
      if (type === 'contacts' && idProperty === 'email') {
        throw validationFailure(`Unable to perform update/upsert by non-unique ${OBJECT_TYPE_IDS[type]} property email`)
      }
      return { input, idProperty, id: requireId(input.id, idProperty) }
    })
    refuseDuplicates(keyed.map(({ id }) => id))
    const writer = new RecordWriter(portal, type)
    const planned = eachInput(
      keyed,
      ({ input, idProperty, id }) => writer.planUpdate(writer.find(id, idProperty), input.properties),
      ({ input, id }) => traceContext(input, { ids: [id] }),
    )
    const now = clock()
    const results = planned.results.map((plan) => apiRecord(plan.apply(now).record, 'all'))
    return batchResponse(200, { ...planned, results }, startedAt, now)
  })

  // Archiving an id that does not exist is not an error: HubSpot answers 204 for the whole batch.
  app.post('/crm/v3/objects/:type/batch/archive', async (c) => {
    const type = objectTypeParam(c.req.param('type'))
    const inputs = readInputs<WriteInput>(c, await readJson(c), MAX_INPUTS)
    for (const input of inputs) portal.archive(type, requireId(input.id, 'hs_object_id'))
    return c.body(null, 204)
  })

  app.post('/crm/v3/objects/:type/batch/read', async (c) => {
    const type = objectTypeParam(c.req.param('type'))
    const startedAt = clock()
    const body = await readJson(c)
    const inputs = readInputs<WriteInput>(c, body, MAX_INPUTS)
    const idProperty = checkIdProperty(portal, type, body.idProperty ?? 'hs_object_id')
    const requested = Array.isArray(body.properties) ? body.properties.map(String) : undefined
    const withHistory = Array.isArray(body.propertiesWithHistory) ? body.propertiesWithHistory.map(String) : undefined
    const ids = [...new Set(inputs.map((input) => requireId(input.id, idProperty)))]
    const found = ids.map((id) => portal.findByProperty(type, idProperty, id))
    const results = found.flatMap((record) => (record ? [apiRecord(record, requested, withHistory)] : []))
    const missing = ids.filter((_, index) => !found[index])
    const times = { startedAt: iso(startedAt), completedAt: iso(clock()) }
    if (!missing.length) return c.json({ status: 'COMPLETE', results, ...times })
    const error = {
      status: 'error',
      category: 'OBJECT_NOT_FOUND',
      message: `Could not get some ${OBJECT_LABELS[type]} objects, they may be deleted or not exist. Check that ids are valid.`,
      context: { ids: missing },
    }
    return c.json({ status: 'COMPLETE', results, errors: [error], numErrors: 1, ...times }, 207)
  })

  return app
}

/** idProperty must name a property with unique values (or contacts' email); otherwise the request fails. */
export function checkIdProperty(portal: Portal, type: ObjectType, idProperty: unknown): string {
  if (typeof idProperty !== 'string' || idProperty === '') {
    throw validationFailure('idProperty is required: the name of a unique-value property identifying each input')
  }
  if (idProperty !== 'hs_object_id' && !portal.property(type, idProperty)) {
    throw propertyFailure([{ name: idProperty, code: 'PROPERTY_DOESNT_EXIST', message: `Property "${idProperty}" does not exist` }])
  }
  if (!portal.isIdProperty(type, idProperty)) {
    throw validationFailure(`Unable to perform update/upsert by non-unique ${OBJECT_TYPE_IDS[type]} property ${idProperty}`)
  }
  return idProperty
}

function requireId(id: unknown, idProperty: string): string {
  if ((typeof id !== 'string' && typeof id !== 'number') || String(id).trim() === '') {
    throw validationFailure('Invalid input JSON: every input needs an "id"')
  }
  return idProperty === 'email' ? String(id).trim().toLowerCase() : String(id)
}

function asObject(value: unknown): Record<string, unknown> {
  if (value === undefined) return {}
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>
  throw validationFailure('Invalid input JSON: "properties" must be an object of property names to values')
}

function traceContext(input: WriteInput, context: Record<string, string[]>): Record<string, string[]> {
  const trace = input.objectWriteTraceId
  return typeof trace === 'string' ? { ...context, objectWriteTraceId: [trace] } : context
}
