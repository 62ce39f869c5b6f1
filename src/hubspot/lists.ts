import type {
  EnumerationOperationModel,
  IndexedTimePointModel,
  ListAndBranchModel,
  ListOrBranchModel,
  ListPropertyFilterModel,
  NumberOperationModel,
  RangedTimeOperationModel,
  StringOperationModel,
} from './models'
import { propertyDefinition, type PropertyType } from './properties'

/**
 * The playbook's audiences as HubSpot active (DYNAMIC) contact lists, filtered on our own properties only.
 * This module is the one place they are defined: setup creates them from it, /docs lists them, and the tests
 * check every filter against the property registry. Names carry a common prefix; HubSpot list names are
 * unique, so a list is found again by its name.
 */
export const LIST_NAME_PREFIX = 'BigCommerce · '

/** A property filter in HubSpot's Lists v3 shape (`filterType: PROPERTY`), checked against HubSpot's models. */
export type ListPropertyFilter = ListPropertyFilterModel & {
  filterType: 'PROPERTY'
  property: string
  operation: ListFilterOperation
}

export type ListFilterOperation =
  | (NumberOperationModel & { operator: 'IS_EQUAL_TO' | 'IS_GREATER_THAN_OR_EQUAL_TO'; includeObjectsWithNoValueSet: false })
  | (EnumerationOperationModel & { operator: 'IS_ANY_OF' | 'IS_NONE_OF' })
  | (StringOperationModel & { operator: 'CONTAINS' | 'IS_EQUAL_TO'; includeObjectsWithNoValueSet: false })
  | (RangedTimeOperationModel & {
      // HubSpot requires the discriminator `type` as well as `operationType` on time operations.
      operationType: 'TIME_RANGED'
      operator: 'IS_BETWEEN'
      includeObjectsWithNoValueSet: false
      lowerBoundEndpointBehavior: 'INCLUSIVE'
      upperBoundEndpointBehavior: 'INCLUSIVE'
      propertyParser: 'VALUE'
      lowerBoundTimePoint: TimePoint
      upperBoundTimePoint: TimePoint
    })

type TimePoint = IndexedTimePointModel & {
  timeType: 'INDEXED'
  timezoneSource: 'CUSTOM'
  zoneId: 'UTC'
  indexReference: { referenceType: 'TODAY' | 'NOW' }
  offset?: { days: number }
}

/** The root branch HubSpot requires: OR, no filters of its own, one AND branch holding the filters. */
export type ListFilterBranch = ListOrBranchModel & {
  filterBranchType: 'OR'
  filterBranchOperator: 'OR'
  filters: []
  filterBranches: (ListAndBranchModel & { filterBranchType: 'AND'; filterBranchOperator: 'AND'; filters: ListPropertyFilter[]; filterBranches: [] })[]
}

export interface AudienceDefinition {
  /** Stable id, for reports and docs. */
  id: string
  name: string
  description: string
  filters: ListPropertyFilter[]
}

const number = (property: string, operator: 'IS_EQUAL_TO' | 'IS_GREATER_THAN_OR_EQUAL_TO', value: number): ListPropertyFilter => ({
  filterType: 'PROPERTY',
  property,
  operation: { operationType: 'NUMBER', operator, value, includeObjectsWithNoValueSet: false },
})
const anyOf = (property: string, ...values: string[]): ListPropertyFilter => ({
  filterType: 'PROPERTY',
  property,
  operation: { operationType: 'ENUMERATION', operator: 'IS_ANY_OF', values, includeObjectsWithNoValueSet: false },
})
const noneOf = (property: string, ...values: string[]): ListPropertyFilter => ({
  filterType: 'PROPERTY',
  property,
  operation: { operationType: 'ENUMERATION', operator: 'IS_NONE_OF', values, includeObjectsWithNoValueSet: true },
})
const text = (property: string, operator: 'CONTAINS' | 'IS_EQUAL_TO', value: string): ListPropertyFilter => ({
  filterType: 'PROPERTY',
  property,
  operation: { operationType: 'STRING', operator, value, includeObjectsWithNoValueSet: false },
})
/** The property's value falls within the last `days` days (from the start of that day, UTC, to now). */
const withinLastDays = (property: string, days: number): ListPropertyFilter => ({
  filterType: 'PROPERTY',
  property,
  operation: {
    type: 'TIME_RANGED',
    operationType: 'TIME_RANGED',
    operator: 'IS_BETWEEN',
    includeObjectsWithNoValueSet: false,
    lowerBoundEndpointBehavior: 'INCLUSIVE',
    upperBoundEndpointBehavior: 'INCLUSIVE',
    propertyParser: 'VALUE',
    lowerBoundTimePoint: { timeType: 'INDEXED', timezoneSource: 'CUSTOM', zoneId: 'UTC', indexReference: { referenceType: 'TODAY' }, offset: { days: -days } },
    upperBoundTimePoint: { timeType: 'INDEXED', timezoneSource: 'CUSTOM', zoneId: 'UTC', indexReference: { referenceType: 'NOW' } },
  },
})

