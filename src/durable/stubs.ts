import type { Env } from '../env'

/** The contact's Durable Object: one per normalized email. */
export function contactObject(env: Env, email: string) {
  return env.CONTACT.getByName(email)
}

/** The single HubSpot writer of this worker's HubSpot account. */
export function hubspotWriter(env: Env) {
  return env.HUBSPOT_WRITER.getByName('default')
}
