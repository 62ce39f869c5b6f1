/**
 * The state of one HubSpot portal, in memory: records by object type with an index of unique values,
 * associations in both directions, property definitions and groups, and custom events received.
 * Routes mutate it; tests and the demo view read it.
 */
import { ContactLists } from './lists'
import { defaultAssociationTypeId } from './associations-types'
import { defaultGroups, defaultProperties, labelled, MODIFIED_PROPERTY } from './default-properties'
import { defaultTicketPipelines, pipeline, type Pipeline, type TicketState } from './pipelines'
import {
  OBJECT_TYPES,
  type AssociationType,
  type CustomEventDefinition,
  type CustomEventOccurrence,
  type ObjectType,
  type PropertyDefinition,
  type PropertyGroup,
  type StoredRecord,
} from './types'

export interface AssociatedRecord {
  toObjectType: ObjectType
  toObjectId: string
  associationTypes: AssociationType[]
}

function byType<T>(make: (type: ObjectType) => T): Record<ObjectType, T> {
  return Object.fromEntries(OBJECT_TYPES.map((type) => [type, make(type)])) as Record<ObjectType, T>
}

export class Portal {
  readonly customEvents: CustomEventOccurrence[] = []
  readonly eventDefinitions = new Map<string, CustomEventDefinition>()
  readonly ticketPipelines: Pipeline[]
  readonly lists = new ContactLists((name) => this.property('contacts', name))
  private nextId = 10_001
  private nextStageId = 1_000
  private readonly store = byType(() => new Map<string, StoredRecord>())
  /** type → unique property → value (emails lower-cased) → record id */
  private readonly uniqueIndex = byType(() => new Map<string, Map<string, string>>())
  private readonly propertyDefs: Record<ObjectType, Map<string, PropertyDefinition>>
  private readonly groupDefs: Record<ObjectType, Map<string, PropertyGroup>>
  /** `${type}:${id}` → `${type}:${id}` → association type ids */
  private readonly links = new Map<string, Map<string, Set<number>>>()
  /** `${type}:${id}` of a record merged away → the id of the record it became. */
  private readonly mergedInto = new Map<string, string>()
  /** A merged contact's email (lower-cased) → the contact that keeps it as an additional email. */
  private readonly additionalEmails = new Map<string, string>()

  constructor(
    readonly portalId: number,
    missingProperties: Partial<Record<ObjectType, string[]>>,
    private readonly at: string,
    /** The portal's own `hs_ticket_priority` options, when not HubSpot's defaults. */
    ticketPriorities?: { value: string; label: string }[],
    /** The portal's currencies: when given, its currency properties are enumerations of them (INVALID_OPTION otherwise). */
    currencies?: string[],
  ) {
    this.propertyDefs = byType(
      (type) => new Map(defaultProperties(type, missingProperties[type] ?? [], at).map((p) => [p.name, p])),
    )
    const priority = this.propertyDefs.tickets.get('hs_ticket_priority')
    if (priority && ticketPriorities) priority.options = labelled(ticketPriorities).options
    const currencyProperties: [ObjectType, string][] = [['orders', 'hs_currency_code'], ['carts', 'hs_currency_code'], ['line_items', 'hs_line_item_currency_code']]
    for (const [type, name] of currencies ? currencyProperties : []) {
      const property = this.propertyDefs[type].get(name)
      if (!property) continue
      property.type = 'enumeration'
      property.fieldType = 'select'
      property.options = labelled(currencies!.map((code) => ({ value: code, label: code }))).options
    }
    this.ticketPipelines = defaultTicketPipelines(at)
    this.groupDefs = byType((type) => new Map(defaultGroups(type).map((g) => [g.name, g])))
    for (const type of OBJECT_TYPES) if (this.propertyDefs[type].has('email')) this.indexProperty(type, 'email')
  }

  // ── Records ────────────────────────────────────────────────────────────────────────────────────────

  records(type: ObjectType): StoredRecord[] {
    return [...this.store[type].values()]
  }

  /** By id; an id merged away resolves to the record it became (HubSpot: both old ids point to the merge). */
  record(type: ObjectType, id: string): StoredRecord | undefined {
    return this.store[type].get(this.currentId(type, id))
  }

  /** The id a record has now: itself, or what merges made of it. */
  currentId(type: ObjectType, id: string): string {
    let current = id
    for (let next = this.mergedInto.get(`${type}:${current}`); next; next = this.mergedInto.get(`${type}:${current}`)) current = next
    return current
  }

