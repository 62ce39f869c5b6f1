/** Request parsing and response building shared by the stand-in's routes. */
import type { Context } from 'hono'
import { DEFAULT_READ_PROPERTIES, MODIFIED_PROPERTY } from './default-properties'
import { batchError, failure, HubSpotFailure, json, validationFailure, type BatchError } from './errors'
import type { Portal } from './portal'
import { resolveObjectType, type ObjectType, type StoredRecord } from './types'

/** What every route needs: the portal and the injected clock. */
export interface StandinContext {
  portal: Portal
  clock: () => number
}

/** Hono environment of the stand-in: routes report how many batch inputs a request carried. */
export type StandinEnv = { Variables: { inputs?: number } }

export function objectTypeParam(segment: string): ObjectType {
  const type = resolveObjectType(segment)
  if (!type) throw failure(404, 'OBJECT_NOT_FOUND', `Unable to infer object type from: ${segment}`)
  return type
}

export async function readJson(c: Context<StandinEnv>): Promise<Record<string, unknown>> {
  const text = await c.req.text()
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch (error) {
    throw validationFailure(`Invalid input JSON on line 1: ${(error as Error).message}`)
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw validationFailure('Invalid input JSON: expected an object')
  }
  return body as Record<string, unknown>
}

/** `inputs` of a batch body: an array of objects, at most `max` of them, or the whole request fails. */
export function readInputs<T = Record<string, unknown>>(c: Context<StandinEnv>, body: Record<string, unknown>, max: number): T[] {
  const { inputs } = body
  if (!Array.isArray(inputs)) throw validationFailure('Invalid input JSON: "inputs" must be an array')
  c.set('inputs', inputs.length)
  if (inputs.length > max) {
    throw validationFailure(`Batch input limit exceeded: ${inputs.length} inputs were sent; the limit is ${max}.`, [
      { message: `The maximum number of inputs is ${max}`, code: 'TOO_MANY_INPUTS', context: { limit: [String(max)] } },
    ])
  }
  if (inputs.some((input) => typeof input !== 'object' || input === null || Array.isArray(input))) {
    throw validationFailure('Invalid input JSON: every input must be an object')
  }
  return inputs as T[]
}

/** Refuses a batch naming the same record twice, as HubSpot does (the whole request fails). */
export function refuseDuplicates(keys: string[]): void {
  const seen = new Set<string>()
  const duplicates = new Set<string>()
  for (const key of keys) (seen.has(key) ? duplicates : seen).add(key)
  if (duplicates.size) {
    throw validationFailure(`Duplicate IDs found in batch input: [${[...duplicates].join(', ')}]. IDs must be unique`)
  }
}

export function iso(at: number): string {
  return new Date(at).toISOString()
}

/**
 * A record as the API returns it. Reads return the requested properties (null when unset) or the object's
 * defaults, plus the system ones; writes return everything the record holds.
 */
export function apiRecord(record: StoredRecord, requested?: string[] | 'all', withHistory?: string[]) {
  const type = record.objectType
  let properties: Record<string, string | null>
  if (requested === 'all') properties = { ...record.properties }
  else {
    const names = new Set([
      ...(requested?.length ? requested : DEFAULT_READ_PROPERTIES[type]),
      'hs_object_id',
      'createdate',
      MODIFIED_PROPERTY[type],
    ])
    properties = Object.fromEntries([...names].map((name) => [name, record.properties[name] ?? null]))
  }
  const history = withHistory?.length ? { propertiesWithHistory: propertiesWithHistory(record, withHistory) } : {}
  return { id: record.id, properties, ...history, createdAt: iso(record.createdAt), updatedAt: iso(record.updatedAt), archived: false }
}

/** HubSpot's `propertiesWithHistory`: each requested property's changes, newest first. */
function propertiesWithHistory(record: StoredRecord, names: string[]) {
  return Object.fromEntries(
    names.map((name) => [
      name,
      (record.history[name] ?? [])
        .map((change) => ({ value: change.value, timestamp: iso(change.timestamp), sourceType: 'INTEGRATION' }))
        .reverse(),
    ]),
  )
}

/** `properties=a,b&properties=c` as a list. */
export function propertyList(c: Context<StandinEnv>, name = 'properties'): string[] | undefined {
  const values = c.req.queries(name)
  if (!values) return undefined
  return values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean)
}

export interface BatchOutcome<R> {
  results: R[]
  errors: BatchError[]
  failures: HubSpotFailure[]
}

/** Runs `handle` for each input, collecting per-input failures as batch errors. */
export function eachInput<I, R>(
  inputs: I[],
  handle: (input: I, index: number) => R,
  context: (input: I, index: number) => Record<string, string[]>,
): BatchOutcome<R> {
  const outcome: BatchOutcome<R> = { results: [], errors: [], failures: [] }
  inputs.forEach((input, index) => {
    try {
      outcome.results.push(handle(input, index))
    } catch (error) {
      if (!(error instanceof HubSpotFailure)) throw error
      outcome.failures.push(error)
      outcome.errors.push(batchError(error, context(input, index)))
    }
  })
  return outcome
}

/**
 * A batch response: `status` when every input succeeded, 207 with `errors[]` when some failed, and when all
 * failed the first failure's status and body with every input's error details (a 207 if `allFailedIs207`).
 */
export function batchResponse<R>(
  status: number,
  outcome: BatchOutcome<R>,
  startedAt: number,
  now: number,
  allFailedIs207 = false,
) {
  const times = { startedAt: iso(startedAt), completedAt: iso(now) }
  const { results, errors, failures } = outcome
  if (!errors.length) return json(status, { status: 'COMPLETE', results, ...times })
  if (!results.length && !allFailedIs207) throw allFailed(failures)
  return json(207, { status: 'COMPLETE', results, errors, numErrors: errors.length, ...times })
}

export function allFailed(failures: HubSpotFailure[]): HubSpotFailure {
  const [first] = failures
  const errors = failures.flatMap((f) => f.body.errors ?? [])
  return new HubSpotFailure(first!.status, { ...first!.body, ...(errors.length ? { errors } : {}) })
}
