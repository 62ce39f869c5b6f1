import { normalizeEmail } from '../../domain/identity-keys'
import { API_VERSION, BATCH_LIMIT, type HubSpotClient, type HubSpotResponse, type SimplePublicObject } from '../hubspot-client'
import type { BatchReadBody } from '../models'
import type { BudgetedRead } from '../tickets/budgeted'

/**
 * HubSpot's unsubscribes, read with the CRM search API (research/hubspot.md §7, §12): `hs_email_optout`
 * ("Unsubscribed from all email") and one `hs_email_optout_<id>` per subscription type are contact properties,
 * read-only through the CRM API and searchable. One search (5 filter groups at most, ORed: one per opt-out
 * property, each with `lastmodifieddate` since the last run) sorted by `lastmodifieddate`, 200 a page; past
 * 10,000 results a query cannot page, so a new query goes on from the last modification time seen. The
 * moment of each unsubscribe comes from the property's history (a batch read, 100 contacts a call), not from
 * `lastmodifieddate`, which every later write moves.
 */
export const OPT_OUT_ALL = 'hs_email_optout'
export const SEARCH_PAGE = 200
export const SEARCH_RESULT_LIMIT = 10_000
const MAX_FILTER_GROUPS = 5

export function optOutProperty(typeId: string): string {
  return `${OPT_OUT_ALL}_${typeId}`
}

/** An unsubscribed contact as the search found it. */
export interface FoundOptOut {
  email: string
  hubspotId: string
  allEmail: boolean
  /** The searched subscription type ids it opted out of, sorted. */
  types: string[]
}

export type ReadFailure = { ok: false; missingScope: boolean; status: number; message: string; calls: number }

export type OptOutSearch =
  | {
      ok: true
      found: FoundOptOut[]
      /** False when the page budget ran out: the next run resumes from `resumeFrom`. */
      complete: boolean
      /** Epoch ms of the last modification time read, when incomplete. */
      resumeFrom: number | null
      calls: number
    }
  | ReadFailure

export type TypeCheck = { ok: true; known: string[]; unknown: string[]; calls: number } | ReadFailure

interface SearchPage {
  results?: SimplePublicObject[]
  paging?: { next?: { after?: string } }
}

class ReadFailed extends Error {
  constructor(readonly response: Extract<HubSpotResponse<unknown>, { ok: false }>) {
    super(response.error.message)
  }
}

function reader(client: HubSpotClient, read: BudgetedRead) {
  let calls = 0
  const call = async <T>(kind: 'search' | 'read', method: 'GET' | 'POST', path: string, body?: unknown, missingOk = false): Promise<T | null> => {
    calls++
    const res = await read(kind, () => client.request<T>(method, path, body))
    if (res.ok) return res.data
    if (missingOk && res.status === 404) return null
    throw new ReadFailed(res)
  }
  return { call, calls: () => calls }
}

function failure(err: unknown, calls: number): ReadFailure {
  if (!(err instanceof ReadFailed)) throw err
  const { status, error } = err.response
  return { ok: false, missingScope: status === 403 || error.category === 'MISSING_SCOPES', status, message: `HTTP ${status}: ${error.message}`, calls }
}

/** Which configured subscription types the portal has an opt-out property for (a typo would fail every search). */
export async function checkSubscriptionTypes(client: HubSpotClient, read: BudgetedRead, types: readonly string[]): Promise<TypeCheck> {
  const { call, calls } = reader(client, read)
  try {
    const known: string[] = []
    const unknown: string[] = []
    for (const type of types) {
      const found = await call('read', 'GET', `/crm/${API_VERSION.crm}/properties/contacts/${optOutProperty(type)}`, undefined, true)
      ;(found === null ? unknown : known).push(type)
    }
    return { ok: true, known, unknown, calls: calls() }
  } catch (err) {
    return failure(err, calls())
  }
}

/**
 * Contacts unsubscribed from all email or from one of `types`, modified since `since` (epoch ms; null: all of
 * them, as on the first run), at most `maxPages` pages.
 */
