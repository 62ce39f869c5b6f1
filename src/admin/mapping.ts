import { ORDER_CHANNEL_RULES } from '../bigcommerce/order-channel'
import type { Config } from '../config'
import { DEFAULT_CHANNEL_RULES } from '../domain/channel-rules'
import { postPurchaseStepName, REVIEW_REQUEST_MAX_WAIT_MS } from '../domain/automation/policy'
import { TRIGGER_DEFINITIONS } from '../domain/automation/definitions'
import { TRIGGER_FAMILIES, triggersOf } from '../domain/automation/families'
import { MARKETPLACE_RELAY_DOMAINS } from '../domain/marketplace'
import { OUTCOME_RULES } from '../domain/trigger-outcomes'
import { ORDER_CHANNELS, TOUCH_CHANNELS, TRIGGERS } from '../domain/model'
import { AUDIENCES, categoryAudience, LIST_NAME_PREFIX } from '../hubspot/lists'
import { describeHubSpotMapping } from '../hubspot/properties'
import { VERSION } from '../version'

/**
 * `/docs/mapping.json`: what the worker writes to HubSpot, every trigger and its rule, and the channel
 * taxonomy, assembled from the very definitions the code runs on (the property registry, the trigger
 * definitions, the order channel rules and the touch channel rules), plus the settings in force and the
 * fail-safes (support escalations, marketplace buyers, the review request) and trigger families they set.
 */
export function describeMapping(config: Config) {
  const hubspot = describeHubSpotMapping()
  const meaning = new Map(hubspot.triggers.map((t) => [t.trigger, t.meaning]))
  return {
    version: VERSION,
    hubspot: { propertyGroup: hubspot.propertyGroup, objects: hubspot.objects },
    triggers: TRIGGERS.map((trigger) => {
      const d = TRIGGER_DEFINITIONS[trigger]
      return {
        trigger,
        property: d.property,
        companions: d.companions,
        kind: d.kind,
        rule: d.rule,
        meaning: meaning.get(trigger) ?? null,
        ...(d.kind === 'marketing' ? { capPriority: d.priority } : {}),
      }
    }),
    settings: {
      CART_ABANDON_AFTER: config.CART_ABANDON_AFTER.text,
      BROWSE_ABANDON_AFTER: config.BROWSE_ABANDON_AFTER.text,
      POST_PURCHASE_STEPS: config.POST_PURCHASE_STEPS.map((d) => d.text).join(','),
      LAPSED_AFTER: config.LAPSED_AFTER.text,
      REFUND_SUPPRESSION: config.REFUND_SUPPRESSION.text,
      MARKETING_CAP: config.MARKETING_CAP,
      MARKETING_CAP_WINDOW: config.MARKETING_CAP_WINDOW.text,
      ATTRIBUTION_LOOKBACK: config.ATTRIBUTION_LOOKBACK.text,
      SESSION_TIMEOUT: config.SESSION_TIMEOUT.text,
      HIGH_VALUE_CART_PERCENTILE: config.HIGH_VALUE_CART_PERCENTILE ?? 'off',
      HUBSPOT_CUSTOM_EVENTS: config.HUBSPOT_CUSTOM_EVENTS ? 'on' : 'off',
      SUPPORT_SUPPRESSION_PRIORITIES: config.SUPPORT_SUPPRESSION_PRIORITIES?.join(',') ?? 'off',
      MARKETING_EXCLUDED_ORDER_CHANNELS: config.MARKETING_EXCLUDED_ORDER_CHANNELS.join(',') || 'none',
      REVIEW_REQUEST_STEP: config.REVIEW_REQUEST_STEP?.text ?? 'off',
      TRIGGER_FAMILIES: TRIGGER_FAMILIES.map((f) => `${f}:${config.TRIGGER_FAMILIES[f]}`).join(','),
      AUDIENCE_TOP_CATEGORIES: config.AUDIENCE_TOP_CATEGORIES,
      DECISIONS_RETENTION: config.DECISIONS_RETENTION.text,
      WEBHOOK_PROCESSING: config.WEBHOOK_PROCESSING,
      BIGCOMMERCE_B2B: config.BIGCOMMERCE_B2B ? 'on' : 'off',
    },
    governance: describeGovernance(config),
    lists: {
      prefix: LIST_NAME_PREFIX,
      kind: 'HubSpot active (DYNAMIC) contact lists, created by setup, found again by name, never duplicated',
      audiences: [...AUDIENCES, categoryAudience('<category>')].map((a) => ({ id: a.id, name: a.name, description: a.description, filters: a.filters })),
      topCategories: `one category list per top category of the store (AUDIENCE_TOP_CATEGORIES = ${config.AUDIENCE_TOP_CATEGORIES}), ranked by how many buyers most recently bought it`,
      repair: 'a list edited in HubSpot is left alone and reported as drifted; POST /admin/api/setup with {"repairLists": true} puts its filters back',
    },
    outcomes: {
      route: 'GET /admin/api/outcomes',
      comparison: 'held back: suppressed or capped (deferred and never fired) triggers of the same family; observational, not a controlled test',
      families: Object.entries(OUTCOME_RULES).map(([family, rule]) => ({ family, ...rule })),
    },
    channels: {
      order: {
        property: 'bc_channel',
        values: ORDER_CHANNELS,
        rules: ORDER_CHANNEL_RULES.map((r) => ({ channel: r.channel, when: r.description })),
        fallback: 'unassigned',
      },
      touch: {
        properties: ['bc_attributed_channel', 'bc_first_touch_channel', 'bc_last_touch_channel'],
        values: TOUCH_CHANNELS,
        rules: DEFAULT_CHANNEL_RULES.rules.map((r) => ({ channel: r.channel, note: r.note ?? null, all: r.all, any: r.any })),
        fallback: 'unassigned',
        clickIds: DEFAULT_CHANNEL_RULES.clickIds,
        sources: DEFAULT_CHANNEL_RULES.sources,
        sourceAliases: DEFAULT_CHANNEL_RULES.sourceAliases,
        ignoredReferrers: DEFAULT_CHANNEL_RULES.ignoredReferrers,
      },
    },
  }
}

