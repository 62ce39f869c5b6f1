import type { Config, Role } from '../config'
import type { Actor } from '../db/audit'
import { keyedFingerprint, secretEquals } from '../secrets'

/**
 * Admin authentication: a presented token is checked against every `ADMIN_TOKENS` entry in constant time
 * (see secrets.ts), with no early exit, so neither the token nor its length leaks through timing. The token
 * itself is never returned, logged or stored: callers get the role and a keyed fingerprint for the audit trail.
 */
export const ROLE_RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 }

export function roleAllows(have: Role, need: Role): boolean {
  return ROLE_RANK[have] >= ROLE_RANK[need]
}

export type AuthConfig = Pick<Config, 'ADMIN_TOKENS' | 'BIGCOMMERCE_ACCESS_TOKEN'>

/**
 * HMAC of the token under a key derived from BIGCOMMERCE_ACCESS_TOKEN (a secret every deployment has; the key
 * is never stored): tells tokens apart in the audit log, and a viewer reading it cannot test guesses offline.
 * Rotating BIGCOMMERCE_ACCESS_TOKEN changes the fingerprints of what is recorded afterwards.
 */
export function tokenFingerprint(config: Pick<Config, 'BIGCOMMERCE_ACCESS_TOKEN'>, token: string): Promise<string> {
  return keyedFingerprint(config.BIGCOMMERCE_ACCESS_TOKEN, 'admin-token-fingerprint', token)
}

export async function authenticateToken(config: AuthConfig, presented: string | null | undefined): Promise<Actor | null> {
  if (!presented) return null
  let role: Role | null = null
  for (const entry of config.ADMIN_TOKENS) {
    const equal = await secretEquals(presented, entry.token)
    // The same token listed under two roles gets the higher one.
    if (equal && (role === null || ROLE_RANK[entry.role] > ROLE_RANK[role])) role = entry.role
  }
  return role === null ? null : { role, fingerprint: await tokenFingerprint(config, presented) }
}

const configured = new WeakMap<object, Promise<Map<string, Role>>>()

/** The role each configured token's fingerprint has now: a session lives only while its token is configured. */
export function configuredRoles(config: AuthConfig): Promise<Map<string, Role>> {
  let roles = configured.get(config)
  if (!roles) {
    roles = (async () => {
      const map = new Map<string, Role>()
      for (const { role, token } of config.ADMIN_TOKENS) {
        const fingerprint = await tokenFingerprint(config, token)
        const had = map.get(fingerprint)
        if (!had || ROLE_RANK[role] > ROLE_RANK[had]) map.set(fingerprint, role)
      }
      return map
    })()
    configured.set(config, roles)
  }
  return roles
}

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(header: string | null | undefined): string | null {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header ?? '')
  return match ? match[1]! : null
}
