import { closeApiPause, readApiPauses, type Api, type ApiPauseRow } from '../db/api-pauses'
import type { Actor } from '../db/audit'
import { hubspotWriter } from '../durable/stubs'
import type { Env } from '../env'
import { Invocation } from '../invocation/invocation'
import { resumeBigCommerce } from '../pipeline/resume'
import { audited } from './audited-change'

/** The circuit breakers as `/health`, the status and the dashboard show them. */

const NAMES: Record<Api, string> = { bigcommerce: 'BigCommerce', hubspot: 'HubSpot' }
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())

export interface PauseView {
  paused: boolean
  /** `paused: BigCommerce answers 401 since 2026-12-10T08:00:00.000Z`; null when not paused. */
  message: string | null
  cause: 'auth' | 'outage' | null
  status: number | null
  detail: string | null
  since: string | null
  /** BigCommerce: the next probe; HubSpot: when the writer tries again by itself. */
  nextProbeAt: string | null
  lastProbeAt: string | null
  lastProbeResult: string | null
  resumedAt: string | null
  resumedBy: string | null
}

export function pauseMessage(api: Api, row: ApiPauseRow): string | null {
  if (!row.paused) return null
  const answer = row.status ? `answers ${row.status}` : 'does not answer (timeouts, network errors)'
  const detail = row.detail ? ` (${row.detail})` : ''
  return `paused: ${NAMES[api]} ${answer}${detail} since ${iso(row.since) ?? 'unknown'}`
}

export function pauseView(api: Api, row: ApiPauseRow): PauseView {
  return {
    paused: row.paused,
    message: pauseMessage(api, row),
    cause: row.paused ? row.cause : null,
    status: row.paused ? row.status : null,
    detail: row.paused ? row.detail : null,
    since: row.paused ? iso(row.since) : null,
    nextProbeAt: row.paused ? iso(row.nextProbeAt) : null,
    lastProbeAt: iso(row.lastProbeAt),
    lastProbeResult: row.lastProbeResult,
    resumedAt: iso(row.resumedAt),
    resumedBy: row.resumedBy,
  }
}

export async function apiPauses(env: Env): Promise<Record<Api, PauseView>> {
  const rows = await readApiPauses(env.DB)
  return { bigcommerce: pauseView('bigcommerce', rows.bigcommerce), hubspot: pauseView('hubspot', rows.hubspot) }
}

export interface ResumeResult {
  api: Api
  /** False: it was not paused (nothing changed). */
  resumed: boolean
  /** BigCommerce: waiting events handed to the queue at once. */
  handedOver: number
}

/**
 * An operator resumes an API by hand (the token was fixed): BigCommerce's waiting events go to the queue at
 * once; the HubSpot writer flushes at once. If the cause remains, the next call pauses it again. Audited.
 */
export async function resumeApiAudited(env: Env, actor: Actor, api: Api, now: Date): Promise<ResumeResult> {
  const before = await apiPauses(env)
  return audited(
    env.DB,
    { actor, action: 'api.resume', target: api, before: { paused: before[api].paused, message: before[api].message } },
    async () => {
      if (api === 'bigcommerce') {
        const { resumed, handedOver } = await resumeBigCommerce(new Invocation(env), 'operator', now.getTime())
        return { api, resumed, handedOver }
      }
      const closed = await closeApiPause(env.DB, 'hubspot', 'operator', now.getTime())
      const writerWasPaused = await hubspotWriter(env).resume()
      return { api, resumed: closed || writerWasPaused, handedOver: 0 }
    },
  )
}
