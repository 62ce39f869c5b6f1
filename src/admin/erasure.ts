import type { Config } from '../config'
import type { Actor } from '../db/audit'
import { normalizeEmail } from '../domain/identity'
import type { Env } from '../env'
import type { ErrorCode } from '../http'
import { erasePerson, type ErasureAnswer } from '../erasure/erase'
import { erasureKey, personFingerprint, shortFingerprint } from '../erasure/fingerprint'
import { audited } from './audit'

/**
 * The erasure request of the admin API and the dashboard's erase form, audited: the entry names the person by
 * the keyed fingerprint (`person <16 hex>`) and records what was removed, never the email.
 */
export type ErasureOutcome =
  | { ok: true; answer: ErasureAnswer }
  | { ok: false; status: 400 | 503; error: ErrorCode; message: string }

export async function eraseAudited(env: Env, config: Config, actor: Actor, rawEmail: string, now: Date): Promise<ErasureOutcome> {
  const email = normalizeEmail(rawEmail)
  if (!email) return { ok: false, status: 400, error: 'invalid_request', message: 'body.email: not an email address' }
  const key = await erasureKey(config)
  if (!key) {
    return {
      ok: false,
      status: 503,
      error: 'invalid_configuration',
      message: 'ERASURE_KEY: set it (32 characters or more), or a BigCommerce client or webhook secret, to erase people',
    }
  }
  const fingerprint = await personFingerprint(key, email)
  const answer = await audited(
    env.DB,
    { actor, action: 'erase', target: `person ${shortFingerprint(fingerprint)}`, before: null },
    () => erasePerson(env, config, { email, fingerprint, keyId: key.id }, now),
  )
  return { ok: true, answer }
}
