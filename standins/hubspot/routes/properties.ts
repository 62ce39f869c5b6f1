/**
 * Properties API: definitions and groups per object. Creation follows HubSpot's rules: required fields,
 * valid type/fieldType pairs, enumeration options, custom names without the reserved `hs_` prefix, at most
 * 10 unique-value properties per object, 409 when the property or group exists.
 */
import { Hono } from 'hono'
import { propertyDefinition } from '../default-properties'
import { failure, validationFailure, type ErrorDetail } from '../errors'
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
import type { ObjectType, PropertyDefinition, PropertyOption, PropertyType } from '../types'

const FIELD_TYPES: Record<PropertyType, string[]> = {
  bool: ['booleancheckbox'],
  enumeration: ['checkbox', 'radio', 'select', 'booleancheckbox'],
  date: ['date'],
  datetime: ['date'],
  string: ['text', 'textarea', 'html', 'phonenumber', 'file'],
  number: ['number'],
}
const MAX_UNIQUE = 10
const NAME = /^[a-z][a-z0-9_]*$/

export function propertyRoutes({ portal, clock }: StandinContext) {
  const app = new Hono<StandinEnv>()

  app.get('/crm/v3/properties/:type/groups', (c) => {
    return c.json({ results: portal.groups(objectTypeParam(c.req.param('type'))) })
  })

  app.get('/crm/v3/properties/:type/groups/:name', (c) => {
    const group = portal.group(objectTypeParam(c.req.param('type')), c.req.param('name'))
    if (!group) throw failure(404, 'OBJECT_NOT_FOUND', `Unable to find property group named ${c.req.param('name')}`)
    return c.json(group)
  })

  app.post('/crm/v3/properties/:type/groups', async (c) => {
    const type = objectTypeParam(c.req.param('type'))
    const body = await readJson(c)
    const { name, label } = body
    if (typeof name !== 'string' || typeof label !== 'string' || !name || !label) {
      throw validationFailure('A property group needs a "name" and a "label"', missing(body, ['name', 'label']))
    }
    if (!NAME.test(name)) throw validationFailure(`Group name ${name} must be lower-case letters, digits and underscores`)
    if (portal.group(type, name)) {
      throw failure(409, 'OBJECT_ALREADY_EXISTS', `A property group named ${name} already exists for ${type}.`)
    }
    const group = { name, label, displayOrder: Number(body.displayOrder ?? -1), archived: false }
    portal.saveGroup(type, group)
    return c.json(group, 201)
  })

  app.get('/crm/v3/properties/:type', (c) => {
    return c.json({ results: portal.properties(objectTypeParam(c.req.param('type'))) })
  })

  app.post('/crm/v3/properties/:type', async (c) => {
    const type = objectTypeParam(c.req.param('type'))
    const definition = newProperty(portal, type, await readJson(c), iso(clock()))
    portal.saveProperty(type, definition)
    return c.json(definition, 201)
  })

  app.post('/crm/v3/properties/:type/batch/create', async (c) => {
    const type = objectTypeParam(c.req.param('type'))
    const startedAt = clock()
    const inputs = readInputs(c, await readJson(c), 100)
    const outcome = eachInput(
      inputs,
      (input) => {
        const definition = newProperty(portal, type, input, iso(clock()))
        portal.saveProperty(type, definition)
        return definition
      },
      (input) => ({ name: [String(input.name)] }),
    )
    return batchResponse(201, outcome, startedAt, clock())
  })

  app.post('/crm/v3/properties/:type/batch/read', async (c) => {
    const type = objectTypeParam(c.req.param('type'))
    const inputs = readInputs<{ name?: unknown }>(c, await readJson(c), 100)
    const results = inputs.flatMap((input) => portal.property(type, String(input.name)) ?? [])
    return c.json({ status: 'COMPLETE', results })
  })

  app.get('/crm/v3/properties/:type/:name', (c) => {
    return c.json(existingProperty(portal, objectTypeParam(c.req.param('type')), c.req.param('name')))
  })

  app.patch('/crm/v3/properties/:type/:name', async (c) => {
    const type = objectTypeParam(c.req.param('type'))
    const current = existingProperty(portal, type, c.req.param('name'))
    const changes = await readJson(c)
    if (current.modificationMetadata.readOnlyDefinition) {
      throw validationFailure(`${current.name} is a HubSpot-defined property; its definition cannot be changed`)
    }
    if ('name' in changes && changes.name !== current.name) throw validationFailure('A property cannot be renamed')
    if ('hasUniqueValue' in changes && changes.hasUniqueValue !== current.hasUniqueValue) {
      throw validationFailure('hasUniqueValue cannot be changed after a property is created')
    }
    const updated = newProperty(portal, type, { ...current, ...changes }, current.createdAt, current)
    const saved = { ...updated, updatedAt: iso(clock()) }
    portal.saveProperty(type, saved)
    return c.json(saved)
  })

  return app
}

