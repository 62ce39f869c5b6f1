import type { B2BClient } from '../bigcommerce/b2b/b2b-client'
import { hydrateCompany } from '../bigcommerce/b2b/hydrate-company'
import {
  companyOfCustomer,
  loadCompanies,
  markCompanyDeleted,
  ordersOfCompanies,
  recordCompanySync,
  saveCompany,
} from '../db/companies'
import { companyFigures } from '../domain/b2b-companies'
import { hubspotWriter } from '../durable/writer-stub'
import type { Env } from '../env'
import { erasedAt } from '../erasure/gate'
import { companyRecords } from '../hubspot/mapping/company-records'
import type { HubSpotRecord, PropertyValue, WriteLane } from '../hubspot/records'

/**
 * Companies to HubSpot: each company as D1 has it, its figures from the orders its users placed (also in D1, as
 * the contacts published them), through the HubSpot writer. A company is written only when what HubSpot would
 * get changed (a fingerprint of its properties and users) or an order of it is not associated yet, so the
 * daily reconciliation costs HubSpot calls only for what moved.
 */
export interface CompanySyncResult {
  written: number
  unchanged: number
}

export async function syncCompanies(
  env: Env,
  ids: readonly number[],
  options: { lane: WriteLane; now: number },
): Promise<CompanySyncResult> {
  const result: CompanySyncResult = { written: 0, unchanged: 0 }
  const stored = await loadCompanies(env.DB, [...ids])
  if (!stored.size) return result
  const orders = await ordersOfCompanies(env.DB, [...stored.keys()])
  const records: HubSpotRecord[] = []
  const done: { companyId: number; sync: Parameters<typeof recordCompanySync>[2] }[] = []
  for (const [companyId, { company, users, syncedFingerprint }] of stored) {
    const rows = orders.get(companyId) ?? []
    const figures = companyFigures(rows)
    const newOrders = rows.filter((r) => !r.associated).map((r) => r.orderId)
    const written = companyRecords(company, figures, users, newOrders)
    const fingerprint = await fingerprintOf(written[0]!.properties, users.map((u) => u.email))
    if (fingerprint === syncedFingerprint && newOrders.length === 0) {
      result.unchanged++
      continue
    }
    records.push(...written)
    done.push({ companyId, sync: { figures, fingerprint, associatedOrders: newOrders } })
  }
  // The writer first: once it holds the records durably, D1 may say so (a failure in between only repeats a write).
  if (records.length) await hubspotWriter(env).enqueue(records, [], options.lane)
  for (const { companyId, sync } of done) await recordCompanySync(env.DB, companyId, sync, options.now)
  result.written = done.length
  return result
}

/**
 * Reads a company from B2B Edition into D1 (it, its users, its address): true when it exists; a gone one is
 * kept as `deleted` (false, and nothing to do when it was never known). An erased person who is still a user
 * there is left out: B2B Edition keeps them, but their email must not come back into D1 or HubSpot.
 */
export async function readCompany(env: Env, client: B2BClient, companyId: number, now: number): Promise<boolean> {
  const snapshot = await hydrateCompany(client, companyId)
  if (!snapshot) {
    await markCompanyDeleted(env.DB, companyId)
    return false
  }
  const users = []
  for (const user of snapshot.users) if ((await erasedAt(env, user.email)) === null) users.push(user)
  await saveCompany(env.DB, snapshot.company, users, now)
  return true
}

/** After a live order of a company user: the company's figures and the order's association. */
export async function syncCompanyOfCustomer(env: Env, customerId: number, now: number): Promise<void> {
  const companyId = await companyOfCustomer(env.DB, customerId)
  if (companyId !== null) await syncCompanies(env, [companyId], { lane: 'live', now })
}

async function fingerprintOf(properties: Record<string, PropertyValue>, emails: string[]): Promise<string> {
  const text = JSON.stringify([Object.entries(properties).sort(([a], [b]) => a.localeCompare(b)), [...emails].sort()])
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
}
