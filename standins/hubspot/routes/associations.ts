/**
 * Associations v4: default (HUBSPOT_DEFINED) associations one at a time or in batches of up to 2,000,
 * labelled batch create, and batch read (up to 1,000). Unknown record ids fail only their input (207; inside a
 * 200 for batch/associate/default, as HubSpot documents it).
 */
import { Hono } from 'hono'
import { defaultAssociationTypeId } from '../associations-types'
import { failure, validationFailure } from '../errors'
import {
  batchResponse,
  eachInput,
  iso,
  objectTypeParam,
  readInputs,
  readJson,
  type StandinContext,
  type StandinEnv,
} from '../http'
import type { Portal } from '../portal'
import { OBJECT_LABELS, OBJECT_TYPE_IDS, type ObjectType } from '../types'

interface PairInput {
  from?: { id?: unknown }
  to?: { id?: unknown }
  types?: { associationCategory?: unknown; associationTypeId?: unknown }[]
}

export function associationRoutes({ portal, clock }: StandinContext) {
  const app = new Hono<StandinEnv>()

  app.put('/crm/v4/objects/:from/:fromId/associations/default/:to/:toId', (c) => {
    const [from, to] = pairTypes(c.req.param('from'), c.req.param('to'))
    const startedAt = clock()
    const fromId = c.req.param('fromId')
    const toId = c.req.param('toId')
    requireRecord(portal, from, fromId)
    requireRecord(portal, to, toId)
    portal.associateDefault(from, fromId, to, toId)
    return c.json({
      status: 'COMPLETE',
      results: [spec(from, fromId, to, toId), spec(to, toId, from, fromId)],
      startedAt: iso(startedAt),
      completedAt: iso(clock()),
    })
  })

  app.post('/crm/v4/associations/:from/:to/batch/associate/default', async (c) => {
    const [from, to] = pairTypes(c.req.param('from'), c.req.param('to'))
    const startedAt = clock()
    const inputs = readInputs<PairInput>(c, await readJson(c), 2000)
    const outcome = eachInput(
      inputs,
      (input) => {
        const [fromId, toId] = pairIds(portal, from, to, input)
        portal.associateDefault(from, fromId, to, toId)
        return spec(from, fromId, to, toId)
      },
      (input) => ({ fromId: [String(input.from?.id)], toId: [String(input.to?.id)] }),
    )
    // HubSpot documents only a 200 here: pairs that failed are in `errors` and `numErrors` of that 200.
    const { results, errors } = outcome
    return c.json({
      status: 'COMPLETE',
      results,
      ...(errors.length ? { errors, numErrors: errors.length } : {}),
      startedAt: iso(startedAt),
      completedAt: iso(clock()),
    })
  })

  app.post('/crm/v4/associations/:from/:to/batch/create', async (c) => {
    const [from, to] = pairTypes(c.req.param('from'), c.req.param('to'))
    const startedAt = clock()
    const expected = defaultAssociationTypeId(from, to)!
    const inputs = readInputs<PairInput>(c, await readJson(c), 2000)
    const outcome = eachInput(
      inputs,
      (input) => {
        const types = input.types ?? []
        const valid = types.length > 0 &&
          types.every((t) => t.associationCategory === 'HUBSPOT_DEFINED' && Number(t.associationTypeId) === expected)
        if (!valid) {
          throw validationFailure(
            `Association types ${JSON.stringify(types)} are not valid from ${from} to ${to}; HUBSPOT_DEFINED ${expected} is`,
          )
        }
        const [fromId, toId] = pairIds(portal, from, to, input)
        portal.associateDefault(from, fromId, to, toId)
        return {
          fromObjectTypeId: OBJECT_TYPE_IDS[from],
          fromObjectId: Number(fromId),
          toObjectTypeId: OBJECT_TYPE_IDS[to],
          toObjectId: Number(toId),
          labels: [],
        }
      },
      (input) => ({ fromId: [String(input.from?.id)], toId: [String(input.to?.id)] }),
    )
    return batchResponse(201, outcome, startedAt, clock(), true)
  })

  app.post('/crm/v4/associations/:from/:to/batch/read', async (c) => {
    const [from, to] = pairTypes(c.req.param('from'), c.req.param('to'), false)
    const startedAt = clock()
    const inputs = readInputs<{ id?: unknown }>(c, await readJson(c), 1000)
    const results = []
    const errors = []
    for (const input of inputs) {
      const id = String(input.id)
      const found = portal.associations(from, id, to)
      if (found.length) {
        results.push({
          from: { id },
          to: found.map((a) => ({ toObjectId: Number(a.toObjectId), associationTypes: a.associationTypes })),
        })
      } else {
        errors.push({
          status: 'error',
          category: 'OBJECT_NOT_FOUND',
          message: `No ${OBJECT_LABELS[to]} is associated with ${OBJECT_LABELS[from]} ${id}.`,
          context: { fromObjectId: [id] },
        })
      }
    }
    const times = { startedAt: iso(startedAt), completedAt: iso(clock()) }
    if (!errors.length) return c.json({ status: 'COMPLETE', results, ...times })
    return c.json({ status: 'COMPLETE', results, errors, numErrors: errors.length, ...times }, 207)
  })

  // The association types between two objects (HUBSPOT_DEFINED defaults here; portals may add labels).
  app.get('/crm/v4/associations/:from/:to/labels', (c) => {
    const [from, to] = pairTypes(c.req.param('from'), c.req.param('to'), false)
    const typeId = defaultAssociationTypeId(from, to)
    return c.json({ results: typeId === undefined ? [] : [{ category: 'HUBSPOT_DEFINED', typeId, label: null }] })
  })

  app.get('/crm/v4/objects/:from/:fromId/associations/:to', (c) => {
    const [from, to] = pairTypes(c.req.param('from'), c.req.param('to'), false)
    const results = portal.associations(from, c.req.param('fromId'), to).map((a) => ({
      toObjectId: Number(a.toObjectId),
      associationTypes: a.associationTypes,
    }))
    return c.json({ results })
  })

  return app
}

