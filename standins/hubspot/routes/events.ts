/**
 * Custom behavioral events (an Enterprise feature): event definitions and `POST /events/v3/send`. Without
 * `customEvents` every event endpoint answers 403, as a portal without the tier does. An occurrence names a
 * defined event by its fully qualified name (`pe{portalId}_{name}`) and a record that already exists.
 */
import { Hono } from 'hono'
import { failure, validationFailure } from '../errors'
import { iso, readJson, type StandinContext, type StandinEnv } from '../http'
import type { Portal } from '../portal'
import type { CustomEventDefinition, StoredRecord } from '../types'

const EVENT_NAME = /^[a-z][a-z0-9_-]{0,49}$/

export function eventRoutes({ portal, clock }: StandinContext, enabled: boolean) {
  const app = new Hono<StandinEnv>()

  app.use('/events/*', async (_c, next) => {
    if (!enabled) {
      throw failure(403, 'MISSING_SCOPES', 'This portal does not have access to custom events: it requires an Enterprise subscription.')
    }
    await next()
  })

  // Properties are listed only with includeProperties=true, as `properties[]` (never `propertyDefinitions`).
  app.get('/events/v3/event-definitions', (c) => {
    const withProperties = c.req.query('includeProperties') === 'true'
    const results = [...portal.eventDefinitions.values()].map(({ properties, ...rest }) => (withProperties ? { ...rest, properties } : rest))
    return c.json({ total: results.length, results })
  })

  app.post('/events/v3/event-definitions', async (c) => {
    const body = await readJson(c)
    const { name, label } = body
    if (typeof label !== 'string' || !label) throw validationFailure('An event definition needs a "label"')
    if (typeof name !== 'string' || !EVENT_NAME.test(name)) {
      throw validationFailure('An event definition needs a "name" of at most 50 lower-case letters, digits, _ and -')
    }
    const fullyQualifiedName = `pe${portal.portalId}_${name}`
    if (portal.eventDefinitions.has(fullyQualifiedName)) {
      throw failure(409, 'OBJECT_ALREADY_EXISTS', `An event named ${name} already exists.`)
    }
    // HubSpot's create model requires includeDefaultProperties and propertyDefinitions (name, label, type each).
    if (typeof body.includeDefaultProperties !== 'boolean') {
      throw validationFailure('An event definition needs "includeDefaultProperties" (true or false)')
    }
    if (!Array.isArray(body.propertyDefinitions)) throw validationFailure('An event definition needs "propertyDefinitions" (an array)')
    const properties = body.propertyDefinitions as Record<string, unknown>[]
    if (properties.length > 50) throw validationFailure('An event may define at most 50 properties')
    for (const p of properties) {
      if (typeof p?.name !== 'string' || typeof p.label !== 'string' || typeof p.type !== 'string') {
        throw validationFailure('Each of "propertyDefinitions" needs a "name", a "label" and a "type"')
      }
    }
    const definition: CustomEventDefinition = {
      name,
      label,
      fullyQualifiedName,
      primaryObject: typeof body.primaryObject === 'string' ? body.primaryObject : 'CONTACT',
      includeDefaultProperties: body.includeDefaultProperties,
      properties: properties.map((p) => ({ name: String(p.name), label: String(p.label), type: String(p.type) })),
      createdAt: iso(clock()),
    }
    portal.eventDefinitions.set(fullyQualifiedName, definition)
    return c.json(definition, 201)
  })

  app.post('/events/v3/send', async (c) => {
    const body = await readJson(c)
    const definition = portal.eventDefinitions.get(String(body.eventName))
    if (!definition) {
      throw validationFailure(`Event ${String(body.eventName)} is not defined; send its fully qualified name (pe${portal.portalId}_<name>)`)
    }
    const contact = eventContact(portal, body)
    const properties = checkEventProperties(definition, body.properties)
    const occurredAt = body.occurredAt === undefined ? clock() : Date.parse(String(body.occurredAt))
    if (Number.isNaN(occurredAt)) throw validationFailure(`occurredAt ${String(body.occurredAt)} is not an ISO 8601 timestamp`)
    portal.customEvents.push({
      eventName: definition.fullyQualifiedName,
      objectType: 'contacts',
      objectId: contact.id,
      occurredAt: iso(occurredAt),
      properties,
      receivedAt: clock(),
    })
    return c.body(null, 204)
  })

  return app
}

/** The contact an occurrence is about, by `objectId` or `email`; it must exist for a workflow to enroll it. */
function eventContact(portal: Portal, body: Record<string, unknown>): StoredRecord {
  const { objectId, email } = body
  const contact =
    objectId !== undefined
      ? portal.record('contacts', String(objectId))
      : typeof email === 'string'
        ? portal.findByProperty('contacts', 'email', email)
        : undefined
  if (objectId === undefined && typeof email !== 'string') throw validationFailure('An event needs an "objectId" or an "email"')
  if (!contact) throw validationFailure(`No contact matches ${objectId !== undefined ? `objectId ${String(objectId)}` : `email ${String(email)}`}`)
  return contact
}

function checkEventProperties(definition: CustomEventDefinition, properties: unknown): Record<string, string> {
  if (properties === undefined) return {}
  if (typeof properties !== 'object' || properties === null || Array.isArray(properties)) {
    throw validationFailure('"properties" must be an object')
  }
  const entries = Object.entries(properties)
  if (entries.length > 50) throw validationFailure('An occurrence may carry at most 50 properties')
  const known = new Set(definition.properties.map((p) => p.name))
  return Object.fromEntries(
    entries.map(([name, raw]) => {
      if (!known.has(name)) throw validationFailure(`Property ${name} is not defined on event ${definition.name}`)
      const value = String(raw)
      const limit = /^https?:\/\//.test(value) ? 1024 : 256
      if (value.length > limit) throw validationFailure(`Property ${name} is longer than ${limit} characters`)
      return [name, value]
    }),
  )
}
