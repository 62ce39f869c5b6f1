import type { Env } from '../env'
import type { ContactObject } from './contact'

export { hubspotWriter } from './writer-stub'

/** The contact's Durable Object: one per normalized email. */
export function contactObject(env: Env, email: string) {
  return (env.CONTACT as DurableObjectNamespace<ContactObject>).getByName(email)
}
