import type {
  HubSpotClient,
  HubSpotError,
  HubSpotResponse,
  PropertyCreateInput,
  RemotePropertyDefinition,
} from './hubspot-client'
import { customProperties, hubspotProperties, PROPERTY_GROUP, type PropertyDefinition } from './properties'
import { OBJECT_TYPES, type HubSpotObjectType } from './records'

/**
 * Idempotent setup of the portal: the `bigcommerce` group and every custom property on each object. What
 * exists is left alone; a definition that conflicts with ours is reported, as is any HubSpot property the
 * account lacks (the writer leaves those out of its writes).
 */
export interface PropertyConflict {
  objectType: HubSpotObjectType
  property: string
  problem: string
}

export interface SetupResult {
  ok: boolean
  ranAt: string
  groupsCreated: HubSpotObjectType[]
  created: Partial<Record<HubSpotObjectType, string[]>>
  conflicts: PropertyConflict[]
  /** HubSpot properties the account lacks, left out of writes. */
  missing: Partial<Record<HubSpotObjectType, string[]>>
  /** Every property name each object has now (what the writer may send); an object setup never covered has none. */
  available: Partial<Record<HubSpotObjectType, string[]>>
  /** Objects whose unique key is unusable: writes to them wait until setup succeeds. */
  blocked: HubSpotObjectType[]
  /** Calls that failed (setup is retried before the next write when this is not empty). */
  errors: { objectType: HubSpotObjectType; step: string; message: string; retryable: boolean }[]
  /** HUBSPOT_CUSTOM_EVENTS on: the event definitions (`bc_<trigger>`) the account has after setup. */
  customEvents?: { available: boolean; reason: string | null; defined: string[]; failed: string[] }
}

/** Lets the caller keep the rate budget around each call (wait before, read the headers after). */
export type SetupCall = <T>(call: () => Promise<HubSpotResponse<T>>) => Promise<HubSpotResponse<T>>

const direct: SetupCall = (call) => call()

export async function setupPortal(
  client: HubSpotClient,
  now: Date,
  call: SetupCall = direct,
  objectTypes: readonly HubSpotObjectType[] = OBJECT_TYPES,
): Promise<SetupResult> {
  const result: SetupResult = {
    ok: true,
    ranAt: now.toISOString(),
    groupsCreated: [],
    created: {},
    conflicts: [],
    missing: {},
    available: {},
    blocked: [],
    errors: [],
  }
  const fail = (objectType: HubSpotObjectType, step: string, error: HubSpotError) => {
    result.ok = false
    result.errors.push({ objectType, step, message: error.message, retryable: error.retryable })
  }

  for (const objectType of objectTypes) {
    // Covered, even when a read below fails (the object is then blocked, and retried later).
    result.available[objectType] = []
    const groups = await call(() => client.listGroups(objectType))
    if (!groups.ok) {
      fail(objectType, 'read groups', groups.error)
      result.blocked.push(objectType)
      continue
    }
    if (!groups.data.results.some((g) => g.name === PROPERTY_GROUP.name)) {
      const created = await call(() => client.createGroup(objectType, { ...PROPERTY_GROUP }))
      // A 409 means someone created it in between: that is the state we want.
      if (created.ok || created.error.kind === 'conflict') result.groupsCreated.push(objectType)
      else fail(objectType, 'create group', created.error)
    }

    const listed = await call(() => client.listProperties(objectType))
    if (!listed.ok) {
      fail(objectType, 'read properties', listed.error)
      result.blocked.push(objectType)
      continue
    }
    const existing = new Map(listed.data.results.map((p) => [p.name, p]))

    const toCreate: PropertyDefinition[] = []
    for (const wanted of customProperties(objectType)) {
      const found = existing.get(wanted.name)
      if (!found) toCreate.push(wanted)
      else for (const problem of conflictsOf(wanted, found)) result.conflicts.push({ objectType, property: wanted.name, problem })
    }
    const missing = hubspotProperties(objectType)
      .map((p) => p.name)
      .filter((name) => !existing.has(name))
    if (missing.length) result.missing[objectType] = missing

    const available = new Set(existing.keys())
    if (toCreate.length) {
      const created = await call(() => client.createProperties(objectType, toCreate.map(createInput)))
      if (created.ok) {
        const names = (created.data.results ?? []).map((p) => p.name)
        for (const name of names) available.add(name)
        result.created[objectType] = names
        for (const e of created.data.errors ?? []) {
          result.ok = false
          result.errors.push({ objectType, step: 'create properties', message: e.message ?? 'failed', retryable: false })
        }
      } else {
        fail(objectType, 'create properties', created.error)
      }
    }
    result.available[objectType] = [...available].sort()

    const key = customProperties(objectType).find((p) => p.hasUniqueValue)
    const keyProblem = result.conflicts.some((c) => c.objectType === objectType && c.property === key?.name)
    if (key && (!available.has(key.name) || keyProblem)) result.blocked.push(objectType)
  }
  return result
}

function conflictsOf(wanted: PropertyDefinition, found: RemotePropertyDefinition): string[] {
  const problems: string[] = []
  if (found.type !== wanted.type) problems.push(`type is ${found.type}, expected ${wanted.type}`)
  if (wanted.hasUniqueValue && !found.hasUniqueValue) problems.push('exists without hasUniqueValue, so records cannot be upserted by it')
  if (wanted.options && found.type === 'enumeration') {
    const have = new Set((found.options ?? []).map((o) => o.value))
    const lacking = wanted.options.filter((o) => !have.has(o.value)).map((o) => o.value)
    if (lacking.length) problems.push(`enumeration lacks options ${lacking.join(', ')}`)
  }
  return problems
}

function createInput(p: PropertyDefinition): PropertyCreateInput {
  return {
    name: p.name,
    label: p.label,
    type: p.type,
    // Only HubSpot's own `phone` uses phonenumber, which property creation does not take.
    fieldType: p.fieldType === 'phonenumber' ? 'text' : p.fieldType,
    groupName: PROPERTY_GROUP.name,
    description: p.description,
    ...(p.hasUniqueValue ? { hasUniqueValue: true } : {}),
    ...(p.options ? { options: p.options.map((o) => ({ ...o, hidden: false })) } : {}),
  }
}

/**
 * Folds a setup of some objects into an earlier one: what was redone replaces what was there, the rest
 * stays (so a setup cut short by the rate budget resumes with the objects it did not finish).
 */
export function mergeSetup(previous: SetupResult, fresh: SetupResult, redone: readonly HubSpotObjectType[]): SetupResult {
  const keep = <T extends { objectType: HubSpotObjectType }>(list: T[]) => list.filter((x) => !redone.includes(x.objectType))
  const merged: SetupResult = {
    ranAt: fresh.ranAt,
    groupsCreated: [...previous.groupsCreated.filter((t) => !redone.includes(t)), ...fresh.groupsCreated],
    created: { ...previous.created },
    conflicts: [...keep(previous.conflicts), ...fresh.conflicts],
    missing: { ...previous.missing },
    available: { ...previous.available },
    blocked: [...previous.blocked.filter((t) => !redone.includes(t)), ...fresh.blocked],
    errors: [...keep(previous.errors), ...fresh.errors],
    ok: true,
  }
  for (const type of redone) {
    delete merged.created[type]
    delete merged.missing[type]
    if (fresh.created[type]) merged.created[type] = fresh.created[type]
    if (fresh.missing[type]) merged.missing[type] = fresh.missing[type]
    merged.available[type] = fresh.available[type]
  }
  merged.ok = merged.errors.length === 0
  return merged
}
