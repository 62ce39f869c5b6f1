import type { ContactState } from './contact-state'
import { byCreation } from './automation/time'
import { COUNTRY_ALIASES, COUNTRY_CODES, EEA_EXTRA, EU_MEMBERS, SUBDIVISIONS, US_TERRITORIES } from './iso3166'
import type { ConsentRegion, PostalAddress } from './model'

/**
 * Region: one form for every address that reaches HubSpot, whichever BigCommerce record it came from.
 * Countries are ISO 3166-1 alpha-2 codes (`DE`), states ISO 3166-2 codes (`US-CA`) where the subdivision is
 * known (US, CA, AU, DE) and the name as given elsewhere, and `bc_consent_region` is derived from the country.
 */

/** Case, accents, spaces and punctuation do not tell two spellings apart: "Québec" = "quebec" = "QUEBEC". */
function matchKey(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^a-z0-9]/g, '')
}

/** Country → (match key of a code or name → the ISO 3166-2 code). */
const SUBDIVISION_INDEX: ReadonlyMap<string, ReadonlyMap<string, string>> = new Map(
  Object.entries(SUBDIVISIONS).map(([country, list]) => {
    const index = new Map<string, string>()
    for (const entry of list.split(';')) {
      const [code, names] = entry.split(':') as [string, string]
      const iso = `${country}-${code}`
      for (const spelling of [code, iso, ...names.split('|')]) index.set(matchKey(spelling), iso)
    }
    return [country, index]
  }),
)

function clean(text: string | null | undefined): string | null {
  const trimmed = text?.replace(/\s+/g, ' ').trim()
  return trimmed ? trimmed : null
}

/** An ISO 3166-1 alpha-2 code in upper case, or null for anything that is not one. */
export function normalizeCountry(raw: string | null | undefined): string | null {
  const code = clean(raw)?.toUpperCase()
  if (!code) return null
  const canonical = COUNTRY_ALIASES[code] ?? code
  return COUNTRY_CODES.has(canonical) ? canonical : null
}

let countriesByName: ReadonlyMap<string, string> | null = null

/**
 * The ISO 3166-1 alpha-2 code of a country given as a code or by its English name ("United States", "Germany"),
 * as B2B Edition takes and returns them (company.yaml: "either the full name or the ISO2 country code"); the
 * names are the platform's own (Intl.DisplayNames), so no table of names is kept here. Null when unknown.
 */
export function countryCode(raw: string | null | undefined): string | null {
  const code = normalizeCountry(raw)
  if (code || !clean(raw)) return code
  if (!countriesByName) {
    const names = new Intl.DisplayNames(['en'], { type: 'region' })
    countriesByName = new Map(
      [...COUNTRY_CODES].flatMap((c) => {
        const name = names.of(c)
        return name && name !== c ? [[matchKey(name), c] as const] : []
      }),
    )
  }
  return countriesByName.get(matchKey(raw!)) ?? null
}

/** The ISO 3166-2 code when the country's subdivisions are known and the name matches one; else the name as given. */
export function normalizeState(country: string | null, raw: string | null | undefined): string | null {
  const name = clean(raw)
  if (!name) return null
  const known = country ? SUBDIVISION_INDEX.get(country)?.get(matchKey(name)) : undefined
  return known ?? name
}

/** The parts HubSpot shows, normalised; null when the address says nothing at all. */
export function postalAddress(raw: {
  country: string | null | undefined
  state: string | null | undefined
  city: string | null | undefined
  zip: string | null | undefined
}): PostalAddress | null {
  const country = normalizeCountry(raw.country)
  const address: PostalAddress = {
    country,
    state: normalizeState(country, raw.state),
    city: clean(raw.city),
    zip: clean(raw.zip)?.toUpperCase() ?? null,
  }
  return Object.values(address).some((part) => part !== null) ? address : null
}

/**
 * `bc_consent_region` of a country: `eu_eea` where the GDPR applies (EU members, their separately coded
 * regions, Iceland, Liechtenstein, Norway), `uk` (UK GDPR and PECR), `ca` (CASL), `us` (with its
 * territories), `other` for any other country, `unknown` when there is none.
 */
export function consentRegion(country: string | null): ConsentRegion {
  if (country === null) return 'unknown'
  if (EU_MEMBERS.has(country) || EEA_EXTRA.has(country)) return 'eu_eea'
  if (country === 'GB') return 'uk'
  if (country === 'CA') return 'ca'
  if (country === 'US' || US_TERRITORIES.has(country)) return 'us'
  return 'other'
}

/**
 * The contact's address: the customer's default address, else the billing address of the latest order that
 * has one (by creation, order id breaking ties). A function of the state alone, so deliveries in any order
 * that leave the same customer and orders give the same address.
 */
export function contactAddress(state: Pick<ContactState, 'customer' | 'orders'>): PostalAddress | null {
  // Records stored before addresses were kept have none (`undefined`).
  const own = state.customer?.address ?? null
  if (own) return own
  const newestFirst = byCreation(Object.values(state.orders)).reverse()
  return newestFirst.find((order) => order.billingAddress)?.billingAddress ?? null
}
