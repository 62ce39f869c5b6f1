import { markCompanyDeleted } from '../db/companies'
import { readCompany, syncCompanies, syncCompanyOfCustomer } from '../companies/sync'
import type { PipelineDeps } from './deps'

/**
 * B2B Edition events (BIGCOMMERCE_B2B=on): a company, user or address webhook re-reads the company whole and
 * writes it; a gone company (deleted, or 404 however its events were ordered) keeps its HubSpot company with
 * status `deleted`. Safe to repeat: the re-read is the current state and the writes are keyed.
 */
export async function applyCompanyEvent(deps: PipelineDeps, companyId: number, change: 'updated' | 'deleted'): Promise<void> {
  if (!deps.config.BIGCOMMERCE_B2B) return
  const now = Date.now()
  if (change === 'deleted') await markCompanyDeleted(deps.env.DB, companyId)
  else await readCompany(deps.env, deps.b2b, companyId, now)
  // A company never known (deleted before its first read) has nothing to write.
  await syncCompanies(deps.env, [companyId], { lane: 'live', now })
}

/** A live order of a company user: its company's figures, and the order's association with it. */
export async function applyCompanyOrder(deps: PipelineDeps, customerId: number): Promise<void> {
  if (deps.config.BIGCOMMERCE_B2B && customerId > 0) await syncCompanyOfCustomer(deps.env, customerId, Date.now())
}
