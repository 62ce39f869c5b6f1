/**
 * The one check of a beacon request's Origin: it must be one of the allowed storefront origins (compared
 * without a trailing slash, case-insensitively). Answers the origin to echo in CORS headers, or null.
 */
export function allowedOrigin(origin: string | undefined, allowed: readonly string[]): string | null {
  const wanted = origin?.replace(/\/+$/, '').toLowerCase()
  if (!wanted) return null
  return allowed.some((o) => o.replace(/\/+$/, '').toLowerCase() === wanted) ? wanted : null
}
