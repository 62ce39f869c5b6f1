/**
 * The properties and groups a fresh HubSpot portal has for each object (a working subset of HubSpot's
 * defaults: the ones research/hubspot.md names, plus the system ones every object has).
 */
import type { ObjectType, PropertyDefinition, PropertyGroup, PropertyType } from './types'

type Spec = [name: string, type: PropertyType, fieldType: string, extra?: Partial<PropertyDefinition>]

const readOnly = { modificationMetadata: { archivable: false, readOnlyDefinition: true, readOnlyValue: true } }
const lifecycleStages = ['subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity',
  'customer', 'evangelist', 'other']

function options(values: string[]) {
  return { options: values.map((value, displayOrder) => ({ label: value, value, displayOrder, hidden: false })) }
}

export function labelled(values: { value: string; label: string }[]) {
  return { options: values.map((o, displayOrder) => ({ ...o, displayOrder, hidden: false })) }
}

/** A portal's ticket priorities out of the box (admins may rename, remove or add options). */
export const DEFAULT_TICKET_PRIORITIES = [
  { value: 'LOW', label: 'Low' },
  { value: 'MEDIUM', label: 'Medium' },
  { value: 'HIGH', label: 'High' },
  { value: 'URGENT', label: 'Urgent' },
]

const system = (modified: string): Spec[] => [
  ['hs_object_id', 'number', 'number', readOnly],
  ['createdate', 'datetime', 'date'],
  [modified, 'datetime', 'date', readOnly],
  ['hs_object_source', 'string', 'text', readOnly],
]

const address = (prefix: string): Spec[] =>
  ['street', 'city', 'state', 'postal_code', 'country'].map((part) => [`${prefix}_${part}`, 'string', 'text'])

