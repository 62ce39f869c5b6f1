import { normalizeEmail } from '../../domain/identity-keys'
import type { SupportTicket } from '../../domain/support'
import { API_VERSION, BATCH_LIMIT, type HubSpotClient, type HubSpotResponse, type SimplePublicObject } from '../hubspot-client'
import type { BudgetedRead } from './budgeted'

/**
 * Support escalations, read from HubSpot in a handful of calls: the ticket pipelines (which stages are open:
 * `metadata.ticketState` OPEN), the portal's own `hs_ticket_priority` options (the configured priorities are
 * matched against their values and labels), one paged search of open tickets of those priorities, their
 * contacts (v4 association batch read) and those contacts' emails (batch read). The search keeps to HubSpot's
 * limits: 200 a page, a body under 3,000 characters (the open stages are split over several searches if
 * needed), and 10,000 results a query (past that, a new query goes on from the last ticket id).
 */
export const SEARCH_PAGE = 200
export const SEARCH_RESULT_LIMIT = 10_000
export const SEARCH_BODY_LIMIT = 3_000
export const ASSOCIATION_READ_LIMIT = 1_000
/** A safety net: no refresh reads more than this many pages (500,000 tickets). */
const MAX_PAGES = 2_500

export interface EscalatedTicket extends SupportTicket {
  /** The normalized emails of the contacts it is associated with. */
  emails: string[]
}

export interface PriorityMatch {
  configured: string[]
  /** The option values searched for. */
  matched: string[]
  /** Configured priorities the portal has no option for. */
  unknown: string[]
  /** The portal's options, `value (label)`. */
  options: string[]
}

export type EscalationRead =
  | { ok: true; tickets: EscalatedTicket[]; priorities: PriorityMatch; openStages: number; calls: number }
  | { ok: false; missingScope: boolean; status: number; message: string; calls: number }

interface Pipelines {
  results: { id: string; label?: string; stages: { id: string; label?: string; metadata?: { ticketState?: string } }[] }[]
}
interface PropertyWithOptions {
  options?: { value: string; label?: string; hidden?: boolean }[]
}
interface SearchPage {
  total?: number
  results: SimplePublicObject[]
  paging?: { next?: { after?: string } }
}
interface AssociationRead {
  results?: { from: { id: string }; to: { toObjectId: number | string }[] }[]
}

class ReadFailed extends Error {
  constructor(readonly response: Extract<HubSpotResponse<unknown>, { ok: false }>) {
    super(response.error.message)
  }
}

