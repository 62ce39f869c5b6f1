import { and, eq } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import { apiPauses } from './schema'

/** The circuit breakers (migrations/0040_api_pauses.sql): one row per API, written only when its state changes. */

export const APIS = ['bigcommerce', 'hubspot'] as const
export type Api = (typeof APIS)[number]
export type PauseCause = 'auth' | 'outage'

export type ApiPauseRow = typeof apiPauses.$inferSelect

export function closedPause(api: Api): ApiPauseRow {
  return {
    api,
    paused: false,
    cause: null,
    status: null,
    detail: null,
    probePath: null,
    since: null,
    nextProbeAt: null,
    lastProbeAt: null,
    lastProbeResult: null,
    resumedAt: null,
    resumedBy: null,
    updatedAt: 0,
  }
}

/** Both APIs' breakers; an API never paused has a closed one. */
export async function readApiPauses(db: D1Database): Promise<Record<Api, ApiPauseRow>> {
  const rows = await drizzle(db).select().from(apiPauses)
  const byApi = new Map(rows.map((r) => [r.api, r]))
  return { bigcommerce: byApi.get('bigcommerce') ?? closedPause('bigcommerce'), hubspot: byApi.get('hubspot') ?? closedPause('hubspot') }
}

export interface PauseOpening {
  cause: PauseCause
  status: number
  detail: string | null
  probePath: string | null
  now: number
  nextProbeAt: number | null
  /** The caller holds the pause's truth (the HubSpot writer): an open pause takes this one's cause and start. */
  replace?: boolean
}

/**
 * Pauses the API. A pause already open keeps its start and cause (a 5xx during an auth pause does not make it
 * an outage), unless `replace`. True when this call opened or replaced it.
 */
export async function openApiPause(db: D1Database, api: Api, opening: PauseOpening): Promise<boolean> {
  const d = drizzle(db)
  const { replace, ...pause } = opening
  const fresh = {
    paused: true,
    cause: pause.cause,
    status: pause.status,
    detail: pause.detail,
    probePath: pause.probePath,
    since: pause.now,
    nextProbeAt: pause.nextProbeAt,
    lastProbeAt: null,
    lastProbeResult: null,
    updatedAt: pause.now,
  }
  const opened = await d
    .insert(apiPauses)
    .values({ api, ...fresh })
    .onConflictDoUpdate({ target: apiPauses.api, set: fresh, ...(replace ? {} : { where: eq(apiPauses.paused, false) }) })
    .returning({ api: apiPauses.api })
  return opened.length === 1
}

export async function recordProbe(db: D1Database, api: Api, probe: { at: number; result: string; nextProbeAt: number }): Promise<void> {
  await drizzle(db)
    .update(apiPauses)
    .set({ lastProbeAt: probe.at, lastProbeResult: probe.result.slice(0, 300), nextProbeAt: probe.nextProbeAt, updatedAt: probe.at })
    .where(and(eq(apiPauses.api, api), eq(apiPauses.paused, true)))
}

/** Resumes the API; false when it was not paused. */
export async function closeApiPause(db: D1Database, api: Api, by: 'probe' | 'operator' | 'writer', now: number): Promise<boolean> {
  const rows = await drizzle(db)
    .update(apiPauses)
    .set({ paused: false, resumedAt: now, resumedBy: by, nextProbeAt: null, updatedAt: now })
    .where(and(eq(apiPauses.api, api), eq(apiPauses.paused, true)))
    .returning({ api: apiPauses.api })
  return rows.length === 1
}