const SPECS: Record<ObjectType, { group: string; label: string; properties: Spec[] }> = {
  contacts: {
    group: 'contactinformation',
    label: 'Contact information',
    properties: [
      ['email', 'string', 'text'],
      ['firstname', 'string', 'text'],
      ['lastname', 'string', 'text'],
      ['phone', 'string', 'phonenumber'],
      ['mobilephone', 'string', 'phonenumber'],
      ['company', 'string', 'text'],
      ['jobtitle', 'string', 'text'],
      ['address', 'string', 'text'],
      ['city', 'string', 'text'],
      ['state', 'string', 'text'],
      ['zip', 'string', 'text'],
      ['country', 'string', 'text'],
      ['website', 'string', 'text'],
      ['lifecyclestage', 'enumeration', 'radio', options(lifecycleStages)],
      ['hs_marketable_status', 'enumeration', 'select', { ...options(['true', 'false']), ...readOnly }],
      // Set by merges only: the merged contacts' emails, and the ids merged into this record (`;`-separated).
      ['hs_additional_emails', 'string', 'textarea', readOnly],
      ['hs_merged_object_ids', 'string', 'text', readOnly],
      ...system('lastmodifieddate'),
    ],
  },
  products: {
    group: 'productinformation',
    label: 'Product information',
    properties: [
      ['name', 'string', 'text'],
      ['hs_sku', 'string', 'text'],
      ['price', 'number', 'number'],
      ['description', 'string', 'textarea'],
      ['hs_folder', 'string', 'text'],
      ['hs_cost_of_goods_sold', 'number', 'number'],
      ['hs_url', 'string', 'text'],
      ['hs_images', 'string', 'text'],
      ['hs_product_type', 'enumeration', 'select', options(['inventory', 'non_inventory', 'service'])],
      ...system('hs_lastmodifieddate'),
    ],
  },
  orders: {
    group: 'orderinformation',
    label: 'Order information',
    properties: [
      ['hs_order_name', 'string', 'text'],
      ['hs_currency_code', 'string', 'text'],
      ['hs_total_price', 'number', 'number'],
      ['hs_subtotal_price', 'number', 'number'],
      ['hs_tax', 'number', 'number'],
      ['hs_shipping_cost', 'number', 'number'],
      ['hs_order_discount', 'number', 'number'],
      ['hs_discount_codes', 'string', 'text'],
      ['hs_refund_amount', 'number', 'number'],
      ['hs_fulfillment_status', 'string', 'text'],
      ['hs_payment_status', 'string', 'text'],
      ['hs_external_order_status', 'string', 'text'],
      ['hs_external_order_id', 'string', 'text'],
      ['hs_external_order_url', 'string', 'text'],
      ['hs_external_created_date', 'datetime', 'date'],
      ['hs_external_modified_date', 'datetime', 'date'],
      ['hs_source_store', 'string', 'text'],
      ['hs_pipeline', 'string', 'text'],
      ['hs_pipeline_stage', 'string', 'text'],
      ['hs_shipping_status_url', 'string', 'text'],
      ['hs_shipping_tracking_number', 'string', 'text'],
      ...address('hs_shipping_address'),
      ...address('hs_billing_address'),
      ['hs_tags', 'string', 'text'],
      ['hs_exchange_rate', 'number', 'number', readOnly],
      ...system('hs_lastmodifieddate'),
    ],
  },
  line_items: {
    group: 'lineiteminformation',
    label: 'Line item information',
    properties: [
      ['name', 'string', 'text'],
      ['hs_sku', 'string', 'text'],
      ['quantity', 'number', 'number'],
      ['price', 'number', 'number'],
      ['amount', 'number', 'number'],
      ['discount', 'number', 'number'],
      ['hs_line_item_currency_code', 'string', 'text'],
      ['hs_product_id', 'number', 'number'],
      ['description', 'string', 'textarea'],
      ...system('hs_lastmodifieddate'),
    ],
  },
  carts: {
    group: 'cartinformation',
    label: 'Cart information',
    properties: [
      ['hs_cart_name', 'string', 'text'],
      ['hs_external_cart_id', 'string', 'text'],
      ['hs_cart_url', 'string', 'text'],
      ['hs_total_price', 'number', 'number'],
      ['hs_currency_code', 'string', 'text'],
      ['hs_external_status', 'string', 'text'],
      ['hs_cart_discount', 'number', 'number'],
      ['hs_tax', 'number', 'number'],
      ['hs_shipping_cost', 'number', 'number'],
      ['hs_source_store', 'string', 'text'],
      ['hs_tags', 'string', 'text'],
      ['hs_external_created_date', 'datetime', 'date'],
      ['hs_external_modified_date', 'datetime', 'date'],
      ...system('hs_lastmodifieddate'),
    ],
  },
  tasks: {
    group: 'task',
    label: 'Task information',
    properties: [
      ['hs_timestamp', 'datetime', 'date'],
      ['hs_task_subject', 'string', 'text'],
      ['hs_task_body', 'string', 'html'],
      ['hs_task_status', 'enumeration', 'select', options(['NOT_STARTED', 'IN_PROGRESS', 'WAITING', 'COMPLETED', 'DEFERRED'])],
      ['hs_task_priority', 'enumeration', 'select', options(['NONE', 'LOW', 'MEDIUM', 'HIGH'])],
      ['hs_task_type', 'enumeration', 'select', options(['CALL', 'EMAIL', 'TODO', 'LINKED_IN'])],
      ['hs_task_reminders', 'string', 'text'],
      ['hubspot_owner_id', 'enumeration', 'select'],
      ...system('hs_lastmodifieddate'),
    ],
  },
  companies: {
    group: 'companyinformation',
    label: 'Company information',
    properties: [
      ['name', 'string', 'text'],
      ['domain', 'string', 'text'],
      ['hs_additional_domains', 'enumeration', 'checkbox'],
      ['website', 'string', 'text'],
      ['phone', 'string', 'phonenumber'],
      ['address', 'string', 'text'],
      ['address2', 'string', 'text'],
      ['city', 'string', 'text'],
      ['state', 'string', 'text'],
      ['zip', 'string', 'text'],
      ['country', 'string', 'text'],
      ['industry', 'enumeration', 'select'],
      ['numberofemployees', 'number', 'number'],
      ['annualrevenue', 'number', 'number'],
      ['description', 'string', 'textarea'],
      ['lifecyclestage', 'enumeration', 'radio', options(lifecycleStages)],
      ['hubspot_owner_id', 'enumeration', 'select'],
      ...system('hs_lastmodifieddate'),
    ],
  },
  tickets: {
    group: 'ticketinformation',
    label: 'Ticket information',
    properties: [
      ['subject', 'string', 'text'],
      ['content', 'string', 'textarea'],
      // The stage must belong to the pipeline (checked on write, see ../pipelines.ts).
      ['hs_pipeline', 'string', 'text'],
      ['hs_pipeline_stage', 'string', 'text'],
      // A portal's admins edit these options; createHubSpotStandin({ ticketPriorities }) replaces them.
      ['hs_ticket_priority', 'enumeration', 'select', labelled(DEFAULT_TICKET_PRIORITIES)],
      ['hs_ticket_category', 'enumeration', 'checkbox', options(['PRODUCT_ISSUE', 'BILLING_ISSUE', 'FEATURE_REQUEST', 'GENERAL_INQUIRY'])],
      ['source_type', 'enumeration', 'select', options(['CHAT', 'EMAIL', 'FORM', 'PHONE'])],
      ['closed_date', 'datetime', 'date'],
      ['hubspot_owner_id', 'enumeration', 'select'],
      ...system('hs_lastmodifieddate'),
    ],
  },
}

