/**
 * The HubSpot scopes the worker's calls need, as HubSpot's API reference names them (a private app's or
 * service key's token). One list for the README, setup's report, the getting-started panel and
 * `npm run check:live`. Property creation on line items and products is authorised by `e-commerce` (there is no
 * `crm.schemas.line_items.write` or `crm.schemas.products.write`).
 */
export interface HubSpotScope {
  scope: string
  /** Required scopes block a deploy; optional ones turn one feature off when missing. */
  required: boolean
  why: string
  /** Needed only with BIGCOMMERCE_B2B=on, and then required. */
  b2b?: true
}

export const HUBSPOT_SCOPES: readonly HubSpotScope[] = [
  ...(['contacts', 'orders', 'line_items', 'products', 'carts'] as const).flatMap((object) => [
    { scope: `crm.objects.${object}.read`, required: true, why: `read ${object.replace('_', ' ')}` },
    { scope: `crm.objects.${object}.write`, required: true, why: `write ${object.replace('_', ' ')} (and tasks, with contacts)` },
  ]),
  { scope: 'crm.schemas.contacts.write', required: true, why: 'create the bc_ contact properties and their group' },
  { scope: 'crm.schemas.orders.write', required: true, why: 'create the bc_ order properties' },
  { scope: 'crm.schemas.carts.write', required: true, why: 'create the bc_ cart properties' },
  { scope: 'e-commerce', required: true, why: 'create the line item and product properties (bc_line_item_id, bc_variant_id, ...)' },
  ...['crm.objects.companies.read', 'crm.objects.companies.write', 'crm.schemas.companies.write'].map((scope) => ({
    scope,
    required: false,
    why: 'B2B Edition companies, their properties and associations (BIGCOMMERCE_B2B=on)',
    b2b: true as const,
  })),
  { scope: 'tickets', required: false, why: 'suppression by open support tickets (SUPPORT_SUPPRESSION_PRIORITIES)' },
  { scope: 'crm.lists.read', required: false, why: 'find the audience lists' },
  { scope: 'crm.lists.write', required: false, why: 'create and repair the audience lists' },
  {
    scope: 'behavioral_events.event_definitions.read_write',
    required: false,
    why: 'define the bc_<trigger> custom events (HUBSPOT_CUSTOM_EVENTS=on, Enterprise)',
  },
  { scope: 'analytics.behavioral_events.send', required: false, why: 'send custom event occurrences (HUBSPOT_CUSTOM_EVENTS=on)' },
]

/** What a token lacks, split into blockers and features that will be off; company scopes count only with B2B on. */
export function missingScopes(
  granted: readonly string[],
  options: { b2b?: boolean } = {},
): { required: HubSpotScope[]; optional: HubSpotScope[] } {
  const have = new Set(granted)
  const missing = HUBSPOT_SCOPES.filter((s) => !have.has(s.scope) && (!s.b2b || options.b2b))
  const required = (s: HubSpotScope) => s.required || (s.b2b === true && options.b2b === true)
  return { required: missing.filter(required), optional: missing.filter((s) => !required(s)) }
}
