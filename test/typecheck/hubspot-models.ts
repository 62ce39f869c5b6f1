/**
 * A typecheck fixture, not a test file: `npm run typecheck` compiles it, and each `@ts-expect-error` below is
 * itself an error if the line under it compiles. So if our request types stopped enforcing HubSpot's required
 * fields (`src/hubspot/models.ts`, from `@hubspot/api-client`'s models), the typecheck fails.
 */
import type { ListFilterOperation, ListPropertyFilter } from '../../src/hubspot/lists'
import type {
  AssociateDefaultBody,
  BatchUpsertBody,
  ContactMergeBody,
  EventDefinitionCreateBody,
  ListSearchBody,
  PropertyCreateInput,
} from '../../src/hubspot/models'

const point = { timeType: 'INDEXED', timezoneSource: 'CUSTOM', zoneId: 'UTC', indexReference: { referenceType: 'NOW' } } as const
const bounds = { lowerBoundEndpointBehavior: 'INCLUSIVE', upperBoundEndpointBehavior: 'INCLUSIVE', propertyParser: 'VALUE', lowerBoundTimePoint: point, upperBoundTimePoint: point } as const

// A list filter: TIME_RANGED needs its discriminator `type`...
export const timeRanged: ListFilterOperation = { type: 'TIME_RANGED', operationType: 'TIME_RANGED', operator: 'IS_BETWEEN', includeObjectsWithNoValueSet: false, ...bounds }
// @ts-expect-error `type` is required besides operationType
export const timeRangedWithoutType: ListFilterOperation = { operationType: 'TIME_RANGED', operator: 'IS_BETWEEN', includeObjectsWithNoValueSet: false, ...bounds }
// @ts-expect-error every property operation needs includeObjectsWithNoValueSet
export const withoutFlag: ListFilterOperation = { operationType: 'NUMBER', operator: 'IS_EQUAL_TO', value: 1 }
// @ts-expect-error a property filter names its property
export const withoutProperty: ListPropertyFilter = { filterType: 'PROPERTY', operation: { operationType: 'NUMBER', operator: 'IS_EQUAL_TO', value: 1, includeObjectsWithNoValueSet: false } }

// List search: offset and additionalProperties.
export const search: ListSearchBody = { query: 'BigCommerce', offset: 0, count: 10, additionalProperties: [] }
// @ts-expect-error additionalProperties is required
export const searchWithoutProperties: ListSearchBody = { query: 'BigCommerce', offset: 0, count: 10 }

// Event definitions: includeDefaultProperties, label, propertyDefinitions (each with name, label, type).
export const definition: EventDefinitionCreateBody = { label: 'Order placed', includeDefaultProperties: false, propertyDefinitions: [{ name: 'k', label: 'K', type: 'string' }] }
// @ts-expect-error includeDefaultProperties is required
export const definitionWithoutDefaults: EventDefinitionCreateBody = { label: 'Order placed', propertyDefinitions: [] }
// @ts-expect-error a property definition needs a type
export const propertyWithoutType: EventDefinitionCreateBody = { label: 'x', includeDefaultProperties: false, propertyDefinitions: [{ name: 'k', label: 'K' }] }

// Associations: from and to, each with an id.
export const associate: AssociateDefaultBody = { inputs: [{ from: { id: '1' }, to: { id: '2' } }] }
// @ts-expect-error `to` is required
export const associateWithoutTo: AssociateDefaultBody = { inputs: [{ from: { id: '1' } }] }
// @ts-expect-error misspelt: the wire name is `from`
export const associateMisspelt: AssociateDefaultBody = { inputs: [{ form: { id: '1' }, to: { id: '2' } }] }

// Upserts: id and properties per input.
export const upsert: BatchUpsertBody = { inputs: [{ idProperty: 'bc_order_id', id: '7', properties: {}, objectWriteTraceId: '7' }] }
// @ts-expect-error every input needs its id
export const upsertWithoutId: BatchUpsertBody = { inputs: [{ idProperty: 'bc_order_id', properties: {} }] }

// Property creation: enumeration options need `hidden`; the field type is one HubSpot knows.
// @ts-expect-error options need hidden
export const optionWithoutHidden: PropertyCreateInput = { name: 'x', label: 'X', type: 'enumeration', fieldType: 'select', groupName: 'g', options: [{ label: 'A', value: 'a' }] }
// @ts-expect-error not a field type HubSpot creates
export const badFieldType: PropertyCreateInput = { name: 'x', label: 'X', type: 'string', fieldType: 'phonenumber', groupName: 'g' }

// Contact merges: both ids, as strings.
export const merge: ContactMergeBody = { primaryObjectId: '1', objectIdToMerge: '2' }
// @ts-expect-error objectIdToMerge is required
export const mergeWithoutSecondary: ContactMergeBody = { primaryObjectId: '1' }
// @ts-expect-error ids are strings
export const mergeNumericIds: ContactMergeBody = { primaryObjectId: 1, objectIdToMerge: 2 }
