import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/min'
import type { Email } from './model'

/**
 * Identity: one contact per person. A contact is keyed by its normalized email (trimmed, lower-cased), so
 * "Jane@Example.com " at checkout and "jane@example.com" on the account are the same person.
 */
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

export function normalizeEmail(raw: string | null | undefined): Email | null {
  if (!raw) return null
  const email = raw.trim().toLowerCase()
  return EMAIL_SHAPE.test(email) ? email : null
}

/** E.164 when the number parses (using the address country for local numbers), else the trimmed text. */
export function normalizePhone(raw: string | null | undefined, country?: string | null): string | null {
  const text = raw?.trim()
  if (!text) return null
  const parsed = parsePhoneNumberFromString(text, (country?.toUpperCase() || undefined) as CountryCode | undefined)
  return parsed?.isValid() ? parsed.number : text
}