export type Mapping = ReturnType<typeof describeMapping>

/** The marketing rules in the order they apply, the fail-safes with their settings, and the trigger families. */
function describeGovernance(config: Config) {
  return {
    marketingRules: [
      'a marketing trigger whose purpose is gone when it falls due is cancelled (later post-purchase steps after a refund or cancellation)',
      'no consent (bc_email_consent not opted_in, and for an abandoned cart no abandoned_cart consent): suppressed',
      `unsubscribed in HubSpot (hs_email_optout${config.HUBSPOT_MARKETING_SUBSCRIPTION_TYPES.length ? `, or hs_email_optout_<id> of ${config.HUBSPOT_MARKETING_SUBSCRIPTION_TYPES.join(', ')}` : ''}) ` +
        'with no newer store opt-in: suppressed, reason "unsubscribed in HubSpot"',
      'a marketplace buyer (MARKETING_EXCLUDED_ORDER_CHANNELS): suppressed',
      'within REFUND_SUPPRESSION after a refund or cancellation: suppressed',
      'an open support ticket of a SUPPORT_SUPPRESSION_PRIORITIES priority: suppressed, naming the ticket',
      'the review request (REVIEW_REQUEST_STEP) before its order is fully shipped: deferred until it is, cancelled after the wait',
      'over MARKETING_CAP per MARKETING_CAP_WINDOW: deferred until a slot frees, cancelled if its cause is gone',
    ],
    supportEscalations: {
      priorities: config.SUPPORT_SUPPRESSION_PRIORITIES ?? 'off',
      open: 'a ticket in a pipeline stage whose metadata.ticketState is OPEN',
      priorityValues: "the portal's own hs_ticket_priority options, matched by value or label",
      refresh: 'one search of open tickets of those priorities every 5 minutes, through the HubSpot writer (its rate budget), cached in D1',
      withoutTicketsScope: 'reported by setup and the status; suppression by tickets is off',
    },
    marketplaceBuyers: {
      excludedOrderChannels: config.MARKETING_EXCLUDED_ORDER_CHANNELS,
      rule: 'transactional triggers only while every paid order came from these channels, or for a marketplace relay address; one paid order from another channel makes the contact marketable again',
      relayDomains: MARKETPLACE_RELAY_DOMAINS,
    },
    reviewRequest: config.REVIEW_REQUEST_STEP
      ? {
          step: postPurchaseStepName(config.REVIEW_REQUEST_STEP),
          rule: 'fires only once the first paid order is fully shipped (or completed) and nothing was refunded or cancelled; waits for the shipment, then is cancelled',
          maxWaitDays: REVIEW_REQUEST_MAX_WAIT_MS / 86_400_000,
        }
      : 'off',
    families: TRIGGER_FAMILIES.map((family) => ({ family, triggers: triggersOf(family), configuredMode: config.TRIGGER_FAMILIES[family] })),
    familyModes: {
      live: 'evaluated and written to HubSpot',
      shadow: 'evaluated and recorded as shadowed with what would have been written; nothing is written, no cap slot is taken; turning it live never fires what was shadowed',
      off: 'nothing is evaluated; what falls due meanwhile is passed over',
    },
  }
}
