import type { Env } from '../env'
import type { HubSpotWriter } from './hubspot-writer'

/** The single HubSpot writer of this worker's HubSpot account. */
export function hubspotWriter(env: Env) {
  return (env.HUBSPOT_WRITER as DurableObjectNamespace<HubSpotWriter>).getByName('default')
}
