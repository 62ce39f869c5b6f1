import type { Company, CompanyUser } from '../../domain/b2b-companies'
import type { B2BClient } from './b2b-client'
import { defaultBillingAddress, normalizeCompany, normalizeCompanyUser } from './b2b-resources'

/** A company as B2B Edition has it now, with its users. */
export interface CompanySnapshot {
  company: Company
  users: CompanyUser[]
}

/**
 * Re-reads a company (its webhooks carry only ids, and arrive late or twice): the company, its users
 * (`GET /users?companyId=`), and, when the company answer carries no address of its own (the v3 response schema
 * has none), its address book's default billing address. Three calls at most; null when the company is gone.
 */
export async function hydrateCompany(client: B2BClient, companyId: number): Promise<CompanySnapshot | null> {
  const raw = await client.get(`/companies/${companyId}`)
  if (raw === null) return null
  const company = normalizeCompany(raw)
  const users = (await client.all('/users', { companyId })).flatMap((u) => normalizeCompanyUser(u) ?? [])
  if (!company.address) company.address = defaultBillingAddress(await client.all('/addresses', { companyId }))
  return { company, users }
}
