import type { OrderChannel } from '../domain/model'

/**
 * Where an order was placed (contract section 5, `bc_channel`), from the BigCommerce channel the order
 * belongs to (`channel_id` resolved through /v3/channels: `type`, `platform`, `name`) and the order's
 * `order_source` / `external_source`. The rules are data: the first rule whose conditions all hold wins.
 *
 * | # | when | order channel |
 * |---|------|---------------|
 * | 1 | channel name or platform mentions wholesale or b2b | wholesale |
 * | 2 | channel type pos, or a POS platform (clover, square, stripe, talech, vend) | pos |
 * | 3 | channel type marketplace, or a marketplace platform (amazon, ebay, etsy, walmart, ...) | marketplace |
 * | 4 | order_source amazon, ebay, facebookmarketplace | marketplace |
 * | 5 | external_source M-MIG (orders migrated from another platform: origin unknown) | unassigned |
 * | 6 | order_source manual (created in the control panel) | manual |
 * | 7 | order_source external, checkout_api, buybutton, socialshop, facebookshop, facebookcheckout, pinterest | partner |
 * | 8 | channel type marketing (orders through a marketing channel's checkout) | partner |
 * | 9 | storefront channel (or unknown channel) and order_source www, mobile, iphone, ipad, android | storefront |
 * | 10 | storefront channel and no order_source | storefront |
 * | - | anything else | unassigned |
 */

/** The channel an order belongs to, as /v3/channels describes it. */
export interface ChannelInfo {
  type: string | null
  platform: string | null
  name: string | null
}

export interface OrderChannelInput {
  channel: ChannelInfo | null
  orderSource: string | null
  externalSource?: string | null
}

/**
 * One rule. Every condition given must hold; list values compare case-insensitively, and '' stands for a
 * missing value (no channel, no order_source).
 */
export interface OrderChannelRule {
  channel: OrderChannel
  description: string
  channelType?: readonly string[]
  channelPlatform?: readonly string[]
  /** Words looked for in the channel's name and platform. */
  channelMentions?: readonly string[]
  orderSource?: readonly string[]
  externalSource?: readonly string[]
  /** Alternative rule bodies: the rule holds when any of them holds. */
  anyOf?: readonly Omit<OrderChannelRule, 'channel' | 'description' | 'anyOf'>[]
}

const POS_PLATFORMS = ['clover', 'square', 'stripe', 'talech', 'vend']
const MARKETPLACE_PLATFORMS = [
  'amazon',
  'belk',
  'catch',
  'ebay',
  'etsy',
  'hudsons_bay',
  'macys',
  'mirakl',
  'overstock',
  'pinterest',
  'target_plus',
  'tiktok',
  'walmart',
  'wayfair',
  'wish',
]
const STOREFRONT_SOURCES = ['www', 'mobile', 'iphone', 'ipad', 'android']

export const ORDER_CHANNEL_RULES: readonly OrderChannelRule[] = [
  {
    channel: 'wholesale',
    description: 'the channel name or platform mentions wholesale or b2b',
    channelMentions: ['wholesale', 'b2b'],
  },
  {
    channel: 'pos',
    description: 'a point-of-sale channel',
    anyOf: [{ channelType: ['pos'] }, { channelPlatform: POS_PLATFORMS }],
  },
  {
    channel: 'marketplace',
    description: 'a marketplace channel',
    anyOf: [{ channelType: ['marketplace'] }, { channelPlatform: MARKETPLACE_PLATFORMS }],
  },
  {
    channel: 'marketplace',
    description: 'order_source names a marketplace',
    orderSource: ['amazon', 'ebay', 'facebookmarketplace'],
  },
  {
    channel: 'unassigned',
    description: 'migrated from another platform (external_source M-MIG): where it was placed is unknown',
    externalSource: ['m-mig'],
  },
  { channel: 'manual', description: 'created by staff in the control panel', orderSource: ['manual'] },
  {
    channel: 'partner',
    description: 'created through the API or a partner checkout (buy button, social shop)',
    orderSource: ['external', 'checkout_api', 'buybutton', 'socialshop', 'facebookshop', 'facebookcheckout', 'pinterest'],
  },
  { channel: 'partner', description: "a marketing channel's checkout", channelType: ['marketing'] },
  {
    channel: 'storefront',
    description: 'placed on the storefront (web or app)',
    channelType: ['storefront', ''],
    orderSource: STOREFRONT_SOURCES,
  },
  {
    channel: 'storefront',
    description: 'a storefront channel, no order_source',
    channelType: ['storefront'],
    orderSource: [''],
  },
]

export function orderChannel(input: OrderChannelInput, rules: readonly OrderChannelRule[] = ORDER_CHANNEL_RULES): OrderChannel {
  const facts = {
    type: lower(input.channel?.type),
    platform: lower(input.channel?.platform),
    name: lower(input.channel?.name),
    orderSource: lower(input.orderSource),
    externalSource: lower(input.externalSource),
  }
  const rule = rules.find((r) => (r.anyOf ? r.anyOf.some((alt) => holds(alt, facts)) && holds(r, facts) : holds(r, facts)))
  return rule?.channel ?? 'unassigned'
}

type Facts = { type: string; platform: string; name: string; orderSource: string; externalSource: string }

function holds(rule: Omit<OrderChannelRule, 'channel' | 'description' | 'anyOf'>, facts: Facts): boolean {
  const within = (list: readonly string[] | undefined, value: string) =>
    list === undefined || list.some((v) => v.toLowerCase() === value)
  if (!within(rule.channelType, facts.type)) return false
  if (!within(rule.channelPlatform, facts.platform)) return false
  if (!within(rule.orderSource, facts.orderSource)) return false
  if (!within(rule.externalSource, facts.externalSource)) return false
  if (rule.channelMentions) {
    const words = `${facts.name} ${facts.platform}`.split(/[^a-z0-9]+/)
    if (!rule.channelMentions.some((m) => words.includes(m.toLowerCase()))) return false
  }
  return true
}

function lower(value: string | null | undefined): string {
  return (value ?? '').trim().toLowerCase()
}
