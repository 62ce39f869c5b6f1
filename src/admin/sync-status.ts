import type { Config } from '../config'
import { installationFirsts, queueDepths, type QueueDepths } from '../db/operations'
import type { Env } from '../env'
import type { BackfillStatus } from '../backfill/history-import'
import { companiesReport, type CompaniesReport } from '../companies/report'
import type { WebhookHealth } from '../upkeep/webhook-health'
import type { WriterStatus } from '../hubspot/sync/writer-status'
import { lastSupportEscalations, supportEscalationProblems, type SupportEscalationsState } from '../upkeep/support-escalation-refresh'
import { consentProblems, consentStatus } from '../upkeep/hubspot-consent'
import type { ListSyncResult } from '../hubspot/lists-sync'
import { setupChecklist, webhookSignaturesWarning, type SetupChecklist } from './getting-started'
import type { LiveCheckReport } from './live-check-report'
import { lastLiveChecks } from './live-checks'
import { apiPauses, type PauseView } from './pauses'
import { audienceListsStatus, historyBackfillStatus, hubspotWriterStatus, storeWebhookHealth } from './operator-actions'

/**
 * `GET /admin/api/status`: one view of sync health. Each part is gathered on its own with a time limit, so a
 * slow or failing part shows up as a problem instead of failing the whole status.
 */
const PART_TIMEOUT_MS = 3_000
const STALE_QUEUE_MS = 15 * 60_000

export type Part<T> = { ok: true; value: T } | { ok: false; error: string }

export async function settle<T>(read: () => Promise<T>, timeoutMs = PART_TIMEOUT_MS): Promise<Part<T>> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)
  })
  try {
    return { ok: true, value: await Promise.race([read(), timeout]) }
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) }
  } finally {
    clearTimeout(timer)
  }
}

export interface SyncStatus {
  health: 'ok' | 'attention'
  problems: string[]
  checkedAt: string
  queue: QueueDepths
  hubspot: WriterStatus | { error: string }
  webhooks: WebhookHealth | { error: string }
  backfill: BackfillStatus | { error: string }
  /** Support escalations (SUPPORT_SUPPRESSION_PRIORITIES): the last ticket search, null before the first. */
  supportTickets: SupportEscalationsState | null | { error: string }
  /** Consent from HubSpot: the last read of unsubscribes, the write-back to BigCommerce, and counts. */
  consent: Awaited<ReturnType<typeof consentStatus>> | { error: string }
  /** The audience lists: the last setup or hourly check, null before the first setup. */
  lists: ListSyncResult | null | { error: string }
  /** Getting started: whether the installation is complete, each step with what to do next. */
  setup: SetupChecklist
  /** The circuit breakers: processing for an API paused by its 401/403 or an outage, until a probe or an operator resumes it. */
  pauses: { bigcommerce: PauseView; hubspot: PauseView } | { error: string }
  /** B2B Edition companies (BIGCOMMERCE_B2B=on): how many, and the daily reconciliation; null when off. */
  companies: Pick<CompaniesReport, 'total' | 'reconciliation'> | null | { error: string }
  /** The last deploy checks (`npm run check:live`'s read-only checks, run from the dashboard or the API). */
  liveChecks: LiveCheckReport | null | { error: string }
}

