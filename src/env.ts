import type { ContactObject } from './durable/contact'
import type { HubSpotWriter } from './durable/hubspot-writer'

/** The worker's bindings: D1, the Durable Objects, and the raw configuration variables (see config.ts). */
export interface Env {
  DB: D1Database
  CONTACT: DurableObjectNamespace<ContactObject>
  HUBSPOT_WRITER: DurableObjectNamespace<HubSpotWriter>
  [variable: string]: unknown
}
