/**
 * HUBSPOT_DEFINED default association type ids between the objects the stand-in serves (research §2.6).
 * A pair missing here has no default association in HubSpot. Products in particular "can't be associated
 * with other CRM objects": a line item points at its product through its `hs_product_id` property. Tasks
 * (an activity) associate with contacts: task → contact 204, contact → task 203; tickets: ticket → contact 16,
 * contact → ticket 15.
 */
import type { ObjectType } from './types'

const DEFAULT_TYPE_IDS: Partial<Record<ObjectType, Partial<Record<ObjectType, number>>>> = {
  contacts: { orders: 508, carts: 587, tasks: 203, tickets: 15 },
  orders: { contacts: 507, line_items: 513, carts: 593 },
  carts: { contacts: 586, line_items: 590, orders: 592 },
  line_items: { orders: 514, carts: 591 },
  tasks: { contacts: 204 },
  tickets: { contacts: 16 },
}

export function defaultAssociationTypeId(from: ObjectType, to: ObjectType): number | undefined {
  return DEFAULT_TYPE_IDS[from]?.[to]
}

/** The object pair a HUBSPOT_DEFINED type id connects, for inline associations on create. */
export function associationPairOf(typeId: number): { from: ObjectType; to: ObjectType } | undefined {
  for (const [from, targets] of Object.entries(DEFAULT_TYPE_IDS)) {
    for (const [to, id] of Object.entries(targets ?? {})) {
      if (id === typeId) return { from: from as ObjectType, to: to as ObjectType }
    }
  }
  return undefined
}