function existingProperty(portal: Portal, type: ObjectType, name: string): PropertyDefinition {
  const definition = portal.property(type, name)
  if (!definition) throw failure(404, 'OBJECT_NOT_FOUND', `Unable to find property named ${name} for ${type}`)
  return definition
}

/** Validates a property definition; `replacing` is the definition a PATCH changes. */
function newProperty(
  portal: Portal,
  type: ObjectType,
  body: Record<string, unknown>,
  at: string,
  replacing?: PropertyDefinition,
): PropertyDefinition {
  const required = ['name', 'label', 'type', 'fieldType', 'groupName']
  const absent = missing(body, required)
  if (absent.length) throw validationFailure(`Missing required fields: ${absent.map((e) => e.context!.field).join(', ')}`, absent)
  const { name, label, groupName } = body as Record<string, string>
  const propertyType = body.type as PropertyType
  const fieldType = String(body.fieldType)
  if (!replacing) {
    if (!NAME.test(name)) {
      throw validationFailure(`Property name ${name} must start with a letter and hold only lower-case letters, digits and underscores`)
    }
    if (name.startsWith('hs_')) throw validationFailure(`Property name ${name} uses the prefix hs_, which is reserved for HubSpot`)
    if (portal.property(type, name)) {
      throw failure(409, 'OBJECT_ALREADY_EXISTS', `Property named ${name} already exists.`)
    }
  }
  const fieldTypes = FIELD_TYPES[propertyType]
  if (!fieldTypes) throw validationFailure(`${String(body.type)} is not a valid property type: use ${Object.keys(FIELD_TYPES).join(', ')}`)
  if (!fieldTypes.includes(fieldType) && fieldType !== 'calculation_equation') {
    throw validationFailure(`fieldType ${fieldType} is not valid for type ${propertyType}: use ${fieldTypes.join(', ')}`)
  }
  if (!portal.group(type, groupName)) throw validationFailure(`Property group ${groupName} does not exist for ${type}`)
  const options = checkOptions(propertyType, body.options)
  const hasUniqueValue = body.hasUniqueValue === true
  if (hasUniqueValue && !replacing) {
    if (!(propertyType === 'string' && fieldType === 'text') && propertyType !== 'number') {
      throw validationFailure('Only single-line text and number properties can require unique values')
    }
    if (portal.uniquePropertyCount(type) >= MAX_UNIQUE) {
      throw validationFailure(`${type} already has ${MAX_UNIQUE} unique-value properties, the most HubSpot allows`)
    }
  }
  return propertyDefinition(
    {
      name,
      label,
      type: propertyType,
      fieldType,
      groupName,
      description: typeof body.description === 'string' ? body.description : '',
      options,
      displayOrder: Number(body.displayOrder ?? -1),
      hasUniqueValue,
      hidden: body.hidden === true,
      formField: body.formField === true,
      calculated: fieldType === 'calculation_equation',
    },
    at,
  )
}

function checkOptions(type: PropertyType, options: unknown): PropertyOption[] {
  if (options === undefined) {
    if (type === 'enumeration') throw validationFailure('Enumeration properties need "options"')
    return []
  }
  if (!Array.isArray(options)) throw validationFailure('"options" must be an array')
  const values = new Set<string>()
  return options.map((option: Record<string, unknown>, index) => {
    if (typeof option?.label !== 'string' || typeof option?.value !== 'string' || option.value === '') {
      throw validationFailure(`Option ${index} needs a string "label" and a non-empty string "value"`)
    }
    if (values.has(option.value)) throw validationFailure(`Option value ${option.value} appears twice`)
    values.add(option.value)
    return {
      label: option.label,
      value: option.value,
      description: typeof option.description === 'string' ? option.description : '',
      displayOrder: Number(option.displayOrder ?? index),
      hidden: option.hidden === true,
    }
  })
}

function missing(body: Record<string, unknown>, fields: string[]): ErrorDetail[] {
  return fields
    .filter((field) => typeof body[field] !== 'string' || body[field] === '')
    .map((field) => ({ message: `${field} is required`, code: 'REQUIRED_FIELD', context: { field: [field] } }))
}
