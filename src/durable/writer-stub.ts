import type { Env } from '../env'

/** The single HubSpot writer of this worker's HubSpot account. */
export function hubspotWriter(env: Env) {
  return env.HUBSPOT_WRITER.getByName('default')
}
