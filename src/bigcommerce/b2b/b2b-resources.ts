import { z } from 'zod'
import { normalizeEmail } from '../../domain/identity-keys'
import { companyStatusOf, type Company, type CompanyAddress, type CompanyUser } from '../../domain/b2b-companies'
import { countryCode, normalizeState } from '../../domain/region'
import { parsePayload as parse } from '../parse'

/**
 * B2B Edition resources as the REST Management API v3 returns them (bigcommerce/docs
 * `docs/b2b-edition/specs/api-v3/company/company.yaml` companyData_RESPONSE, `user/user.yaml` userResponse,
 * `address/address.yaml` addressFields_GET), parsed leniently where the specs disagree with themselves: ids and
 * Unix timestamps come as numbers or numeric strings (`companyId_string`, `bcGroupId` a string on one company
 * and an integer in the list, `companyStatus` a string code), and fields the spec does not promise are optional.
 * Each resource normalizes to the canonical model (src/domain/b2b-companies.ts).
 */
const numeric = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/).transform(Number)])
const text = z.string().nullish().transform((v) => (v && v.trim() !== '' ? v.trim() : null))
const optionalId = z.union([numeric, z.literal(''), z.null()]).optional().transform((v) => (typeof v === 'number' && v > 0 ? v : null))

const companySchema = z.object({
  companyId: numeric,
  companyName: z.string(),
  companyEmail: text,
  companyPhone: text,
  companyStatus: numeric,
  bcGroupId: optionalId,
  customerGroupId: optionalId,
  bcGroupName: text,
  catalogId: optionalId,
  catalogName: text,
  priceListAssign: z.array(z.object({ priceListName: text, priceListId: optionalId })).nullish(),
  // The legal address: companyAddress in the request schema; returned by some stores, not by the spec.
  addressLine1: text,
  addressLine2: text,
  city: text,
  state: text,
  country: text,
  zipCode: text,
  updatedAt: numeric.nullish(),
})

const userSchema = z.object({
  id: numeric,
  companyId: numeric,
  email: z.string().min(1),
  firstName: text,
  lastName: text,
  customerId: optionalId,
})

const addressSchema = z.object({
  addressId: numeric.optional(),
  id: numeric.optional(),
  addressLine1: text,
  addressLine2: text,
  city: text,
  stateName: text,
  stateCode: text,
  countryName: text,
  countryCode: text,
  zipCode: text,
  isBilling: z.boolean().nullish(),
  isDefaultBilling: z.boolean().nullish(),
})

function address(parts: {
  street: string | null
  street2: string | null
  city: string | null
  state: string | null
  country: string | null
  zip: string | null
}): CompanyAddress | null {
  const country = countryCode(parts.country)
  const result: CompanyAddress = {
    street: parts.street,
    street2: parts.street2,
    city: parts.city,
    state: normalizeState(country, parts.state),
    country,
    zip: parts.zip?.toUpperCase() ?? null,
  }
  return Object.values(result).some((v) => v !== null) ? result : null
}

/** A company as the canonical model has it; its address is its own (legal) one when the answer carries it. */
export function normalizeCompany(raw: unknown): Company {
  const c = parse(companySchema, raw, 'B2B company')
  // An undocumented status code is read as pending: the company exists, but nothing says it may buy.
  const status = companyStatusOf(c.companyStatus) ?? 'pending'
  const priceList = c.priceListAssign?.find((p) => p.priceListName || p.priceListId)
  return {
    companyId: c.companyId,
    name: c.companyName.trim(),
    status,
    email: c.companyEmail ? normalizeEmail(c.companyEmail) : null,
    phone: c.companyPhone,
    customerGroupId: c.customerGroupId ?? c.bcGroupId,
    customerGroupName: c.bcGroupName,
    catalog: c.catalogName ?? priceList?.priceListName ?? (c.catalogId ? String(c.catalogId) : null),
    address: address({
      street: c.addressLine1,
      street2: c.addressLine2,
      city: c.city,
      state: c.state,
      country: c.country,
      zip: c.zipCode,
    }),
    updatedAt: c.updatedAt ? new Date(c.updatedAt * 1000).toISOString() : null,
  }
}

/** A company user, or null for one without a usable email (no contact can be keyed by it). */
export function normalizeCompanyUser(raw: unknown): CompanyUser | null {
  const u = parse(userSchema, raw, 'B2B user')
  const email = normalizeEmail(u.email)
  if (!email) return null
  return {
    userId: u.id,
    companyId: u.companyId,
    customerId: u.customerId,
    email,
    firstName: u.firstName,
    lastName: u.lastName,
  }
}

/** The default billing address of a company's address book (else its first billing address), or null. */
export function defaultBillingAddress(raw: unknown[]): CompanyAddress | null {
  const addresses = raw.map((a) => parse(addressSchema, a, 'B2B address'))
  const chosen = addresses.find((a) => a.isDefaultBilling) ?? addresses.find((a) => a.isBilling) ?? addresses[0]
  if (!chosen) return null
  return address({
    street: chosen.addressLine1,
    street2: chosen.addressLine2,
    city: chosen.city,
    state: chosen.stateCode ?? chosen.stateName,
    country: chosen.countryCode ?? chosen.countryName,
    zip: chosen.zipCode,
  })
}
