import type { Company, CompanyFigures, CompanyUser } from '../../domain/b2b-companies'
import { toMinorUnits } from '../../domain/money'
import { toHubSpotDate } from '../properties'
import type { HubSpotRecord, PropertyValue } from '../records'

/**
 * A B2B Edition company as a HubSpot company keyed by `bc_company_id`, associated with its users' contacts and
 * with the orders they placed that are not associated yet. Each user's contact is written too, by its email
 * alone: a company user is a BigCommerce customer, so a contact is due anyway, and the association needs it to
 * exist (its own sync fills in the rest). Figures are cleared when no paid order is left; the address is written
 * whole, like a contact's.
 */
export function companyRecords(
  company: Company,
  figures: CompanyFigures,
  users: readonly CompanyUser[],
  newOrderIds: readonly number[],
): HubSpotRecord[] {
  const key = String(company.companyId)
  const properties: Record<string, PropertyValue> = {
    bc_company_id: key,
    name: company.name,
    bc_company_status: company.status,
    bc_customer_group: company.customerGroupName ?? '',
    bc_customer_group_id: company.customerGroupId ?? '',
    bc_catalog: company.catalog ?? '',
    bc_order_count: figures.orderCount,
    // Exact in the base currency's minor units (KWD to the fils; two places when the currency is unknown).
    bc_lifetime_value: Number(toMinorUnits(figures.lifetimeValue, figures.baseCurrency)),
    bc_first_order_date: figures.firstOrderAt ? toHubSpotDate(figures.firstOrderAt) : '',
    bc_last_order_date: figures.lastOrderAt ? toHubSpotDate(figures.lastOrderAt) : '',
  }
  if (company.phone) properties.phone = company.phone
  if (company.address) {
    const { street, street2, city, state, zip, country } = company.address
    Object.assign(properties, {
      address: street ?? '',
      address2: street2 ?? '',
      city: city ?? '',
      state: state ?? '',
      zip: zip ?? '',
      country: country ?? '',
    })
  }
  const record: HubSpotRecord = {
    objectType: 'companies',
    key,
    properties,
    associations: [
      ...users.map((u) => ({ toObjectType: 'contacts' as const, toKey: u.email })),
      ...newOrderIds.map((id) => ({ toObjectType: 'orders' as const, toKey: String(id) })),
    ],
  }
  const contacts = users.map((u): HubSpotRecord => ({ objectType: 'contacts', key: u.email, properties: { email: u.email } }))
  return [record, ...contacts]
}
