import { add, ZERO, type Amount } from './money'
import type { PostalAddress } from './model'

/**
 * B2B Edition companies in the canonical model (contract section 4, "Companies"): a company, its users (each a
 * BigCommerce customer) and the figures of the orders those users placed. Pure: the BigCommerce side builds
 * these from B2B Edition's API, the HubSpot side maps them to company records.
 */

/**
 * A company's activity status: B2B Edition's codes 0–3 (companyStatus, b2b-edition/specs/api-v3/company/
 * company.yaml "Company Status Codes"), and `deleted` once the company is gone from B2B Edition (the HubSpot
 * company stays, with its history).
 */
export const COMPANY_STATUSES = ['pending', 'approved', 'rejected', 'inactive', 'deleted'] as const
export type CompanyStatus = (typeof COMPANY_STATUSES)[number]

const STATUS_BY_CODE: Record<number, CompanyStatus> = { 0: 'pending', 1: 'approved', 2: 'rejected', 3: 'inactive' }

/** The status of a B2B Edition status code, or null for a code the API does not document. */
export function companyStatusOf(code: number): CompanyStatus | null {
  return STATUS_BY_CODE[code] ?? null
}

/** A postal address with its street lines (HubSpot companies show them; contacts do not). */
export interface CompanyAddress extends PostalAddress {
  street: string | null
  street2: string | null
}

export interface Company {
  companyId: number
  name: string
  status: CompanyStatus
  email: string | null
  phone: string | null
  /** The BigCommerce customer group the company's buyers are in (their catalogue and pricing). */
  customerGroupId: number | null
  customerGroupName: string | null
  /** The price list (B2B Edition's "catalog") assigned to the company, by name, else its id. */
  catalog: string | null
  /** The company's own (legal) address, else its default billing address. */
  address: CompanyAddress | null
  /** When B2B Edition last changed the company (ISO-8601). */
  updatedAt: string | null
}

/** A company user: a buyer with a Buyer Portal account, always a BigCommerce customer as well. */
export interface CompanyUser {
  userId: number
  companyId: number
  /** The BigCommerce customer id (the orders they place carry it). */
  customerId: number | null
  /** Normalized (trimmed, lower-cased): the HubSpot contact's key. */
  email: string
  firstName: string | null
  lastName: string | null
}

/** What a company's figures need of one of its users' orders (a row the contacts published to D1). */
export interface CompanyOrder {
  orderId: number
  countsAsPaid: boolean
  /** ISO-8601 creation time. */
  createdAt: string
  /** Net revenue in the store's base currency, an exact decimal string; 0 for orders that do not count. */
  netRevenueBase: Amount
  /** The store's base currency, which `netRevenueBase` is in (unknown on orders stored before it was kept). */
  baseCurrency?: string | null
}

export interface CompanyFigures {
  /** Orders that count as paid (a fully refunded order still counts, with no revenue), as for contacts. */
  orderCount: number
  /** Net revenue of those orders in the store's base currency, summed exactly. */
  lifetimeValue: Amount
  /** The currency of `lifetimeValue` (the store's base currency, as the newest paid order says), for its minor units. */
  baseCurrency?: string
  firstOrderAt: string | null
  lastOrderAt: string | null
}

/** The company's figures from its users' orders: the contact rules of contract section 4, over all its buyers. */
export function companyFigures(orders: readonly CompanyOrder[]): CompanyFigures {
  const paid = orders.filter((o) => o.countsAsPaid).sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt))
  return {
    orderCount: paid.length,
    lifetimeValue: paid.length ? add(...paid.map((o) => o.netRevenueBase)) : ZERO,
    baseCurrency: paid[paid.length - 1]?.baseCurrency ?? undefined,
    firstOrderAt: paid[0]?.createdAt ?? null,
    lastOrderAt: paid[paid.length - 1]?.createdAt ?? null,
  }
}

/** The address a company is shown with: its own when it has one, else its default billing address. */
export function companyAddress(own: CompanyAddress | null, defaultBilling: CompanyAddress | null): CompanyAddress | null {
  return own ?? defaultBilling
}
