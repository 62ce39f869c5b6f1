/**
 * HUBSPOT_DEFINED default association type ids between the objects the stand-in serves (research §2.6).
 * A pair missing here has no default association in HubSpot. Products in particular "can't be associated
 * with other CRM objects": a line item points at its product through its `hs_product_id` property. Tasks
 * (an activity) associate with contacts: task → contact 204, contact → task 203; tickets: ticket → contact 16,
 * contact → ticket 15. Companies (0-2): the unlabeled contact → company 279 and company → contact 280 (the
 * primary-company labels 1/2 are separate types a default association does not create); order → company 934,
 * the unlabeled type beside 509 "Primary" in a portal's `GET /crm/v4/associations/orders/companies/labels`
 * (research/hubspot.md §12). Its inverse, company → order, is 935 here: HubSpot numbers each pair's inverse
 * next to it (279/280, 507/508, 509/510, 513/514), but no document read here names it.
 */
import type { ObjectType } from './types'

const DEFAULT_TYPE_IDS: Partial<Record<ObjectType, Partial<Record<ObjectType, number>>>> = {
  contacts: { orders: 508, carts: 587, tasks: 203, tickets: 15, companies: 279 },
  orders: { contacts: 507, line_items: 513, carts: 593, companies: 934 },
  carts: { contacts: 586, line_items: 590, orders: 592 },
  line_items: { orders: 514, carts: 591 },
  tasks: { contacts: 204 },
  tickets: { contacts: 16 },
  companies: { contacts: 280, orders: 935 },
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
