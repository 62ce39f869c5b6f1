import { recordAudit, type Actor } from '../db/audit'
import { checkCustomersWriteScope, writeBackOptOut, type ScopeCheck } from '../bigcommerce/consent-write-back'
import { BigCommerceError } from '../bigcommerce/bigcommerce-client'
import { loadConfig, type Config } from '../config'
import {
  knownContacts,
  markApplied,
  markWrittenBack,
  optOutCounts,
  pendingWriteBacks,
  readConsentState,
  recordOptOuts,
  unappliedOptOuts,
  writeConsentState,
} from '../db/consent'
import { tombstonesOfOtherKeys } from '../db/erasure'
import { contactObject, hubspotWriter } from '../durable/stubs'
import type { Env } from '../env'
import { erasureKey, personFingerprint, shortFingerprint } from '../erasure/fingerprint'
import { bigCommerceClient } from '../clients'

/**
 * Consent from HubSpot (contract section 4), every minute: one search of contacts unsubscribed from all email or
 * from a type in HUBSPOT_MARKETING_SUBSCRIPTION_TYPES, modified since the last run (the first run reads every
 * unsubscribe already in the portal), through the HubSpot writer so it shares its rate budget. What changed is
 * stored in D1 (`hubspot_consent`), then told to each contact (its marketing triggers are suppressed,
 * `unsubscribed in HubSpot`, and bc_email_consent follows, so lists do too) and, with CONSENT_WRITE_BACK=on,
 * written back to BigCommerce, audited. HubSpot's webhooks are not used: a private app cannot subscribe to them
 * by API and service keys have none; the search is the whole mechanism.
 */
export const OVERLAP_MS = 2 * 60_000
/** Search pages per run (200 contacts each), at HubSpot's search pace: the rest continues at the next run. */
export const MAX_PAGES_PER_RUN = 25
export const APPLY_PER_RUN = 200
export const WRITE_BACKS_PER_RUN = 25
const TYPE_CHECK_EVERY_MS = 60 * 60_000
/** The job runs every minute: a read older than this means it keeps failing or does not run. */
const STALE_AFTER_MS = 15 * 60_000
/** The actor of write-back audit entries: the configuration an admin set. */
const WRITE_BACK_ACTOR: Actor = { role: 'admin', fingerprint: 'config:CONSENT_WRITE_BACK' }

export interface ConsentJobState {
  configured: string[]
  /** Configured subscription types the portal has (hs_email_optout_<id> exists), and the ones it lacks. */
  knownTypes: string[]
  unknownTypes: string[]
  typesCheckedAt: string | null
  /** The search goes on from this modification time (epoch ms); null: from the start (the first run). */
  since: number | null
  /** Every unsubscribe in the portal was read at least once. */
  caughtUp: boolean
  checkedAt: string
  lastError: string | null
  /** HubSpot calls of the last run. */
  calls: number
  found: number
  changed: number
  applied: number
}

/** CONSENT_WRITE_BACK's state (its own key: setup checks the scope without a consent run). */
export interface WriteBackState {
  enabled: boolean
  /** Null until checked; false when BigCommerce refused a write (the Customers modify scope). */
  available: boolean | null
  reason: string | null
  checkedAt: string
  /** Changes the last run wrote (each audited). */
  written: number
  lastError: string | null
}

export async function lastConsentSync(env: Env): Promise<ConsentJobState | null> {
  return readConsentState<ConsentJobState>(env.DB, 'read')
}

export async function lastWriteBack(env: Env): Promise<WriteBackState | null> {
  return readConsentState<WriteBackState>(env.DB, 'write_back')
}