/** The name of the "last modified" system property, which differs between contacts and other objects. */
export const MODIFIED_PROPERTY: Record<ObjectType, string> = {
  contacts: 'lastmodifieddate',
  products: 'hs_lastmodifieddate',
  orders: 'hs_lastmodifieddate',
  line_items: 'hs_lastmodifieddate',
  carts: 'hs_lastmodifieddate',
  tasks: 'hs_lastmodifieddate',
  tickets: 'hs_lastmodifieddate',
  companies: 'hs_lastmodifieddate',
}

/** Properties HubSpot returns on a read when the caller names none. */
export const DEFAULT_READ_PROPERTIES: Record<ObjectType, string[]> = {
  contacts: ['email', 'firstname', 'lastname'],
  products: ['name', 'price', 'description'],
  orders: ['hs_order_name'],
  line_items: ['name', 'quantity', 'price', 'amount'],
  carts: ['hs_cart_name'],
  tasks: ['hs_task_subject', 'hs_timestamp'],
  tickets: ['content', 'hs_pipeline', 'hs_pipeline_stage', 'hs_ticket_category', 'hs_ticket_priority', 'subject'],
  companies: ['domain', 'name'],
}

/**
 * Properties a create must carry (research §2.1; products need only `name` in practice; tasks their due date;
 * tickets a subject and a pipeline stage).
 */
export const REQUIRED_ON_CREATE: Record<ObjectType, string[]> = {
  contacts: [],
  products: ['name'],
  orders: ['hs_order_name'],
  line_items: [],
  carts: [],
  tasks: ['hs_timestamp'],
  tickets: ['subject', 'hs_pipeline_stage'],
  companies: [],
}

export function propertyDefinition(
  spec: { name: string; label?: string; type: PropertyType; fieldType: string; groupName: string } &
    Partial<PropertyDefinition>,
  at: string,
): PropertyDefinition {
  return {
    label: spec.name,
    description: '',
    options: [],
    displayOrder: -1,
    hasUniqueValue: false,
    hidden: false,
    formField: false,
    calculated: false,
    externalOptions: false,
    hubspotDefined: false,
    modificationMetadata: { archivable: true, readOnlyDefinition: false, readOnlyValue: false },
    createdAt: at,
    updatedAt: at,
    archived: false,
    ...spec,
  }
}

export function defaultGroups(type: ObjectType): PropertyGroup[] {
  const { group, label } = SPECS[type]
  return [{ name: group, label, displayOrder: -1, archived: false }]
}

/** The portal's starting properties for one object, minus those this portal lacks. */
export function defaultProperties(type: ObjectType, missing: string[], at: string): PropertyDefinition[] {
  const { group, properties } = SPECS[type]
  return properties
    .filter(([name]) => !missing.includes(name))
    .map(([name, propertyType, fieldType, extra]) =>
      propertyDefinition(
        {
          name, type: propertyType, fieldType, groupName: group, hubspotDefined: true,
          modificationMetadata: { archivable: false, readOnlyDefinition: true, readOnlyValue: false },
          ...extra,
        },
        at,
      ),
    )
}
