import type { TriggerDecision } from '../../domain/model'
import type { PropertyValue } from '../records'
import { triggerWrite } from './contact-records'

/**
 * Decisions as the contact publishes them: a shadowed trigger that would have fired carries the contact
 * properties it would have written (`bc_<trigger>_at` and its companions), so an operator sees exactly what a
 * live family would have sent.
 */
export function withWouldWrite(decisions: TriggerDecision[]): (TriggerDecision & { wouldWrite?: Record<string, PropertyValue> })[] {
  return decisions.map((d) => (d.shadow?.wouldFire ? { ...d, wouldWrite: triggerWrite(d.shadow.wouldFire).properties } : d))
}
