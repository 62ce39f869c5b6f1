import { B2B_PAGE_SIZE, type B2BClient } from '../bigcommerce/b2b/b2b-client'
import { normalizeCompany } from '../bigcommerce/b2b/b2b-resources'
import { BigCommerceError } from '../bigcommerce/transport'
import { latestJob } from '../db/backfill-jobs'
import { readState, writeState } from '../db/sync-state'
import {
  companiesToRefresh,
  companyIdsAfter,
  markCompanyUnreadable,
  noteListedCompanies,
  unseenCompanies,
} from '../db/companies'
import type { Company } from '../domain/b2b-companies'
import type { Env } from '../env'
import { readCompany, syncCompanies } from './sync'

/**
 * The daily reconciliation of B2B Edition companies (BIGCOMMERCE_B2B=on). Webhooks keep companies live, but
 * B2B Edition's bulk company creation fires none (b2b-edition.mdx, `store/company/created`), and a webhook can
 * be lost. Once a day (and after a history import, whose orders change companies' figures) it:
 *
 *   1. `list`: pages through every company (`GET /companies`, oldest change first, so one changed while the
 *      listing pages lands at its end); a company new or changed since it was last read is left to refresh;
 *   2. `verify`: reads again each known company the listing did not show (a gone one is marked deleted; one
 *      the paging missed is simply read);
 *   3. `refresh`: reads the users and address book of each company left to refresh (two calls each);
 *   4. `sync`: hands every company whose HubSpot record would change to the writer (bulk lane), with its
 *      orders not associated yet.
 *
 * The run resumes where it stopped: each cron tick works within a time budget and saves its place in D1.
 * B2B Edition's quota (150 requests per minute for every integration) is paced by its client; a full pass
 * costs one call per 200 companies plus two per new or changed company.
 */
export const RECONCILIATION_KEY = 'b2b_reconciliation'
export const RECONCILE_EVERY_MS = 24 * 3600_000
/** After a failure that stopped a run, the next try waits this long (a token without the B2B scope, say). */
const RETRY_AFTER_FAILURE_MS = 3600_000
const STEP = 20

type Phase = 'list' | 'verify' | 'refresh' | 'sync'

export interface ReconciliationRun {
  startedAt: number
  phase: Phase
  /** `list`: the next offset; `sync`: the last company id handed over. */
  offset: number
  cursor: number
  listed: number
  /** New or changed companies the listing found (bulk-created ones among them). */
  changed: number
  refreshed: number
  deleted: number
  written: number
  /** Companies B2B Edition answered with something unreadable: skipped until they change (the last reason kept). */
  unreadable: number
  lastUnreadable: string | null
}

export interface ReconciliationState {
  run: ReconciliationRun | null
  /** When the last complete run started and finished, and what it found. */
  last: (Omit<ReconciliationRun, 'phase' | 'offset' | 'cursor'> & { finishedAt: number }) | null
  lastError: { at: number; message: string } | null
}

export type ReconciliationOutcome =
  | { ran: false; reason: 'b2b_off' | 'not_due' | 'waiting_after_failure' }
  | { ran: true; finished: boolean; run: ReconciliationRun; error?: string }

export async function reconciliationState(db: D1Database): Promise<ReconciliationState> {
  return (await readState<ReconciliationState>(db, RECONCILIATION_KEY))?.value ?? { run: null, last: null, lastError: null }
}

/** Due once a day, and after a history import finished since the last run started. */
async function due(db: D1Database, state: ReconciliationState, now: number): Promise<boolean> {
  if (!state.last) return true
  if (now - state.last.startedAt >= RECONCILE_EVERY_MS) return true
  const backfill = await latestJob(db)
  return backfill?.finishedAt != null && backfill.state === 'done' && backfill.finishedAt > state.last.startedAt
}