  /** Whether this id was merged away (it still resolves, to the merged record). */
  wasMerged(type: ObjectType, id: string): boolean {
    return this.mergedInto.has(`${type}:${id}`)
  }

  /** The contact holding `email` as an additional email since a merge. */
  additionalEmailOwner(email: string): StoredRecord | undefined {
    const id = this.additionalEmails.get(email.trim().toLowerCase())
    return id === undefined ? undefined : this.record('contacts', id)
  }

  /** Finds a record by a unique property (`hasUniqueValue`, contacts' `email`, or `hs_object_id`). */
  findByProperty(type: ObjectType, property: string, value: string): StoredRecord | undefined {
    if (property === 'hs_object_id') return this.record(type, value)
    const id = this.uniqueIndex[type].get(property)?.get(indexKey(property, value))
    return id === undefined ? undefined : this.record(type, id)
  }

  /** True when `property` identifies records: usable as an `idProperty`. */
  isIdProperty(type: ObjectType, property: string): boolean {
    return property === 'hs_object_id' || this.uniqueIndex[type].has(property)
  }

  insert(type: ObjectType, values: Record<string, string>, now: number): StoredRecord {
    const id = String(this.nextId++)
    const at = new Date(now).toISOString()
    const record: StoredRecord = {
      id,
      objectType: type,
      properties: { hs_object_id: id, createdate: at, [MODIFIED_PROPERTY[type]]: at, hs_object_source: 'INTEGRATION' },
      history: {},
      createdAt: now,
      updatedAt: now,
    }
    this.store[type].set(id, record)
    this.write(record, values, now)
    return record
  }

  /** Sets values property by property; an empty string clears a property. */
  write(record: StoredRecord, values: Record<string, string>, now: number): void {
    const index = this.uniqueIndex[record.objectType]
    for (const [name, value] of Object.entries(values)) {
      const unique = index.get(name)
      const previous = record.properties[name]
      if (unique && previous !== undefined) unique.delete(indexKey(name, previous))
      if (value !== (previous ?? '')) (record.history[name] ??= []).push({ value, timestamp: now })
      if (value === '') delete record.properties[name]
      else {
        record.properties[name] = value
        unique?.set(indexKey(name, value), record.id)
      }
    }
    record.updatedAt = now
    record.properties[MODIFIED_PROPERTY[record.objectType]] = new Date(now).toISOString()
  }

  /** Archives a record: gone from reads, its unique values freed and its associations dropped. */
  archive(type: ObjectType, id: string): boolean {
    const record = this.store[type].get(id)
    if (!record) return false
    for (const [name, values] of this.uniqueIndex[type]) {
      const value = record.properties[name]
      if (value !== undefined) values.delete(indexKey(name, value))
    }
    this.store[type].delete(id)
    const key = `${type}:${id}`
    for (const other of this.links.get(key)?.keys() ?? []) this.links.get(other)?.delete(key)
    this.links.delete(key)
    return true
  }

  /**
   * Merges `secondaryId` into `primaryId` as HubSpot does since its 2024 change: a new record with a new id;
   * the primary's values win, the secondary's fill what the primary lacks; the primary's email stays the email
   * and the secondary's becomes an additional one (`hs_additional_emails`); `hs_merged_object_ids` lists the ids
   * merged; both old ids resolve to the new record; associations of both move to it.
   */
  merge(type: ObjectType, primaryId: string, secondaryId: string, now: number): StoredRecord {
    const primary = this.store[type].get(primaryId)!
    const secondary = this.store[type].get(secondaryId)!
    const list = (record: StoredRecord, name: string) => (record.properties[name] ?? '').split(';').filter(Boolean)
    const values: Record<string, string> = {}
    for (const [name, value] of Object.entries({ ...secondary.properties, ...primary.properties })) {
      if (!this.property(type, name)?.modificationMetadata.readOnlyValue) values[name] = value
    }
    if (type === 'contacts') {
      const extra = [...list(primary, 'hs_additional_emails'), ...list(secondary, 'hs_additional_emails'), secondary.properties.email]
      values.hs_additional_emails = [...new Set(extra.filter((e): e is string => Boolean(e)).map((e) => e.toLowerCase()))].join(';')
    }
    const merged = [...list(primary, 'hs_merged_object_ids'), ...list(secondary, 'hs_merged_object_ids'), primaryId, secondaryId]
    values.hs_merged_object_ids = [...new Set(merged)].join(';')
    // The old records leave the unique index before the new one claims their values.
    for (const old of [primary, secondary]) {
      this.write(old, Object.fromEntries([...this.uniqueIndex[type].keys()].map((name) => [name, ''])), now)
      this.store[type].delete(old.id)
    }
    const record = this.insert(type, values, now)
    record.properties.createdate = primary.createdAt < secondary.createdAt ? primary.properties.createdate! : secondary.properties.createdate!
    for (const old of [primary, secondary]) {
      this.mergedInto.set(`${type}:${old.id}`, record.id)
      for (const target of this.associations(type, old.id)) {
        for (const { typeId } of target.associationTypes) this.link(type, record.id, target.toObjectType, target.toObjectId, typeId)
        const back = this.links.get(`${target.toObjectType}:${target.toObjectId}`)
        const types = back?.get(`${type}:${old.id}`)
        back?.delete(`${type}:${old.id}`)
        for (const typeId of types ?? []) this.link(target.toObjectType, target.toObjectId, type, record.id, typeId)
      }
      this.links.delete(`${type}:${old.id}`)
    }
    if (type === 'contacts') for (const email of list(record, 'hs_additional_emails')) this.additionalEmails.set(email, record.id)
    return record
  }