export async function readOpenEscalations(client: HubSpotClient, read: BudgetedRead, configured: string[]): Promise<EscalationRead> {
  let calls = 0
  const call = async <T>(kind: 'search' | 'read', method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> => {
    calls++
    const res = await read(kind, () => client.request<T>(method, path, body))
    if (!res.ok) throw new ReadFailed(res)
    return res.data
  }
  try {
    const pipelines = await call<Pipelines>('read', 'GET', `/crm/${API_VERSION.crm}/pipelines/tickets`)
    const openStages = new Map<string, string>()
    for (const p of pipelines.results ?? []) {
      for (const s of p.stages ?? []) if (s.metadata?.ticketState === 'OPEN') openStages.set(s.id, s.label ?? s.id)
    }
    const priority = await call<PropertyWithOptions>('read', 'GET', `/crm/${API_VERSION.crm}/properties/tickets/hs_ticket_priority`)
    const priorities = matchPriorities(configured, priority.options ?? [])
    if (openStages.size === 0 || priorities.matched.length === 0) {
      return { ok: true, tickets: [], priorities, openStages: openStages.size, calls }
    }

    const found = new Map<string, SimplePublicObject>()
    for (const stages of stageChunks([...openStages.keys()], priorities.matched)) {
      let lastId: string | null = null
      /** The query's lower bound (a ticket id), once it went past 10,000 results. */
      let since: string | null = null
      let after: string | undefined
      for (let pages = 0; pages < MAX_PAGES; pages++) {
        const page: SearchPage = await call<SearchPage>('search', 'POST', `/crm/${API_VERSION.crm}/objects/tickets/search`,
          searchBody(priorities.matched, stages, since, after))
        for (const ticket of page.results ?? []) {
          found.set(ticket.id, ticket)
          lastId = ticket.id
        }
        const next = page.paging?.next?.after
        if (!next || !page.results?.length) break
        // Past 10,000 results a query cannot page: a new query goes on after the last ticket id.
        if (Number(next) + SEARCH_PAGE > SEARCH_RESULT_LIMIT) {
          since = lastId
          after = undefined
        } else {
          after = next
        }
      }
    }

    const ticketIds = [...found.keys()]
    const contactsOf = new Map<string, string[]>()
    for (let i = 0; i < ticketIds.length; i += ASSOCIATION_READ_LIMIT) {
      const inputs = ticketIds.slice(i, i + ASSOCIATION_READ_LIMIT).map((id) => ({ id }))
      const links = await call<AssociationRead>('read', 'POST', `/crm/${API_VERSION.associations}/associations/tickets/contacts/batch/read`, { inputs })
      // A ticket without contacts is an error entry of a 207: nothing to suppress for it.
      for (const r of links.results ?? []) contactsOf.set(String(r.from.id), r.to.map((t) => String(t.toObjectId)))
    }
    const contactIds = [...new Set([...contactsOf.values()].flat())]
    const emailOf = new Map<string, string>()
    for (let i = 0; i < contactIds.length; i += BATCH_LIMIT) {
      const inputs = contactIds.slice(i, i + BATCH_LIMIT).map((id) => ({ id }))
      const contacts = await call<{ results?: SimplePublicObject[] }>('read', 'POST', `/crm/${API_VERSION.crm}/objects/contacts/batch/read`, {
        properties: ['email'],
        inputs,
      })
      for (const c of contacts.results ?? []) {
        const email = normalizeEmail(c.properties?.email)
        if (email) emailOf.set(c.id, email)
      }
    }

    const tickets: EscalatedTicket[] = []
    for (const [id, ticket] of found) {
      const emails = [...new Set((contactsOf.get(id) ?? []).flatMap((c) => emailOf.get(c) ?? []))]
      if (emails.length === 0) continue
      const stage = ticket.properties?.hs_pipeline_stage ?? null
      tickets.push({
        ticketId: id,
        priority: ticket.properties?.hs_ticket_priority ?? '',
        subject: ticket.properties?.subject || null,
        stage: stage === null ? null : (openStages.get(stage) ?? stage),
        emails,
      })
    }
    return { ok: true, tickets, priorities, openStages: openStages.size, calls }
  } catch (err) {
    if (!(err instanceof ReadFailed)) throw err
    const { status, error } = err.response
    const missingScope = status === 403 || error.category === 'MISSING_SCOPES'
    return { ok: false, missingScope, status, message: `HTTP ${status}: ${error.message}`, calls }
  }
}

/** Configured priorities matched to the portal's options by value or label, ignoring case. */
export function matchPriorities(configured: string[], options: { value: string; label?: string; hidden?: boolean }[]): PriorityMatch {
  const matched: string[] = []
  const unknown: string[] = []
  for (const wanted of configured) {
    const w = wanted.toLowerCase()
    const option = options.find((o) => o.value.toLowerCase() === w) ?? options.find((o) => o.label?.toLowerCase() === w)
    if (option) {
      if (!matched.includes(option.value)) matched.push(option.value)
    } else unknown.push(wanted)
  }
  return { configured, matched, unknown, options: options.map((o) => (o.label && o.label !== o.value ? `${o.value} (${o.label})` : o.value)) }
}

function searchBody(priorities: string[], stages: string[], afterId: string | null, after?: string) {
  return {
    filterGroups: [
      {
        filters: [
          { propertyName: 'hs_ticket_priority', operator: 'IN', values: priorities },
          { propertyName: 'hs_pipeline_stage', operator: 'IN', values: stages },
          ...(afterId === null ? [] : [{ propertyName: 'hs_object_id', operator: 'GT', value: afterId }]),
        ],
      },
    ],
    sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }],
    properties: ['subject', 'hs_ticket_priority', 'hs_pipeline_stage'],
    limit: SEARCH_PAGE,
    ...(after === undefined ? {} : { after }),
  }
}

/** Open stage ids in groups whose search body (with room for paging) stays under HubSpot's 3,000 characters. */
export function stageChunks(stages: string[], priorities: string[]): string[][] {
  const fits = (chunk: string[]) =>
    JSON.stringify(searchBody(priorities, chunk, '9'.repeat(20), String(SEARCH_RESULT_LIMIT))).length <= SEARCH_BODY_LIMIT
  const chunks: string[][] = []
  let current: string[] = []
  for (const stage of stages) {
    if (current.length && !fits([...current, stage])) {
      chunks.push(current)
      current = []
    }
    current.push(stage)
  }
  if (current.length) chunks.push(current)
  return chunks
}
