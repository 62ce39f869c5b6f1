/** Date formats as BigCommerce writes them: v2 RFC-2822 in UTC, v3 ISO-8601, webhooks Unix seconds. */

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const pad = (n: number): string => String(n).padStart(2, '0')

/** "Tue, 05 Mar 2019 21:40:11 +0000" */
export function rfc2822(ms: number): string {
  const d = new Date(ms)
  return (
    `${DAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`
  )
}

/** "2018-11-13T21:42:06Z" (customers, channels, subscribers) */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z')
}

/** "2018-08-15T14:49:05+00:00" (catalog, refunds) */
export function isoOffset(ms: number): string {
  return isoSeconds(ms).replace('Z', '+00:00')
}

export function unixSeconds(ms: number): number {
  return Math.floor(ms / 1000)
}

/**
 * A query date: RFC-2822, ISO-8601/RFC-3339 or Unix seconds (all accepted by BigCommerce filters).
 * Undefined when it does not parse.
 */
export function parseQueryDate(value: string): number | undefined {
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000
  const ms = Date.parse(trimmed)
  return Number.isNaN(ms) ? undefined : ms
}
