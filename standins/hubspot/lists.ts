/**
 * Contact lists (Lists v3) as the stand-in keeps them: unique names, a processing type, and for DYNAMIC lists a
 * filter branch checked the way HubSpot checks it (an OR root without filters of its own and AND sub-branches;
 * PROPERTY filters on existing contact properties, with an operation that suits the property's type).
 */
import { validationFailure } from './errors'
import type { PropertyDefinition } from './types'

export interface StoredList {
  listId: string
  name: string
  objectTypeId: string
  processingType: 'MANUAL' | 'DYNAMIC' | 'SNAPSHOT'
  filterBranch?: unknown
  listVersion: number
  createdAt: string
  updatedAt: string
}

const PROCESSING_TYPES = ['MANUAL', 'DYNAMIC', 'SNAPSHOT'] as const
/** Operation types a property filter may use, by the property's type. */
const OPERATIONS_BY_TYPE: Record<string, string[]> = {
  number: ['NUMBER', 'ALL_PROPERTY'],
  enumeration: ['ENUMERATION', 'ALL_PROPERTY'],
  string: ['STRING', 'MULTISTRING', 'ALL_PROPERTY'],
  date: ['TIME_RANGED', 'TIME_POINT', 'ROLLING_DATE_RANGE', 'ALL_PROPERTY'],
  datetime: ['TIME_RANGED', 'TIME_POINT', 'ROLLING_DATE_RANGE', 'ALL_PROPERTY'],
  bool: ['BOOL', 'ALL_PROPERTY'],
}

export class ContactLists {
  private readonly lists = new Map<string, StoredList>()
  private nextId = 101

  /** `contactProperty`: the portal's contact property of that name, if it has one. */
  constructor(private readonly contactProperty: (name: string) => PropertyDefinition | undefined) {}

  all(): StoredList[] {
    return [...this.lists.values()]
  }

  get(listId: string): StoredList | undefined {
    return this.lists.get(listId)
  }

  byName(name: string): StoredList | undefined {
    return this.all().find((l) => l.name.toLowerCase() === name.toLowerCase())
  }

  create(input: Record<string, unknown>, now: string): StoredList {
    const name = typeof input.name === 'string' ? input.name.trim() : ''
    if (!name) throw validationFailure('name is required')
    if (this.byName(name)) throw validationFailure(`A list named "${name}" already exists`)
    if (input.objectTypeId !== '0-1') throw validationFailure('The stand-in keeps contact lists only (objectTypeId 0-1)')
    const processingType = input.processingType as StoredList['processingType']
    if (!PROCESSING_TYPES.includes(processingType)) throw validationFailure(`processingType must be one of ${PROCESSING_TYPES.join(', ')}`)
    if (processingType !== 'MANUAL') this.checkFilterBranch(input.filterBranch)
    else if (input.filterBranch !== undefined) throw validationFailure('MANUAL lists take no filterBranch')
    const list: StoredList = {
      listId: String(this.nextId++),
      name,
      objectTypeId: '0-1',
      processingType,
      ...(input.filterBranch !== undefined ? { filterBranch: structuredClone(input.filterBranch) } : {}),
      listVersion: 1,
      createdAt: now,
      updatedAt: now,
    }
    this.lists.set(list.listId, list)
    return list
  }

  updateFilters(listId: string, filterBranch: unknown, now: string): StoredList {
    const list = this.lists.get(listId)
    if (!list) throw validationFailure(`List ${listId} does not exist`)
    if (list.processingType !== 'DYNAMIC') throw validationFailure('Only DYNAMIC lists have filters to update')
    this.checkFilterBranch(filterBranch)
    list.filterBranch = structuredClone(filterBranch)
    list.listVersion++
    list.updatedAt = now
    return list
  }

  private checkFilterBranch(branch: unknown): void {
    const root = branch as { filterBranchType?: unknown; filters?: unknown[]; filterBranches?: unknown[] } | undefined
    if (!root || root.filterBranchType !== 'OR') throw validationFailure('The root filterBranch must be of type OR')
    if ((root.filters ?? []).length) throw validationFailure('The root OR filter branch may not hold filters of its own')
    const children = (root.filterBranches ?? []) as { filterBranchType?: unknown; filters?: unknown[] }[]
    if (!children.length || children.some((c) => c.filterBranchType !== 'AND')) {
      throw validationFailure('The root OR filter branch needs one or more AND filter branches')
    }
    for (const filter of children.flatMap((c) => c.filters ?? []) as Record<string, unknown>[]) this.checkFilter(filter)
  }

  private checkFilter(filter: Record<string, unknown>): void {
    if (filter.filterType !== 'PROPERTY') throw validationFailure(`The stand-in checks PROPERTY filters only, not ${String(filter.filterType)}`)
    const name = String(filter.property)
    const property = this.contactProperty(name)
    if (!property) throw validationFailure(`Property ${name} does not exist on contacts`)
    const operation = (filter.operation ?? {}) as Record<string, unknown>
    const allowed = OPERATIONS_BY_TYPE[property.type] ?? []
    if (!allowed.includes(String(operation.operationType))) {
      throw validationFailure(`operationType ${String(operation.operationType)} does not suit ${name} (${property.type})`)
    }
    if (typeof operation.operator !== 'string' || !operation.operator) throw validationFailure(`The filter on ${name} needs an operator`)
    // Every property operation requires includeObjectsWithNoValueSet (HubSpot's models mark it required).
    if (typeof operation.includeObjectsWithNoValueSet !== 'boolean') {
      throw validationFailure(`The filter on ${name} needs "includeObjectsWithNoValueSet" (true or false)`)
    }
    // Time operations carry a discriminator `type` as well as `operationType`.
    if (operation.operationType === 'TIME_RANGED' || operation.operationType === 'TIME_POINT') {
      if (operation.type !== operation.operationType) {
        throw validationFailure(`The ${String(operation.operationType)} filter on ${name} needs "type": "${String(operation.operationType)}"`)
      }
      const points = operation.operationType === 'TIME_RANGED' ? ['lowerBoundTimePoint', 'upperBoundTimePoint'] : ['timePoint']
      for (const point of points) {
        if (typeof operation[point] !== 'object' || operation[point] === null) throw validationFailure(`The filter on ${name} needs "${point}"`)
      }
    }
    if (operation.operationType === 'ENUMERATION') {
      const known = new Set((property.options ?? []).map((o) => o.value))
      const values = Array.isArray(operation.values) ? operation.values.map(String) : []
      const unknown = values.filter((v) => !known.has(v))
      if (!values.length || unknown.length) throw validationFailure(`${name} has no option ${unknown.join(', ') || '(none given)'}`)
    }
  }
}
