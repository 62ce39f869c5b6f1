/** Shared types of the HubSpot stand-in: object types, stored records, property definitions. */

export const OBJECT_TYPES = ['contacts', 'products', 'orders', 'line_items', 'carts', 'tasks', 'tickets', 'companies'] as const
export type ObjectType = (typeof OBJECT_TYPES)[number]

/** HubSpot's object type ids; the API accepts either the name or the id in a path. */
export const OBJECT_TYPE_IDS: Record<ObjectType, string> = {
  contacts: '0-1',
  products: '0-7',
  orders: '0-123',
  line_items: '0-8',
  carts: '0-142',
  tasks: '0-27',
  tickets: '0-5',
  companies: '0-2',
}

/** Singular upper-case names HubSpot uses in some error messages ("Could not get some CONTACT objects"). */
export const OBJECT_LABELS: Record<ObjectType, string> = {
  contacts: 'CONTACT',
  products: 'PRODUCT',
  orders: 'ORDER',
  line_items: 'LINE_ITEM',
  carts: 'CART',
  tasks: 'TASK',
  tickets: 'TICKET',
  companies: 'COMPANY',
}

/** Resolves a path segment (`contacts`, `0-1`, `CONTACTS`) to an object type. */
export function resolveObjectType(segment: string): ObjectType | undefined {
  const lower = segment.toLowerCase()
  for (const type of OBJECT_TYPES) {
    if (lower === type || segment === OBJECT_TYPE_IDS[type]) return type
  }
  // HubSpot also accepts the singular in a few places (`contact`, `line_item`, `company`).
  for (const type of OBJECT_TYPES) if (`${lower}s` === type || lower.replace(/y$/, 'ies') === type) return type
  return undefined
}

export type PropertyType = 'string' | 'number' | 'date' | 'datetime' | 'enumeration' | 'bool'

export interface PropertyOption {
  label: string
  value: string
  description?: string
  displayOrder?: number
  hidden?: boolean
}

export interface PropertyDefinition {
  name: string
  label: string
  type: PropertyType
  fieldType: string
  groupName: string
  description: string
  options: PropertyOption[]
  displayOrder: number
  hasUniqueValue: boolean
  hidden: boolean
  formField: boolean
  calculated: boolean
  externalOptions: boolean
  /** HubSpot-defined properties; custom ones are false. */
  hubspotDefined: boolean
  modificationMetadata: { archivable: boolean; readOnlyDefinition: boolean; readOnlyValue: boolean }
  createdAt: string
  updatedAt: string
  archived: boolean
}

export interface PropertyGroup {
  name: string
  label: string
  displayOrder: number
  archived: boolean
}

/** A record as the portal stores it: every value a string, like HubSpot returns them. */
export interface StoredRecord {
  id: string
  objectType: ObjectType
  properties: Record<string, string>
  /** Every change of each property, oldest first (HubSpot's property history; a write of the same value is no change). */
  history: Record<string, PropertyChange[]>
  createdAt: number
  updatedAt: number
}

export interface PropertyChange {
  value: string
  timestamp: number
}

export interface AssociationType {
  category: 'HUBSPOT_DEFINED' | 'USER_DEFINED'
  typeId: number
  label: string | null
}

export interface CustomEventDefinition {
  name: string
  label: string
  fullyQualifiedName: string
  primaryObject: string
  includeDefaultProperties: boolean
  /** HubSpot lists a definition's properties as `properties[]` (on the list call only with includeProperties=true). */
  properties: { name: string; label: string; type: string }[]
  createdAt: string
}

export interface CustomEventOccurrence {
  eventName: string
  objectType: ObjectType
  objectId: string
  occurredAt: string
  properties: Record<string, string>
  receivedAt: number
}
