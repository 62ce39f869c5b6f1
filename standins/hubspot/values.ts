/**
 * Property value validation and normalization, as HubSpot applies it on every write: the property must
 * exist and be writable, and the value must fit its type (numbers, enumeration options, dates at midnight
 * UTC, parseable datetimes, valid emails). Values are stored as strings, like HubSpot returns them.
 */
import { REQUIRED_ON_CREATE } from './default-properties'
import { validationFailure, type PropertyProblem } from './errors'
import { ticketStageProblems } from './pipelines'
import type { Portal } from './portal'
import type { ObjectType, PropertyDefinition, StoredRecord } from './types'

const MAX_STRING = 65_536
const DAY_MS = 86_400_000
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/
const EPOCH_MS = /^-?\d+$/
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

export type WriteValues = Record<string, string>

export type Checked = { values: WriteValues; problems: [] } | { values?: undefined; problems: PropertyProblem[] }

/**
 * Checks one input's `properties`. `existing` is the record an update writes to (undefined on create, when
 * required properties are checked too).
 */
export function checkProperties(
  portal: Portal,
  type: ObjectType,
  properties: unknown,
  existing?: StoredRecord,
): Checked {
  if (properties === undefined) properties = {}
  if (typeof properties !== 'object' || properties === null || Array.isArray(properties)) {
    throw validationFailure('Invalid input JSON: "properties" must be an object of property names to values')
  }
  const values: WriteValues = {}
  const problems: PropertyProblem[] = []
  for (const [name, raw] of Object.entries(properties)) {
    const definition = portal.property(type, name)
    if (!definition) {
      problems.push({ name, code: 'PROPERTY_DOESNT_EXIST', message: `Property "${name}" does not exist` })
      continue
    }
    if (definition.modificationMetadata.readOnlyValue || definition.calculated) {
      problems.push({ name, code: 'READ_ONLY_VALUE', message: `"${name}" is a read only property; its value cannot be set.` })
      continue
    }
    const checked = checkValue(type, definition, raw, existing?.properties[name])
    if (typeof checked === 'string') values[name] = checked
    else problems.push(checked)
  }
  if (type === 'tickets') problems.push(...ticketStageProblems(portal.ticketPipelines, values, existing))
  if (!existing) {
    for (const name of REQUIRED_ON_CREATE[type]) {
      if (!values[name] && !problems.some((p) => p.name === name)) {
        problems.push({ name, code: 'REQUIRED_PROPERTY', message: `Property "${name}" is required on create` })
      }
    }
  }
  return problems.length ? { problems } : { values, problems: [] }
}

function checkValue(
  type: ObjectType,
  definition: PropertyDefinition,
  raw: unknown,
  previous: string | undefined,
): string | PropertyProblem {
  const { name } = definition
  const problem = (code: string, message: string): PropertyProblem => ({ name, code, message })
  if (raw === null) return ''
  if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') {
    return problem('INVALID_VALUE', `${JSON.stringify(raw)} is not a valid value for "${name}"`)
  }
  const value = String(raw).trim()
  if (value === '') return ''
  switch (definition.type) {
    case 'number': {
      if (!NUMBER.test(value)) return problem('INVALID_FLOAT', `${value} was not a valid number.`)
      if (type === 'line_items' && name === 'price' && Number(value) < 0) {
        return problem('INVALID_VALUE', 'The price of a line item cannot be negative.')
      }
      return canonicalNumber(value)
    }
    case 'bool': {
      const lower = value.toLowerCase()
      if (lower !== 'true' && lower !== 'false') return problem('INVALID_BOOLEAN', `${value} is not a valid boolean.`)
      return lower
    }
    case 'enumeration':
      return checkOption(definition, value, previous) ?? problem('INVALID_OPTION', optionMessage(definition, value))
    case 'date':
      return checkDate(value, problem)
    case 'datetime': {
      const at = parseInstant(value)
      if (at === undefined) return problem('INVALID_DATETIME', `${value} is not a valid datetime.`)
      return new Date(at).toISOString()
    }
    case 'string': {
      if (value.length > MAX_STRING) {
        return problem('INVALID_VALUE', `Value for "${name}" is ${value.length} characters; the maximum is ${MAX_STRING}.`)
      }
      if (type === 'contacts' && name === 'email') {
        if (!EMAIL.test(value)) return problem('INVALID_EMAIL', `Email address ${value} is invalid`)
        return value.toLowerCase()
      }
      return String(raw)
    }
  }
}

/** Enumeration values must be option values; multi-checkboxes take `a;b`, and a leading `;` appends. */
function checkOption(definition: PropertyDefinition, value: string, previous: string | undefined): string | undefined {
  const allowed = new Set(definition.options.map((o) => o.value))
  if (definition.fieldType !== 'checkbox') return allowed.has(value) ? value : undefined
  const appending = value.startsWith(';')
  const chosen = value.split(';').filter((v) => v !== '')
  if (chosen.some((v) => !allowed.has(v))) return undefined
  const merged = appending && previous ? [...previous.split(';'), ...chosen] : chosen
  return [...new Set(merged)].join(';')
}

function optionMessage(definition: PropertyDefinition, value: string): string {
  const first = value.split(';').find((v) => v && !definition.options.some((o) => o.value === v)) ?? value
  const allowed = definition.options.map((o) => o.value).join(', ')
  return `${first} was not one of the allowed options: [${allowed}]`
}

/** `date` properties take midnight UTC, as `YYYY-MM-DD`, an ISO datetime or epoch milliseconds. */
function checkDate(value: string, problem: (code: string, message: string) => PropertyProblem): string | PropertyProblem {
  const at = parseInstant(value)
  if (at === undefined) return problem('INVALID_DATE', `${value} is not a valid date.`)
  const offset = ((at % DAY_MS) + DAY_MS) % DAY_MS
  if (offset !== 0) {
    const time = new Date(at).toISOString().slice(11, 23)
    return problem('INVALID_DATE', `${value} is at ${time} UTC, not midnight!`)
  }
  return new Date(at).toISOString().slice(0, 10)
}

function parseInstant(value: string): number | undefined {
  if (EPOCH_MS.test(value)) return Number(value)
  if (!ISO_DATE.test(value) && !ISO_DATETIME.test(value)) return undefined
  const at = Date.parse(value)
  return Number.isNaN(at) ? undefined : at
}

/** HubSpot returns numbers without redundant zeros: `12.50` reads back as `12.5`. */
function canonicalNumber(value: string): string {
  if (/[eE]/.test(value)) return String(Number(value))
  let text = value.replace(/^\+/, '')
  const negative = text.startsWith('-')
  if (negative) text = text.slice(1)
  let [whole = '', fraction = ''] = text.split('.')
  whole = whole.replace(/^0+(?=\d)/, '') || '0'
  fraction = fraction.replace(/0+$/, '')
  const result = fraction ? `${whole}.${fraction}` : whole
  return negative && result !== '0' ? `-${result}` : result
}