/** One run: search, store, tell the contacts, write back. Returns the new state (null: configuration invalid). */
export async function runConsentSync(env: Env, now: Date): Promise<ConsentJobState | null> {
  const loaded = loadConfig(env)
  if (!loaded.ok) return null
  const config = loaded.config
  const writer = hubspotWriter(env)
  const last = await lastConsentSync(env)
  const configured = [...config.HUBSPOT_MARKETING_SUBSCRIPTION_TYPES]
  const sameTypes = last !== null && last.configured.join(',') === configured.join(',')
  const state: ConsentJobState = {
    configured,
    knownTypes: sameTypes ? last.knownTypes : [],
    unknownTypes: sameTypes ? last.unknownTypes : [],
    typesCheckedAt: sameTypes ? last.typesCheckedAt : null,
    // Types added: read every unsubscribe again, theirs were never searched.
    since: sameTypes ? last.since : null,
    caughtUp: sameTypes ? last.caughtUp : false,
    checkedAt: now.toISOString(),
    lastError: null,
    calls: 0,
    found: 0,
    changed: 0,
    applied: 0,
  }
  const save = async () => {
    await writeConsentState(env.DB, 'read', state, now)
    return state
  }

  if (configured.length && (!state.typesCheckedAt || now.getTime() - Date.parse(state.typesCheckedAt) >= TYPE_CHECK_EVERY_MS)) {
    const check = await writer.checkSubscriptionTypes(configured)
    state.calls += check.calls
    if (!check.ok) return failed(state, check.message, save)
    Object.assign(state, { knownTypes: check.known, unknownTypes: check.unknown, typesCheckedAt: now.toISOString() })
  }

  const search = await writer.searchOptOuts({ types: state.knownTypes, since: state.since, maxPages: MAX_PAGES_PER_RUN })
  state.calls += search.calls
  if (!search.ok) return failed(state, search.message, save)
  state.found = search.found.length
  state.changed = await recordOptOuts(env.DB, search.found, now.getTime())
  if (search.complete) {
    // HubSpot's search shows a change only after "a few moments": the next run looks back a little.
    state.since = Math.max(state.since ?? 0, now.getTime() - OVERLAP_MS)
    state.caughtUp = true
  } else {
    state.since = search.resumeFrom
  }

  const applied = await tellContacts(env, writer)
  state.calls += applied.calls
  if (applied.error) return failed(state, applied.error, save)
  state.applied = applied.count

  await save()
  if (config.CONSENT_WRITE_BACK) await writeBack(env, config, now)
  return state
}

async function failed(state: ConsentJobState, message: string, save: () => Promise<ConsentJobState>) {
  state.lastError = message
  return save()
}

/** Rows not told yet: their unsubscribe times from HubSpot's history, then each contact that has state. */
async function tellContacts(env: Env, writer: ReturnType<typeof hubspotWriter>): Promise<{ count: number; calls: number; error?: string }> {
  const rows = await unappliedOptOuts(env.DB, APPLY_PER_RUN)
  if (rows.length === 0) return { count: 0, calls: 0 }
  const history = await writer.optOutTimes(rows.map((r) => ({ hubspotId: r.hubspotId, allEmail: r.allEmail, types: r.types })))
  if (!history.ok) return { count: 0, calls: history.calls, error: history.message }
  const known = await knownContacts(env.DB, rows.map((r) => r.email))
  const applied = rows.map((row) => ({ row, optedOutAt: history.times.get(row.hubspotId) ?? new Date(row.updatedAt).toISOString() }))
  for (const { row, optedOutAt } of applied) {
    if (!known.has(row.email)) continue
    await contactObject(env, row.email).applyHubSpotOptOut({ allEmail: row.allEmail, types: row.types, at: optedOutAt })
  }
  await markApplied(env.DB, applied.map((a) => ({ email: a.row.email, optedOutAt: a.optedOutAt })), Date.now())
  return { count: applied.length, calls: history.calls }
}

/**
 * CONSENT_WRITE_BACK: the store's records of the newest unsubscribes, each change audited. After BigCommerce
 * refused for want of the scope, it waits for setup's next check.
 */
