import { canonicalEmail } from '../db/identity'
import type { Env } from '../env'

export { hubspotWriter } from './writer-stub'

/** The contact's Durable Object: one per normalized email. */
export function contactObject(env: Env, email: string) {
  return env.CONTACT.getByName(email)
}

/**
 * The Durable Object of the person an email belongs to: its own, or that of the email it was linked to (an
 * absorbed contact would pass the call on too; this saves the hop and holds when its object was wiped).
 */
export async function personObject(env: Env, email: string) {
  return contactObject(env, await canonicalEmail(env.DB, email))
}