export async function searchOptOuts(
  client: HubSpotClient,
  read: BudgetedRead,
  options: { types: readonly string[]; since: number | null; maxPages: number },
): Promise<OptOutSearch> {
  const { call, calls } = reader(client, read)
  const properties = [OPT_OUT_ALL, ...options.types.map(optOutProperty)]
  const found = new Map<string, FoundOptOut>()
  let pages = 0
  let complete = true
  let resumeFrom: number | null = null
  try {
    for (let i = 0; i < properties.length; i += MAX_FILTER_GROUPS) {
      const group = properties.slice(i, i + MAX_FILTER_GROUPS)
      let since = options.since
      let after: string | undefined
      /** The last modification time read in this group: where a run cut short goes on from. */
      let lastModified: number | null = null
      for (;;) {
        if (pages >= options.maxPages) {
          complete = false
          const from = lastModified ?? since ?? 0
          resumeFrom = resumeFrom === null ? from : Math.min(resumeFrom, from)
          break
        }
        pages++
        const page = await call<SearchPage>('search', 'POST', `/crm/${API_VERSION.crm}/objects/contacts/search`, searchBody(group, properties, since, after))
        const results = page?.results ?? []
        for (const contact of results) {
          const optOut = toOptOut(contact, options.types)
          if (optOut) found.set(optOut.hubspotId, optOut)
          const modified = Date.parse(contact.properties?.lastmodifieddate ?? '')
          if (Number.isFinite(modified)) lastModified = modified
        }
        const next = page?.paging?.next?.after
        if (!next || results.length === 0) break
        if (Number(next) + SEARCH_PAGE > SEARCH_RESULT_LIMIT && lastModified !== null) {
          // Past 10,000 results: a new query from the last modification time seen (its contacts come again).
          since = lastModified > (since ?? -1) ? lastModified : (since ?? 0) + 1
          after = undefined
        } else {
          after = next
        }
      }
    }
    return { ok: true, found: [...found.values()], complete, resumeFrom, calls: calls() }
  } catch (err) {
    return failure(err, calls())
  }
}

function searchBody(group: string[], properties: string[], since: number | null, after?: string) {
  return {
    filterGroups: group.map((property) => ({
      filters: [
        { propertyName: property, operator: 'EQ', value: 'true' },
        ...(since === null ? [] : [{ propertyName: 'lastmodifieddate', operator: 'GTE', value: String(since) }]),
      ],
    })),
    sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }],
    properties: ['email', 'lastmodifieddate', ...properties],
    limit: SEARCH_PAGE,
    ...(after === undefined ? {} : { after }),
  }
}

function toOptOut(contact: SimplePublicObject, types: readonly string[]): FoundOptOut | null {
  const email = normalizeEmail(contact.properties?.email)
  if (!email) return null
  const allEmail = contact.properties?.[OPT_OUT_ALL] === 'true'
  const optedOut = types.filter((t) => contact.properties?.[optOutProperty(t)] === 'true').sort()
  if (!allEmail && optedOut.length === 0) return null
  return { email, hubspotId: contact.id, allEmail, types: optedOut }
}

interface HistoryRead {
  results?: { id: string; propertiesWithHistory?: Record<string, { value: string; timestamp: string }[]> }[]
}

/**
 * When each contact's current unsubscribe happened: for every opt-out property now `true`, the time of its
 * newest change (history comes newest first), the latest of them. Contacts HubSpot no longer has are left out.
 */
export async function optOutTimes(
  client: HubSpotClient,
  read: BudgetedRead,
  contacts: { hubspotId: string; allEmail: boolean; types: string[] }[],
): Promise<{ ok: true; times: Map<string, string>; calls: number } | ReadFailure> {
  const { call, calls } = reader(client, read)
  const times = new Map<string, string>()
  try {
    for (let i = 0; i < contacts.length; i += BATCH_LIMIT) {
      const chunk = contacts.slice(i, i + BATCH_LIMIT)
      const properties = [...new Set(chunk.flatMap((c) => [OPT_OUT_ALL, ...c.types.map(optOutProperty)]))]
      const body: BatchReadBody = { properties, propertiesWithHistory: properties, inputs: chunk.map((c) => ({ id: c.hubspotId })) }
      const page = await call<HistoryRead>('read', 'POST', `/crm/${API_VERSION.crm}/objects/contacts/batch/read`, body)
      for (const result of page?.results ?? []) {
        const contact = chunk.find((c) => c.hubspotId === result.id)
        if (!contact) continue
        const optedOut = [...(contact.allEmail ? [OPT_OUT_ALL] : []), ...contact.types.map(optOutProperty)]
        const moments = optedOut.flatMap((p) => {
          const newest = result.propertiesWithHistory?.[p]?.[0]
          const at = newest?.value === 'true' ? Date.parse(newest.timestamp) : Number.NaN
          return Number.isFinite(at) ? [at] : []
        })
        if (moments.length) times.set(result.id, new Date(Math.max(...moments)).toISOString())
      }
    }
    return { ok: true, times, calls: calls() }
  } catch (err) {
    return failure(err, calls())
  }
}