async function writeBack(env: Env, config: Config, now: Date): Promise<void> {
  const last = await lastWriteBack(env)
  if (last?.available === false) return
  const rows = await pendingWriteBacks(env.DB, WRITE_BACKS_PER_RUN)
  if (rows.length === 0) return
  const state: WriteBackState = { enabled: true, available: last?.available ?? null, reason: null, checkedAt: now.toISOString(), written: 0, lastError: null }
  const client = bigCommerceClient(config)
  const key = await erasureKey(config)
  const done: string[] = []
  try {
    for (const row of rows) {
      const changes = await writeBackOptOut(client, { email: row.email, allEmail: row.allEmail, optedOutAt: row.optedOutAt! })
      const person = key ? shortFingerprint(await personFingerprint(key, row.email)) : null
      for (const change of changes) {
        await recordAudit(env.DB, {
          actor: WRITE_BACK_ACTOR,
          action: 'consent.write_back',
          target: `bigcommerce ${change.record} ${change.id}`,
          outcome: 'ok',
          before: { ...change.before, person },
          after: { ...change.after, person, hubspotOptOutAt: row.optedOutAt, allEmail: row.allEmail },
          at: new Date(),
        })
      }
      state.written += changes.length
      done.push(row.email)
    }
    state.available = true
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    state.lastError = message
    if (err instanceof BigCommerceError && (err.status === 403 || err.status === 401)) {
      Object.assign(state, scopeState({ available: false, reason: refusal(message) }))
    }
  } finally {
    await markWrittenBack(env.DB, done, now.getTime())
    await writeConsentState(env.DB, 'write_back', state, now)
  }
}

function refusal(message: string): string {
  return `BigCommerce refused the write-back (${message}): give the API account the Customers modify scope (store_v2_customers); until then HubSpot unsubscribes are not written to the store`
}

function scopeState(check: ScopeCheck): Pick<WriteBackState, 'available' | 'reason'> {
  return check.available ? { available: true, reason: null } : { available: false, reason: check.reason }
}

/** Setup's check (CONSENT_WRITE_BACK=on): the Customers modify scope, remembered for the job and the status. */
export async function checkConsentWriteBack(env: Env, config: Config, now: Date): Promise<WriteBackState | { enabled: false }> {
  if (!config.CONSENT_WRITE_BACK) return { enabled: false }
  const check = await checkCustomersWriteScope(bigCommerceClient(config))
  const state: WriteBackState = { enabled: true, ...scopeState(check), checkedAt: now.toISOString(), written: 0, lastError: null }
  await writeConsentState(env.DB, 'write_back', state, now)
  return state
}

/** Problems for the status: the search failing, unknown subscription types, write-back refused, a changed erasure key. */
export async function consentProblems(
  env: Env,
  config: Config,
  state: { read: ConsentJobState | null; writeBack: WriteBackState | null },
  now: Date,
): Promise<string[]> {
  const problems: string[] = []
  const read = state.read
  if (read?.lastError) problems.push(`HubSpot unsubscribes could not be read at ${read.checkedAt}: ${read.lastError}`)
  if (read?.unknownTypes.length) {
    problems.push(`HUBSPOT_MARKETING_SUBSCRIPTION_TYPES names ${read.unknownTypes.join(', ')}, which this portal has no hs_email_optout_<id> property for`)
  }
  if (read && now.getTime() - Date.parse(read.checkedAt) > STALE_AFTER_MS) problems.push(`HubSpot unsubscribes were last read at ${read.checkedAt}`)
  if (config.CONSENT_WRITE_BACK && state.writeBack?.available === false) problems.push(`consent write-back is off: ${state.writeBack.reason}`)
  const key = await erasureKey(config)
  const lost = key ? await tombstonesOfOtherKeys(env.DB, key.id) : 0
  if (lost > 0) {
    problems.push(
      `${lost} erasure tombstone(s) were made with another key (ERASURE_KEY or the BigCommerce secret it falls back to changed): ` +
        'a backfill could import those people again; restore the key they were made with',
    )
  }
  return problems
}

/** The status's consent part: the last read, the write-back, and how many unsubscribes are known and queued. */
export async function consentStatus(env: Env) {
  const [read, writeBack, counts] = await Promise.all([lastConsentSync(env), lastWriteBack(env), optOutCounts(env.DB)])
  return { read, writeBack, unsubscribed: counts }
}