/** The fixed audiences (the category ones come from the store's data, see `categoryAudience`). */
export const AUDIENCES: readonly AudienceDefinition[] = [
  {
    id: 'recent_abandoned_carts',
    name: `${LIST_NAME_PREFIX}Abandoned cart, last 7 days`,
    description: 'A cart abandoned within the last 7 days (bc_cart_abandoned_at, written only when consent allowed the trigger), not opted out since',
    filters: [withinLastDays('bc_cart_abandoned_at', 7), noneOf('bc_email_consent', 'opted_out')],
  },
  {
    id: 'first_time_buyers',
    name: `${LIST_NAME_PREFIX}First-time buyers, last 60 days`,
    description: 'Exactly one paid order, placed within the last 60 days',
    filters: [number('bc_order_count', 'IS_EQUAL_TO', 1), withinLastDays('bc_first_order_date', 60)],
  },
  {
    id: 'repeat_customers',
    name: `${LIST_NAME_PREFIX}Repeat customers`,
    description: 'Two or more paid orders',
    filters: [number('bc_order_count', 'IS_GREATER_THAN_OR_EQUAL_TO', 2)],
  },
  {
    id: 'vip_and_high',
    name: `${LIST_NAME_PREFIX}VIP and high value`,
    description: 'Value tier vip (top 10% by lifetime value) or high (the next 20%)',
    filters: [anyOf('bc_value_tier', 'vip', 'high')],
  },
  {
    id: 'at_risk',
    name: `${LIST_NAME_PREFIX}At risk`,
    description: 'Repeat customers overdue by more than 1.5 times their usual gap between orders',
    filters: [anyOf('bc_customer_status', 'at_risk')],
  },
  {
    id: 'lapsed',
    name: `${LIST_NAME_PREFIX}Lapsed`,
    description: 'No paid order within LAPSED_AFTER',
    filters: [anyOf('bc_customer_status', 'lapsed')],
  },
  {
    id: 'marketplace_only',
    name: `${LIST_NAME_PREFIX}Marketplace-only buyers (exclude from ads)`,
    description:
      'First and latest paid orders both from a marketplace: marketplaces forbid marketing to their buyers, so exclude this list from ad audiences',
    filters: [text('bc_first_order_channel', 'IS_EQUAL_TO', 'marketplace'), text('bc_last_order_channel', 'IS_EQUAL_TO', 'marketplace')],
  },
]

/** Buyers of one of the store's top categories (`bc_category_affinity` holds up to 3, `;`-separated). */
export function categoryAudience(category: string): AudienceDefinition {
  return {
    id: `category:${category}`,
    name: `${LIST_NAME_PREFIX}Category buyers: ${category}`,
    description: `${category} among the categories of the newest paid orders (bc_category_affinity)`,
    filters: [text('bc_category_affinity', 'CONTAINS', category)],
  }
}

/**
 * Buyers of one storefront (Multi-Storefront), for a store with more than one: `bc_storefronts` holds every
 * storefront (channel name) a contact has a paid order from.
 */
export function storefrontAudience(storefront: string): AudienceDefinition {
  return {
    id: `storefront:${storefront}`,
    name: `${LIST_NAME_PREFIX}Storefront buyers: ${storefront}`,
    description: `A paid order from the ${storefront} storefront (bc_storefronts)`,
    filters: [text('bc_storefronts', 'CONTAINS', storefront)],
  }
}

/**
 * Every audience setup keeps: the fixed ones, one per top category, and one per storefront when the store has
 * more than one storefront channel.
 */
export function audienceDefinitions(topCategories: string[], storefronts: string[] = []): AudienceDefinition[] {
  return [...AUDIENCES, ...topCategories.map(categoryAudience), ...(storefronts.length > 1 ? storefronts.map(storefrontAudience) : [])]
}

/** The filter branch HubSpot stores for a list. */
export function listFilterBranch(audience: AudienceDefinition): ListFilterBranch {
  return {
    filterBranchType: 'OR',
    filterBranchOperator: 'OR',
    filters: [],
    filterBranches: [{ filterBranchType: 'AND', filterBranchOperator: 'AND', filters: audience.filters, filterBranches: [] }],
  }
}

/** The operation types that suit each property type. */
const OPERATIONS: Record<PropertyType, ListFilterOperation['operationType'][]> = {
  number: ['NUMBER'],
  enumeration: ['ENUMERATION'],
  string: ['STRING'],
  date: ['TIME_RANGED'],
  datetime: ['TIME_RANGED'],
  bool: [],
}

/**
 * What is wrong with an audience's filters against the property registry: a property the registry does not
 * define for contacts, an operation that does not suit its type, an option it does not have. Empty: none.
 */
export function listFilterProblems(audience: AudienceDefinition): string[] {
  return audience.filters.flatMap((filter) => {
    const definition = propertyDefinition('contacts', filter.property)
    if (!definition) return [`${filter.property} is not a contact property`]
    const op = filter.operation
    if (!OPERATIONS[definition.type].includes(op.operationType)) return [`${op.operationType} does not suit ${filter.property} (${definition.type})`]
    if (op.operationType !== 'ENUMERATION') return []
    const options = new Set((definition.options ?? []).map((o) => o.value))
    return op.values.filter((v) => !options.has(v)).map((v) => `${filter.property} has no option ${v}`)
  })
}
