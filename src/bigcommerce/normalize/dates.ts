import type { IsoDate } from '../../domain/model'

/**
 * BigCommerce dates come in three shapes: RFC-2822 on v2 (`Tue, 05 Mar 2019 21:40:11 +0000`, always UTC in
 * practice), ISO-8601 / RFC-3339 on v3, and Unix seconds in webhooks. The model holds ISO-8601 UTC with
 * milliseconds (`2019-03-05T21:40:11.000Z`), so equal instants compare equal as strings.
 */
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']

const RFC_2822 =
  /^(?:[A-Za-z]{3},\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([+-]\d{4}|GMT|UTC?|Z)?$/
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?$/i

/** RFC-2822 → epoch ms, honouring the zone offset; null when the text is not RFC-2822. */
export function parseRfc2822(text: string): number | null {
  const m = RFC_2822.exec(text.trim())
  if (!m) return null
  const [, day, mon, year, hour, minute, second, zone] = m
  const month = MONTHS.indexOf(mon!.toLowerCase())
  if (month < 0) return null
  const utc = Date.UTC(Number(year), month, Number(day), Number(hour), Number(minute), Number(second ?? 0))
  const date = new Date(utc)
  // Reject overflow such as 31 Feb rather than rolling it into March.
  if (date.getUTCDate() !== Number(day) || Number(hour) > 23 || Number(minute) > 59 || Number(second ?? 0) > 60) {
    return null
  }
  let offsetMinutes = 0
  if (zone && /^[+-]\d{4}$/.test(zone)) {
    const sign = zone.startsWith('-') ? -1 : 1
    offsetMinutes = sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5)))
  }
  return utc - offsetMinutes * 60_000
}

/** ISO-8601 / RFC-3339 → epoch ms; a date-time without a zone is taken as UTC. */
export function parseIso8601(text: string): number | null {
  const trimmed = text.trim()
  if (!ISO_8601.test(trimmed)) return null
  const hasZone = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(trimmed) && trimmed.length > 10
  const withZone = hasZone || trimmed.length === 10 ? trimmed : `${trimmed.replace(' ', 'T')}Z`
  const ms = Date.parse(withZone.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'))
  return Number.isNaN(ms) ? null : ms
}

/** Either format → ISO-8601 UTC; null for an empty or unreadable value. */
export function toIsoDate(text: string | null | undefined): IsoDate | null {
  if (text === null || text === undefined || text.trim() === '') return null
  const ms = parseRfc2822(text) ?? parseIso8601(text)
  return ms === null ? null : new Date(ms).toISOString()
}
