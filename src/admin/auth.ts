import type { Role } from '../config'
import type { Actor } from '../db/audit'
import { secretEquals, sha256 } from '../secrets'

/**
 * Admin authentication: a presented token is checked against every `ADMIN_TOKENS` entry in constant time
 * (see secrets.ts), with no early exit, so neither the token nor its length leaks through timing. The token itself is never returned, logged or stored: callers
 * get the role and a short fingerprint for the audit trail.
 */
export const ROLE_RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 }

export function roleAllows(have: Role, need: Role): boolean {
  return ROLE_RANK[have] >= ROLE_RANK[need]
}

function hex(buffer: ArrayBuffer): string {
  return [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('')
}

/** First 8 hex characters of the token's SHA-256: enough to tell tokens apart in the audit log. */
export async function tokenFingerprint(token: string): Promise<string> {
  return hex(await sha256(token)).slice(0, 8)
}

export async function authenticateToken(
  configured: readonly { role: Role; token: string }[],
  presented: string | null | undefined,
): Promise<Actor | null> {
  if (!presented) return null
  let role: Role | null = null
  for (const entry of configured) {
    const equal = await secretEquals(presented, entry.token)
    // The same token listed under two roles gets the higher one.
    if (equal && (role === null || ROLE_RANK[entry.role] > ROLE_RANK[role])) role = entry.role
  }
  return role === null ? null : { role, fingerprint: await tokenFingerprint(presented) }
}

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(header: string | null | undefined): string | null {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header ?? '')
  return match ? match[1]! : null
}
