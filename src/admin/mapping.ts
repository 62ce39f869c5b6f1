import { ORDER_CHANNEL_RULES } from '../bigcommerce/channels'
import type { Config } from '../config'
import { DEFAULT_CHANNEL_RULES } from '../domain/channel-rules'
import { TRIGGER_DEFINITIONS } from '../domain/automation'
import { ORDER_CHANNELS, TOUCH_CHANNELS, TRIGGERS } from '../domain/model'
import { describeHubSpotMapping } from '../hubspot/properties'
import { VERSION } from '../version'

/**
 * `/docs/mapping.json`: what the worker writes to HubSpot, every trigger and its rule, and the channel
 * taxonomy, assembled from the very definitions the code runs on (the property registry, the trigger
 * definitions, the order channel rules and the touch channel rules), plus the settings in force.
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
