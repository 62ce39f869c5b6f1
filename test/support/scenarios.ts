import { env } from 'cloudflare:workers'
import type { BigCommerceStandin } from '../../standins/bigcommerce'
import type { HubSpotStandin } from '../../standins/hubspot'
import { deliverEvents } from './worker'

/** Scenarios through the worker (fail-safes, rollout, sequences): store events in, decisions and HubSpot records out. */
export { DAY, MINUTE } from './factories'

export async function openCart(bigcommerce: BigCommerceStandin, email: string) {
  const { value, events } = bigcommerce.store.createCart({ email, lines: [{ productId: 1, quantity: 2 }] })
  await deliverEvents(events)
  return value
}

export async function decisions(email: string, trigger: string) {
  const { results } = await env.DB.prepare(
    'SELECT decision, reason, trigger_key FROM trigger_decisions WHERE email = ? AND trigger = ? ORDER BY id',
  )
    .bind(email, trigger)
    .all<{ decision: string; reason: string; trigger_key: string }>()
  return results
}

export function contactProperties(hubspot: HubSpotStandin, email: string): Record<string, string> {
  return hubspot.portal.findByProperty('contacts', 'email', email)?.properties ?? {}
}
