/**
 * What the HubSpot writer accepts: records already mapped to HubSpot property names, keyed by the value of
 * their object's unique property, so that a replay upserts the same record and never duplicates it.
 */
export const OBJECT_TYPES = ['contacts', 'products', 'orders', 'line_items', 'carts', 'tasks', 'companies'] as const
export type HubSpotObjectType = (typeof OBJECT_TYPES)[number]

/**
 * Objects only some installations write: companies (B2B Edition, BIGCOMMERCE_B2B=on). Setup covers them once
 * asked to (the admin's setup with B2B on) or once records of them wait, so a portal without B2B gets none of
 * their properties and needs none of their scopes.
 */
export const OPTIONAL_OBJECT_TYPES: readonly HubSpotObjectType[] = ['companies']

/** The unique-value property each object is upserted by. */
export const ID_PROPERTY: Record<HubSpotObjectType, string> = {
  contacts: 'email',
  products: 'bc_variant_id',
  orders: 'bc_order_id',
  line_items: 'bc_line_item_id',
  carts: 'bc_cart_id',
  tasks: 'bc_task_key',
  companies: 'bc_company_id',
}

/** A property value as HubSpot takes it; `''` clears a property. */
export type PropertyValue = string | number | boolean | null

export interface RecordAssociation {
  toObjectType: HubSpotObjectType
  /** The unique key of the other record (its ID_PROPERTY value). */
  toKey: string
}

export interface HubSpotRecord {
  objectType: HubSpotObjectType
  /** Value of ID_PROPERTY[objectType] (normalized email for contacts). */
  key: string
  /** Properties to set; later writes of the same record overwrite earlier values property by property. */
  properties: Record<string, PropertyValue>
  /** Default (HUBSPOT_DEFINED) associations from this record to others. */
  associations?: RecordAssociation[]
  /**
   * Fired triggers, in firing order. Unlike `properties` they never merge: each reaches HubSpot as its own
   * change of its trigger property (a workflow enrolls on the property being updated).
   */
  triggers?: TriggerWrite[]
}

/** One fired trigger's write: `bc_<trigger>_at` and its companions, always sent together. */
export interface TriggerWrite {
  /** The trigger's datetime property: at most one value of it per HubSpot call for a record. */
  property: string
  properties: Record<string, PropertyValue>
}

/** Which HubSpot write lane a record travels in: live work is written before bulk work (backfill, recomputes). */
export type WriteLane = 'live' | 'bulk'

/**
 * A HubSpot custom event occurrence (`POST /events/v3/send`) for a fired trigger. Sent once per key, after
 * its contact exists; the writer drops it when HUBSPOT_CUSTOM_EVENTS is off or the account has no custom
 * events.
 */
export interface CustomEventRecord {
  /** What makes it once-only: the contact's email and the trigger's key. */
  key: string
  /** The event definition's short name, `bc_<trigger>` (sent as its fully qualified `pe{portalId}_` name). */
  name: string
  email: string
  /** The trigger's time: the cause, so a replay sends the same occurrence. */
  occurredAt: string
  properties: Record<string, string>
}