/** Both object types, and (for writes) a default association between them, or the request fails. */
function pairTypes(fromSegment: string, toSegment: string, mustAssociate = true): [ObjectType, ObjectType] {
  const from = objectTypeParam(fromSegment)
  const to = objectTypeParam(toSegment)
  if (mustAssociate && (defaultAssociationTypeId(from, to) === undefined || defaultAssociationTypeId(to, from) === undefined)) {
    const hint = from === 'products' || to === 'products' ? ' Products cannot be associated; set hs_product_id on the line item.' : ''
    throw validationFailure(`There is no default association type from ${OBJECT_TYPE_IDS[from]} to ${OBJECT_TYPE_IDS[to]}.${hint}`)
  }
  return [from, to]
}

function pairIds(portal: Portal, from: ObjectType, to: ObjectType, input: PairInput): [string, string] {
  const fromId = input.from?.id
  const toId = input.to?.id
  if (fromId === undefined || toId === undefined) throw validationFailure('Each input needs "from": {"id"} and "to": {"id"}')
  requireRecord(portal, from, String(fromId))
  requireRecord(portal, to, String(toId))
  return [String(fromId), String(toId)]
}

function requireRecord(portal: Portal, type: ObjectType, id: string): void {
  if (!portal.record(type, id)) {
    throw failure(404, 'OBJECT_NOT_FOUND', `No ${OBJECT_LABELS[type].toLowerCase()} with ID ${id} exists`)
  }
}

function spec(from: ObjectType, fromId: string, to: ObjectType, toId: string) {
  const associationTypeId = defaultAssociationTypeId(from, to)!
  return { from: { id: fromId }, to: { id: toId }, associationSpec: { associationCategory: 'HUBSPOT_DEFINED', associationTypeId } }
}
