import { API_VERSION, type HubSpotClient, type HubSpotResponse } from './hubspot-client'
import type { ListCreateBody, ListFilterUpdateBody, ListSearchBody } from './models'
import { LIST_NAME_PREFIX, listFilterBranch, type AudienceDefinition, type ListFilterBranch } from './lists'
import type { BudgetedRead } from './tickets/budgeted'

/**
 * Keeps the audiences as HubSpot active lists (Lists v3): finds ours by name (one search by the common prefix,
 * then their filters), creates the missing ones, and leaves a list someone edited as it is unless the operator
 * asks for a repair (then its filters are put back to our definition). Idempotent: a second run changes nothing.
 * A token without list access (403) is reported, never thrown.
 */
export interface ListSyncResult {
  available: boolean
  /** Why lists could not be read or written (the scope to add), when `available` is false. */
  reason: string | null
  created: string[]
  unchanged: string[]
  repaired: string[]
  /** Lists whose filters differ from our definition and were left alone (no repair asked for). */
  drifted: string[]
  failed: { name: string; message: string }[]
  /** Lists with our prefix that no definition names any more (e.g. a category that left the top): left alone. */
  unmanaged: string[]
  checkedAt: string
}

interface RemoteList {
  listId: string
  name: string
  filterBranch?: ListFilterBranch
}

const LISTS = `/crm/${API_VERSION.crm}/lists`
const SEARCH_PAGE = 500
const READ_PAGE = 100

export async function syncAudienceLists(
  client: HubSpotClient,
  call: BudgetedRead,
  audiences: AudienceDefinition[],
  options: { repair: boolean; now: Date },
): Promise<ListSyncResult> {
  const result: ListSyncResult = {
    available: true,
    reason: null,
    created: [],
    unchanged: [],
    repaired: [],
    drifted: [],
    failed: [],
    unmanaged: [],
    checkedAt: options.now.toISOString(),
  }
  const existing = await ourLists(client, call)
  if (!existing.ok) return { ...result, available: false, reason: existing.reason }
  const byName = new Map(existing.lists.map((l) => [l.name, l]))
  for (const audience of audiences) {
    const found = byName.get(audience.name)
    const filterBranch = listFilterBranch(audience)
    if (!found) {
      const body: ListCreateBody = { name: audience.name, objectTypeId: '0-1', processingType: 'DYNAMIC', filterBranch }
      const res = await call('read', () => client.request('POST', LISTS, body))
      if (res.ok) result.created.push(audience.name)
      else result.failed.push({ name: audience.name, message: res.error.message })
      continue
    }
    if (sameFilters(found.filterBranch, filterBranch)) {
      result.unchanged.push(audience.name)
    } else if (!options.repair) {
      result.drifted.push(audience.name)
    } else {
      const body: ListFilterUpdateBody = { filterBranch }
      const res = await call('read', () =>
        client.request('PUT', `${LISTS}/${encodeURIComponent(found.listId)}/update-list-filters`, body),
      )
      if (res.ok) result.repaired.push(audience.name)
      else result.failed.push({ name: audience.name, message: res.error.message })
    }
  }
  const managed = new Set(audiences.map((a) => a.name))
  result.unmanaged = existing.lists.map((l) => l.name).filter((name) => !managed.has(name)).sort()
  return result
}

/** Our lists (by name prefix) with their filters. */
async function ourLists(client: HubSpotClient, call: BudgetedRead): Promise<{ ok: true; lists: RemoteList[] } | { ok: false; reason: string }> {
  const found: RemoteList[] = []
  for (let offset = 0; ; ) {
    // HubSpot requires `offset` and `additionalProperties` (none wanted: filters are read below).
    const body: ListSearchBody = { query: LIST_NAME_PREFIX, offset, count: SEARCH_PAGE, additionalProperties: [] }
    const page: HubSpotResponse<{ lists: RemoteList[]; hasMore: boolean; offset: number }> = await call('search', () =>
      client.request('POST', `${LISTS}/search`, body),
    )
    if (!page.ok) return { ok: false, reason: refusal(page.error.status, page.error.message) }
    found.push(...page.data.lists.filter((l) => l.name.startsWith(LIST_NAME_PREFIX)))
    if (!page.data.hasMore || page.data.lists.length === 0) break
    offset = page.data.offset
  }
  const lists: RemoteList[] = []
  for (let i = 0; i < found.length; i += READ_PAGE) {
    const ids = found.slice(i, i + READ_PAGE).map((l) => `listIds=${encodeURIComponent(l.listId)}`).join('&')
    const res: HubSpotResponse<{ lists: RemoteList[] }> = await call('read', () =>
      client.request('GET', `${LISTS}?${ids}&includeFilters=true`),
    )
    if (!res.ok) return { ok: false, reason: refusal(res.error.status, res.error.message) }
    lists.push(...res.data.lists)
  }
  return { ok: true, lists }
}

function refusal(status: number, message: string): string {
  return status === 403 || status === 401
    ? `HubSpot refused list access (${status}): give the token the crm.lists.read and crm.lists.write scopes. ${message}`
    : `HubSpot lists could not be read (${status || 'no answer'}): ${message}`
}

/** Filters compared by what they select (HubSpot may add fields of its own to what it returns). */
function sameFilters(remote: ListFilterBranch | undefined, ours: ListFilterBranch): boolean {
  const describe = (branch: ListFilterBranch | undefined) =>
    JSON.stringify((branch?.filterBranches ?? []).map((b) => (b.filters ?? []).map(filterKey).sort()))
  return describe(remote) === describe(ours)
}

function filterKey(filter: object): string {
  const { property, operation } = filter as { property?: string; operation?: Record<string, unknown> }
  const o = operation ?? {}
  const lower = o.lowerBoundTimePoint as { offset?: { days?: number } } | undefined
  return JSON.stringify([property, o.operationType, o.operator, o.values ?? o.value ?? null, lower?.offset?.days ?? null])
}