export async function reconcileCompanies(
  env: Env,
  client: B2BClient,
  options: { now: () => number; budgetMs: number; force?: boolean },
): Promise<ReconciliationOutcome> {
  const db = env.DB
  const state = await reconciliationState(db)
  const startedAt = options.now()
  if (!state.run) {
    if (!options.force && state.lastError && startedAt - state.lastError.at < RETRY_AFTER_FAILURE_MS) {
      return { ran: false, reason: 'waiting_after_failure' }
    }
    if (!options.force && !(await due(db, state, startedAt))) return { ran: false, reason: 'not_due' }
    state.run = {
      startedAt,
      phase: 'list',
      offset: 0,
      cursor: 0,
      listed: 0,
      changed: 0,
      refreshed: 0,
      deleted: 0,
      written: 0,
      unreadable: 0,
      lastUnreadable: null,
    }
  }
  const run = state.run
  const deadline = startedAt + options.budgetMs
  const save = () => writeState(db, RECONCILIATION_KEY, state, options.now())
  try {
    while (options.now() < deadline) {
      if (!(await step(env, client, run, options.now))) break
      await save()
    }
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    state.lastError = { at: options.now(), message }
    // A refusal that retrying cannot fix ends the run; a busy API or quota keeps its place for the next tick.
    if (!(err instanceof BigCommerceError && err.retryable)) state.run = null
    await save()
    return { ran: true, finished: false, run, error: message }
  }
  const finished = run.phase === 'sync' && run.cursor === -1
  if (finished) {
    const { phase: _phase, offset: _offset, cursor: _cursor, ...figures } = run
    state.last = { ...figures, finishedAt: options.now() }
    state.run = null
    state.lastError = null
  }
  await save()
  return { ran: true, finished, run }
}

/** One bounded step of the run; false when the run is complete. */
async function step(env: Env, client: B2BClient, run: ReconciliationRun, now: () => number): Promise<boolean> {
  const db = env.DB
  switch (run.phase) {
    case 'list': {
      const pages = client.list('/companies', { sortBy: 'updatedAt', orderBy: 'ASC' }, run.offset)
      const page = await pages.next()
      if (page.done) {
        run.phase = 'verify'
        return true
      }
      const items = page.value.items
      const companies = items.flatMap((raw): Company[] => {
        try {
          return [normalizeCompany(raw)]
        } catch (err) {
          unreadable(run, err)
          return []
        }
      })
      run.changed += (await noteListedCompanies(db, companies, now())).length
      run.listed += items.length
      run.offset = page.value.offset + items.length
      const total = page.value.total
      if (total !== null ? run.offset >= total : items.length < B2B_PAGE_SIZE) run.phase = 'verify'
      return true
    }
    case 'verify': {
      const ids = await unseenCompanies(db, run.startedAt, STEP)
      if (!ids.length) {
        run.phase = 'refresh'
        return true
      }
      for (const id of ids) if ((await readOrSkip(env, client, run, id, now())) === false) run.deleted++
      return true
    }
    case 'refresh': {
      const ids = await companiesToRefresh(db, STEP)
      if (!ids.length) {
        run.phase = 'sync'
        return true
      }
      for (const id of ids) if (await readOrSkip(env, client, run, id, now())) run.refreshed++
      return true
    }
    case 'sync': {
      if (run.cursor === -1) return false
      const ids = await companyIdsAfter(db, run.cursor, 50)
      if (!ids.length) {
        run.cursor = -1
        return false
      }
      run.written += (await syncCompanies(env, ids, { lane: 'bulk', now: now() })).written
      run.cursor = ids[ids.length - 1]!
      return true
    }
  }
}

/** A company read (true), gone (false), or unreadable (null: skipped until it changes, so no run loops on it). */
async function readOrSkip(env: Env, client: B2BClient, run: ReconciliationRun, id: number, now: number): Promise<boolean | null> {
  try {
    return await readCompany(env, client, id, now)
  } catch (err) {
    if (err instanceof BigCommerceError && err.retryable) throw err
    unreadable(run, err)
    await markCompanyUnreadable(env.DB, id, now)
    return null
  }
}

function unreadable(run: ReconciliationRun, err: unknown): void {
  run.unreadable++
  run.lastUnreadable = (err instanceof Error ? err.message : String(err)).slice(0, 500)
}