  /** Adds a ticket pipeline with these stages (ids assigned as HubSpot does: unique across the portal). */
  addTicketPipeline(label: string, stages: { label: string; ticketState: TicketState }[]): Pipeline {
    const id = String(this.nextStageId++)
    const added = pipeline(id, label, stages.map((s) => ({ ...s, id: String(this.nextStageId++) })), this.at)
    this.ticketPipelines.push(added)
    return added
  }

  // ── Associations ───────────────────────────────────────────────────────────────────────────────────

  /** Stores the default association in both directions; returns false when the pair has none. */
  associateDefault(from: ObjectType, fromId: string, to: ObjectType, toId: string): boolean {
    const forward = defaultAssociationTypeId(from, to)
    const backward = defaultAssociationTypeId(to, from)
    if (forward === undefined || backward === undefined) return false
    this.link(from, fromId, to, toId, forward)
    this.link(to, toId, from, fromId, backward)
    return true
  }

  associations(from: ObjectType, fromId: string, to?: ObjectType): AssociatedRecord[] {
    const targets = this.links.get(`${from}:${fromId}`)
    if (!targets) return []
    const found: AssociatedRecord[] = []
    for (const [key, typeIds] of targets) {
      const [toObjectType, toObjectId] = key.split(':') as [ObjectType, string]
      if (to && toObjectType !== to) continue
      const associationTypes = [...typeIds].map((typeId) => ({ category: 'HUBSPOT_DEFINED' as const, typeId, label: null }))
      found.push({ toObjectType, toObjectId, associationTypes })
    }
    return found
  }

  private link(from: ObjectType, fromId: string, to: ObjectType, toId: string, typeId: number): void {
    const key = `${from}:${fromId}`
    let targets = this.links.get(key)
    if (!targets) this.links.set(key, (targets = new Map()))
    let types = targets.get(`${to}:${toId}`)
    if (!types) targets.set(`${to}:${toId}`, (types = new Set()))
    types.add(typeId)
  }

  // ── Properties and groups ──────────────────────────────────────────────────────────────────────────

  properties(type: ObjectType): PropertyDefinition[] {
    return [...this.propertyDefs[type].values()]
  }

  property(type: ObjectType, name: string): PropertyDefinition | undefined {
    return this.propertyDefs[type].get(name)
  }

  uniquePropertyCount(type: ObjectType): number {
    return this.properties(type).filter((p) => p.hasUniqueValue).length
  }

  saveProperty(type: ObjectType, definition: PropertyDefinition): void {
    this.propertyDefs[type].set(definition.name, definition)
    if (definition.hasUniqueValue) this.indexProperty(type, definition.name)
  }

  groups(type: ObjectType): PropertyGroup[] {
    return [...this.groupDefs[type].values()]
  }

  group(type: ObjectType, name: string): PropertyGroup | undefined {
    return this.groupDefs[type].get(name)
  }

  saveGroup(type: ObjectType, group: PropertyGroup): void {
    this.groupDefs[type].set(group.name, group)
  }

  private indexProperty(type: ObjectType, name: string): void {
    if (this.uniqueIndex[type].has(name)) return
    const values = new Map<string, string>()
    for (const record of this.store[type].values()) {
      const value = record.properties[name]
      if (value !== undefined) values.set(indexKey(name, value), record.id)
    }
    this.uniqueIndex[type].set(name, values)
  }
}

/** HubSpot matches emails case-insensitively; other unique values exactly. */
function indexKey(property: string, value: string): string {
  return property === 'email' ? value.trim().toLowerCase() : value
}
