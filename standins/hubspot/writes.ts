/**
 * Record writes in two steps: plan (validate values, unique values and inline associations, throwing a
 * HubSpotFailure) then apply. A batch plans every input first, so an all-or-nothing batch writes nothing
 * when one input is refused, and two inputs of one batch cannot claim the same unique value.
 */
import { associationPairOf } from './associations-types'
import { failure, propertyFailure, validationFailure, type PropertyProblem } from './errors'
import type { Portal } from './portal'
import { OBJECT_LABELS, type ObjectType, type StoredRecord } from './types'
import { checkProperties, type WriteValues } from './values'

export interface Planned {
  apply(now: number): { record: StoredRecord; created: boolean }
}

interface InlineAssociation {
  to: ObjectType
  toId: string
}

export class RecordWriter {
  /** Unique values claimed by earlier inputs of the same batch: `${property}\n${value}` */
  private readonly claimed = new Set<string>()

  constructor(
    private readonly portal: Portal,
    private readonly type: ObjectType,
  ) {}

  planCreate(properties: unknown, associations?: unknown): Planned {
    const values = this.check(properties)
    this.claimUniqueValues(values)
    const links = this.checkAssociations(associations)
    return {
      apply: (now) => {
        const record = this.portal.insert(this.type, values, now)
        for (const link of links) this.portal.associateDefault(this.type, record.id, link.to, link.toId)
        return { record, created: true }
      },
    }
  }

  planUpdate(record: StoredRecord, properties: unknown): Planned {
    const values = this.check(properties, record)
    this.claimUniqueValues(values, record.id)
    return {
      apply: (now) => {
        this.portal.write(record, values, now)
        return { record, created: false }
      },
    }
  }

  /** The record an `id` names, by `hs_object_id` or a unique `idProperty`, or an OBJECT_NOT_FOUND failure. */
  find(id: string, idProperty = 'hs_object_id'): StoredRecord {
    const record = this.portal.findByProperty(this.type, idProperty, id)
    if (record) return record
    const label = OBJECT_LABELS[this.type].toLowerCase()
    return notFoundFor(`No ${label} with ${idProperty === 'hs_object_id' ? 'ID' : idProperty} ${id} exists`)
  }

  private check(properties: unknown, existing?: StoredRecord): WriteValues {
    const checked = checkProperties(this.portal, this.type, properties, existing)
    if (checked.problems.length) throw propertyFailure(checked.problems)
    return checked.values!
  }

  private claimUniqueValues(values: WriteValues, ownId?: string): void {
    const problems: PropertyProblem[] = []
    for (const [name, value] of Object.entries(values)) {
      if (value === '' || !this.portal.isIdProperty(this.type, name)) continue
      // A merged contact's email stays with the merge, as an additional email: no new contact can take it.
      const owner =
        this.portal.findByProperty(this.type, name, value) ??
        (this.type === 'contacts' && name === 'email' ? this.portal.additionalEmailOwner(value) : undefined)
      const key = `${name}\n${name === 'email' ? value.toLowerCase() : value}`
      if (owner && owner.id !== ownId) {
        if (this.type === 'contacts' && name === 'email') {
          throw failure(409, 'CONFLICT', `Contact already exists. Existing ID: ${owner.id}`)
        }
        problems.push({ name, code: 'CONFLICTING_UNIQUE_VALUE', message: `${value} already has that value.` })
      } else if (this.claimed.has(key)) {
        problems.push({
          name,
          code: 'CONFLICTING_UNIQUE_VALUE',
          message: `${value} is set on another input of this batch; ${name} must be unique.`,
        })
      }
    }
    if (problems.length) throw propertyFailure(problems)
    for (const [name, value] of Object.entries(values)) {
      if (value !== '' && this.portal.isIdProperty(this.type, name)) {
        this.claimed.add(`${name}\n${name === 'email' ? value.toLowerCase() : value}`)
      }
    }
  }

  /** Inline `associations: [{to: {id}, types: [{associationCategory, associationTypeId}]}]` on create. */
  private checkAssociations(associations: unknown): InlineAssociation[] {
    if (associations === undefined) return []
    if (!Array.isArray(associations)) throw validationFailure('Invalid input JSON: "associations" must be an array')
    return associations.flatMap((association: unknown) => {
      const { to, types } = (association ?? {}) as { to?: { id?: unknown }; types?: unknown }
      const toId = to?.id === undefined ? undefined : String(to.id)
      if (!toId || !Array.isArray(types) || types.length === 0) {
        throw validationFailure('Each association needs "to": {"id"} and a non-empty "types" list')
      }
      return types.map((type: { associationCategory?: unknown; associationTypeId?: unknown }) => {
        const pair = associationPairOf(Number(type?.associationTypeId))
        if (type?.associationCategory !== 'HUBSPOT_DEFINED' || !pair || pair.from !== this.type) {
          throw validationFailure(
            `${String(type?.associationCategory)} association type ${String(type?.associationTypeId)} is not valid for ${this.type}`,
          )
        }
        if (!this.portal.record(pair.to, toId)) {
          throw validationFailure(`No ${OBJECT_LABELS[pair.to].toLowerCase()} with ID ${toId} exists to associate`)
        }
        return { to: pair.to, toId }
      })
    })
  }
}

function notFoundFor(message: string): never {
  throw failure(404, 'OBJECT_NOT_FOUND', message)
}
