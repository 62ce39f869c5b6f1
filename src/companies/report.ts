import type { Config } from '../config'
import { listCompanies, type CompanyListRow } from '../db/companies'
import { storeBaseCurrency } from '../db/outcomes'
import { toMinorUnits } from '../domain/money'
import type { Env } from '../env'
import { b2bClient } from '../clients'
import { reconciliationState, type ReconciliationState } from './reconcile'

/**
 * What the admin API, the status and the dashboard show of B2B Edition companies: from D1 only (no call to B2B
 * Edition per page view), money as exact decimal strings in the base currency's minor units.
 */
export interface CompaniesReport {
  enabled: boolean
  currency: string | null
  /** Companies known, deleted ones excluded. */
  total: number
  companies: (Omit<CompanyListRow, 'syncedAt'> & { syncedAt: string | null })[]
  reconciliation: {
    running: boolean
    phase: string | null
    startedAt: string | null
    lastFinishedAt: string | null
    /** New or changed companies the last complete run found, and what it wrote. */
    last: { listed: number; changed: number; refreshed: number; deleted: number; written: number; unreadable: number } | null
    lastError: { at: string; message: string } | null
  }
}

export async function companiesReport(env: Env, config: Config, limit = 50): Promise<CompaniesReport> {
  const [{ total, companies }, currency, state] = await Promise.all([
    listCompanies(env.DB, limit),
    storeBaseCurrency(env.DB),
    reconciliationState(env.DB),
  ])
  return {
    enabled: config.BIGCOMMERCE_B2B,
    currency,
    total,
    companies: companies.map((c) => ({
      ...c,
      lifetimeValue: toMinorUnits(c.lifetimeValue, currency),
      syncedAt: c.syncedAt === null ? null : new Date(c.syncedAt).toISOString(),
    })),
    reconciliation: reconciliationSummary(state),
  }
}

function reconciliationSummary(state: ReconciliationState): CompaniesReport['reconciliation'] {
  const last = state.last
  return {
    running: state.run !== null,
    phase: state.run?.phase ?? null,
    startedAt: state.run ? new Date(state.run.startedAt).toISOString() : null,
    lastFinishedAt: last ? new Date(last.finishedAt).toISOString() : null,
    last: last
      ? { listed: last.listed, changed: last.changed, refreshed: last.refreshed, deleted: last.deleted, written: last.written, unreadable: last.unreadable }
      : null,
    lastError: state.lastError ? { at: new Date(state.lastError.at).toISOString(), message: state.lastError.message } : null,
  }
}

/** Setup's check of B2B Edition access (BIGCOMMERCE_B2B=on): one call, the companies it can see. */
export async function checkB2BAccess(
  config: Config,
): Promise<{ enabled: false } | { enabled: true; available: boolean; companies: number | null; reason: string | null }> {
  if (!config.BIGCOMMERCE_B2B) return { enabled: false }
  try {
    const companies = await b2bClient(config, { maxWaitMs: 10_000 }).count('/companies')
    return { enabled: true, available: true, companies, reason: null }
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err)
    return { enabled: true, available: false, companies: null, reason: `B2B Edition could not be read (the store token needs the B2B Edition scope): ${reason}` }
  }
}