export async function syncStatus(env: Env, config: Config, now: Date): Promise<SyncStatus> {
  const [queue, writer, webhooks, backfill, tickets, lists, firsts, pauses, companies, liveChecks, consent] = await Promise.all([
    queueDepths(env.DB),
    settle(() => hubspotWriterStatus(env)),
    settle(() => storeWebhookHealth(env, config)),
    settle(() => historyBackfillStatus(env)),
    settle(() => lastSupportEscalations(env)),
    settle(() => audienceListsStatus(env)),
    installationFirsts(env.DB),
    settle(() => apiPauses(env)),
    settle(async () => {
      if (!config.BIGCOMMERCE_B2B) return null
      const { total, reconciliation } = await companiesReport(env, config, 1)
      return { total, reconciliation }
    }),
    settle(() => lastLiveChecks(env.DB)),
    settle(async () => {
      const value = await consentStatus(env)
      return { value, problems: await consentProblems(env, config, value, now) }
    }),
  ])
  const problems = queueProblems(queue, now)
  if (!pauses.ok) problems.push(`paused processing unknown: ${pauses.error}`)
  else for (const view of Object.values(pauses.value)) if (view.message) problems.push(view.message)
  if (!writer.ok) problems.push(`the HubSpot writer did not report its status: ${writer.error}`)
  else problems.push(...writerProblems(writer.value, now))
  if (!webhooks.ok) problems.push(`webhook health unknown: ${webhooks.error}`)
  else problems.push(...webhookProblems(webhooks.value))
  if (!backfill.ok) problems.push(`backfill status unknown: ${backfill.error}`)
  else if (backfill.value.state === 'failed') problems.push(`the last backfill failed: ${backfill.value.lastError ?? 'no error recorded'}`)
  if (!tickets.ok) problems.push(`support escalations unknown: ${tickets.error}`)
  else problems.push(...supportEscalationProblems(tickets.value, now))
  if (lists.ok && lists.value && !lists.value.available) problems.push(`audience lists: ${lists.value.reason ?? 'HubSpot refused list access'}`)
  if (!consent.ok) problems.push(`consent from HubSpot unknown: ${consent.error}`)
  else problems.push(...consent.value.problems)
  const failure = companies.ok ? companies.value?.reconciliation.lastError : null
  if (failure) problems.push(`B2B Edition companies: the reconciliation failed at ${failure.at}: ${failure.message}`)
  const part = <T>(p: Part<T>): T | { error: string } => (p.ok ? p.value : { error: p.error })
  return {
    health: problems.length ? 'attention' : 'ok',
    problems,
    checkedAt: now.toISOString(),
    queue,
    hubspot: writer.ok ? writer.value : { error: writer.error },
    webhooks: webhooks.ok ? webhooks.value : { error: webhooks.error },
    backfill: backfill.ok ? backfill.value : { error: backfill.error },
    supportTickets: tickets.ok ? tickets.value : { error: tickets.error },
    lists: part(lists),
    consent: consent.ok ? consent.value.value : { error: consent.error },
    pauses: part(pauses),
    companies: part(companies),
    setup: setupChecklist({
      hubspot: part(writer),
      webhooks: part(webhooks),
      backfill: part(backfill),
      lists: part(lists),
      beaconHitAt: firsts.beaconHitAt,
      liveWebhookAt: firsts.liveWebhookAt,
      webhookSignatures: webhookSignaturesWarning(config) === null,
    }),
    liveChecks: part(liveChecks),
  }
}

export function queueProblems(queue: QueueDepths, now: Date): string[] {
  const problems: string[] = []
  const open = queue.deadLetters.webhook + queue.deadLetters.hubspot
  if (open > 0) problems.push(`${open} dead letter${open === 1 ? '' : 's'} waiting for a replay`)
  const oldest = queue.webhookEvents.oldestPendingReceivedAt
  if (oldest !== null && now.getTime() - oldest > STALE_QUEUE_MS) {
    problems.push(`webhook events have been waiting since ${new Date(oldest).toISOString()}`)
  }
  return problems
}

export function writerProblems(status: WriterStatus, now: Date): string[] {
  const problems: string[] = []
  if (status.pausedUntil && Date.parse(status.pausedUntil) > now.getTime()) {
    problems.push(`HubSpot writes are paused until ${status.pausedUntil}: ${status.pauseReason ?? 'no reason given'}`)
  }
  if (status.blockedObjects.length) problems.push(`HubSpot objects not writable: ${status.blockedObjects.join(', ')}`)
  const missing = Object.entries(status.missingProperties).flatMap(([type, names]) => (names ?? []).map((n) => `${type}.${n}`))
  if (missing.length) problems.push(`HubSpot properties this account lacks (left out of writes): ${missing.join(', ')}`)
  const refused = Object.entries(status.invalidOptionsDropped ?? {}).map(([name, count]) => `${name} (${count})`)
  if (refused.length) problems.push(`values HubSpot refused as INVALID_OPTION, left out of those records: ${refused.join(', ')}`)
  return problems
}

export function webhookProblems(health: WebhookHealth): string[] {
  const problems: string[] = []
  if (health.deactivated) problems.push(`${health.deactivated} BigCommerce webhook(s) deactivated (the cron re-enables them)`)
  if (health.missingScopes.length) problems.push(`BigCommerce webhooks missing for ${health.missingScopes.join(', ')}: run setup`)
  for (const blocked of health.blockedDomains) problems.push(`BigCommerce is blocking deliveries to ${blocked.destination}`)
  return problems
}
