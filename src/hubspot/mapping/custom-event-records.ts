import type { Email, FiredTrigger } from '../../domain/model'
import { eventName } from '../custom-event-definitions'
import { toHubSpotDateTime } from '../properties'
import type { CustomEventRecord } from '../records'
import { triggerWrite } from './contact-records'

/**
 * Fired triggers as custom event occurrences: at the trigger's time, with its key and the same companion
 * values the contact gets (empty ones left out). Keyed by contact and trigger key, so a replay is ignored.
 */
export function customEventRecords(email: Email, fired: FiredTrigger[]): CustomEventRecord[] {
  return fired.map((f) => {
    const properties: Record<string, string> = { bc_trigger_key: f.key }
    const write = triggerWrite(f)
    for (const [name, value] of Object.entries(write.properties)) {
      if (name !== write.property && value !== null && value !== '') properties[name] = String(value)
    }
    return { key: `${email}|${f.key}`, name: eventName(f.trigger), email, occurredAt: toHubSpotDateTime(f.at), properties }
  })
}
