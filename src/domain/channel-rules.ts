import { z } from 'zod'
import { TOUCH_CHANNELS } from './model'
import { patternProblem } from './patterns'

/**
 * The channel rules as data (contract section 5), in the spirit of GA4's default channel group: an operator
 * can replace or extend any part with `CHANNEL_RULES` (JSON, see `resolveChannelRules`). Host patterns match
 * a host or any subdomain of it (`facebook.com` matches `l.facebook.com`); a trailing `.*` matches any
 * top-level domain (`google.*` matches `google.co.uk`).
 */

const SOURCE_CATEGORIES = ['search', 'social', 'video', 'shopping', 'email'] as const
export type SourceCategory = (typeof SOURCE_CATEGORIES)[number]

const FIELDS = ['source', 'medium', 'campaign', 'sourceCategory'] as const

const conditionSchema = z.object({
  field: z.enum(FIELDS),
  /** Exact values (compared lower-cased). */
  in: z.array(z.string()).optional(),
  /** A case-insensitive regular expression (RE2 syntax, checked by patterns.ts). */
  matches: z.string().optional(),
})
export type Condition = z.infer<typeof conditionSchema>

const ruleSchema = z.object({
  channel: z.enum(TOUCH_CHANNELS),
  /** Every one of these must hold... */
  all: z.array(conditionSchema).default([]),
  /** ...and at least one of these, when there are any. */
  any: z.array(conditionSchema).default([]),
  /** For operators reading the rules (and /docs). */
  note: z.string().optional(),
})
export type ChannelRule = z.infer<typeof ruleSchema>

const clickIdSchema = z.object({ param: z.string(), source: z.string(), medium: z.string() })

export const channelRulesSchema = z.object({
  /** Host pattern -> the canonical source name a referrer from it gets. */
  sources: z.record(z.enum(SOURCE_CATEGORIES), z.record(z.string(), z.string())),
  /** utm_source spellings -> canonical source name. */
  sourceAliases: z.record(z.string(), z.string()),
  /** Click ids, checked in order, supply source and medium when the URL carries no UTM for them. */
  clickIds: z.array(clickIdSchema),
  /** Referrers that never start a touch: payment providers returning to checkout, identity providers. */
  ignoredReferrers: z.array(z.string()),
  /** Ordered: the first rule that matches names the channel; none gives `unassigned`. */
  rules: z.array(ruleSchema),
})
export type ChannelRules = z.infer<typeof channelRulesSchema>

const PAID: Condition = { field: 'medium', matches: '^(.*cp.*|ppc|retargeting|paid.*)$' }
const SHOP_CAMPAIGN: Condition = { field: 'campaign', matches: '^(.*(([^a-df-z]|^)shop|shopping).*)$' }
const EMAIL_WORDS = ['email', 'e-mail', 'e_mail', 'e mail', 'newsletter']
const category = (...names: SourceCategory[]): Condition => ({ field: 'sourceCategory', in: names })

export const DEFAULT_CHANNEL_RULES: ChannelRules = {
  sources: {
    search: {
      'google.*': 'google',
      'bing.com': 'bing',
      'search.yahoo.com': 'yahoo',
      'yahoo.co.jp': 'yahoo',
      'duckduckgo.com': 'duckduckgo',
      'baidu.com': 'baidu',
      'yandex.*': 'yandex',
      'ecosia.org': 'ecosia',
      'search.brave.com': 'brave',
      'startpage.com': 'startpage',
      'qwant.com': 'qwant',
      'naver.com': 'naver',
      'seznam.cz': 'seznam',
      'search.aol.com': 'aol',
      'ask.com': 'ask',
      'sogou.com': 'sogou',
      'daum.net': 'daum',
      'com.google.android.googlequicksearchbox': 'google',
    },
    social: {
      'facebook.com': 'facebook',
      'fb.com': 'facebook',
      'fb.me': 'facebook',
      'com.facebook.katana': 'facebook',
      'instagram.com': 'instagram',
      'com.instagram.android': 'instagram',
      't.co': 'twitter',
      'twitter.com': 'twitter',
      'x.com': 'twitter',
      'linkedin.com': 'linkedin',
      'lnkd.in': 'linkedin',
      'com.linkedin.android': 'linkedin',
      'pinterest.*': 'pinterest',
      'pin.it': 'pinterest',
      'reddit.com': 'reddit',
      'tiktok.com': 'tiktok',
      'snapchat.com': 'snapchat',
      'threads.net': 'threads',
      'bsky.app': 'bluesky',
      'mastodon.social': 'mastodon',
      'tumblr.com': 'tumblr',
      'vk.com': 'vk',
      'whatsapp.com': 'whatsapp',
      'wa.me': 'whatsapp',
      'quora.com': 'quora',
      'news.ycombinator.com': 'hacker news',
      'weibo.com': 'weibo',
      'discord.com': 'discord',
      't.me': 'telegram',
    },
    video: {
      'youtube.com': 'youtube',
      'youtu.be': 'youtube',
      'com.google.android.youtube': 'youtube',
      'vimeo.com': 'vimeo',
      'twitch.tv': 'twitch',
      'dailymotion.com': 'dailymotion',
    },
    shopping: {
      'shopping.google.com': 'google shopping',
      'amazon.*': 'amazon',
      'ebay.*': 'ebay',
      'etsy.com': 'etsy',
      'walmart.com': 'walmart',
      'shop.app': 'shop',
      'idealo.*': 'idealo',
      'pricerunner.com': 'pricerunner',
    },
    email: {
      'mail.google.com': 'gmail',
      'com.google.android.gm': 'gmail',
      'outlook.live.com': 'outlook',
      'outlook.office.com': 'outlook',
      'outlook.office365.com': 'outlook',
      'mail.yahoo.com': 'yahoo mail',
      'mail.aol.com': 'aol mail',
      'mail.proton.me': 'proton mail',
      'webmail.*': 'webmail',
    },
  },
  sourceAliases: {
    fb: 'facebook',
    ig: 'instagram',
    insta: 'instagram',
    yt: 'youtube',
    li: 'linkedin',
    tw: 'twitter',
    x: 'twitter',
    pin: 'pinterest',
    tt: 'tiktok',
    adwords: 'google',
    'google ads': 'google',
    googleads: 'google',
    msn: 'bing',
    microsoft: 'bing',
  },
  // Order matters: the first one present wins. fbclid is added by Meta to organic link clicks as well as ads,
  // so on its own it means Facebook, not paid; UTMs say paid when it was.
  clickIds: [
    { param: 'gclid', source: 'google', medium: 'cpc' },
    { param: 'gbraid', source: 'google', medium: 'cpc' },
    { param: 'wbraid', source: 'google', medium: 'cpc' },
    { param: 'gad_source', source: 'google', medium: 'cpc' },
    { param: 'dclid', source: 'google', medium: 'display' },
    { param: 'msclkid', source: 'bing', medium: 'cpc' },
    { param: 'yclid', source: 'yandex', medium: 'cpc' },
    { param: 'ttclid', source: 'tiktok', medium: 'paid' },
    { param: 'li_fat_id', source: 'linkedin', medium: 'paid' },
    { param: 'twclid', source: 'twitter', medium: 'paid' },
    { param: 'epik', source: 'pinterest', medium: 'paid' },
    { param: 'sccid', source: 'snapchat', medium: 'paid' },
    { param: 'rdt_cid', source: 'reddit', medium: 'paid' },
    { param: 'irclickid', source: 'impact', medium: 'affiliate' },
    { param: 'mc_cid', source: 'mailchimp', medium: 'email' },
    { param: '_hsenc', source: 'hubspot', medium: 'email' },
    { param: '_kx', source: 'klaviyo', medium: 'email' },
    { param: 'fbclid', source: 'facebook', medium: 'social' },
  ],
  ignoredReferrers: [
    'paypal.com',
    'paypal.me',
    'stripe.com',
    'klarna.com',
    'afterpay.com',
    'affirm.com',
    'pay.google.com',
    'amazonpay.com',
    'payments.amazon.com',
    'sezzle.com',
    'accounts.google.com',
    '3dsecure.io',
  ],
  rules: [
    { channel: 'shopping', all: [PAID], any: [category('shopping'), SHOP_CAMPAIGN], note: 'Paid Shopping' },
    { channel: 'paid_search', all: [category('search'), PAID], any: [], note: 'Paid Search' },
    { channel: 'paid_social', all: [category('social'), PAID], any: [], note: 'Paid Social' },
    { channel: 'video', all: [category('video'), PAID], any: [], note: 'Paid Video' },
    {
      channel: 'display',
      all: [],
      any: [{ field: 'medium', in: ['display', 'banner', 'expandable', 'interstitial', 'cpm'] }],
      note: 'Display',
    },
    // GA4's Paid Other has no bucket in the contract's vocabulary: it stays unassigned, source and medium kept.
    { channel: 'unassigned', all: [PAID], any: [], note: 'Paid Other' },
    { channel: 'shopping', all: [], any: [category('shopping'), SHOP_CAMPAIGN], note: 'Organic Shopping' },
    {
      channel: 'organic_social',
      all: [],
      any: [
        category('social'),
        { field: 'medium', in: ['social', 'social-network', 'social-media', 'sm', 'social network', 'social media'] },
      ],
      note: 'Organic Social',
    },
    { channel: 'video', all: [], any: [category('video'), { field: 'medium', matches: 'video' }], note: 'Organic Video' },
    {
      channel: 'organic_search',
      all: [],
      any: [category('search'), { field: 'medium', in: ['organic'] }],
      note: 'Organic Search',
    },
    {
      channel: 'email',
      all: [],
      any: [category('email'), { field: 'source', in: EMAIL_WORDS }, { field: 'medium', in: EMAIL_WORDS }],
      note: 'Email',
    },
    { channel: 'affiliate', all: [], any: [{ field: 'medium', in: ['affiliate', 'affiliates'] }], note: 'Affiliates' },
    { channel: 'referral', all: [], any: [{ field: 'medium', in: ['referral', 'app', 'link'] }], note: 'Referral' },
    {
      channel: 'sms',
      all: [],
      any: [{ field: 'source', in: ['sms'] }, { field: 'medium', in: ['sms', 'text', 'mms'] }],
      note: 'SMS',
    },
  ],
}

/**
 * An operator's override, as JSON: any top-level key given replaces the default's (`rules`, `clickIds`,
 * `ignoredReferrers`), except `sources` and `sourceAliases`, which are merged into the defaults so that adding
 * one search engine does not mean restating the list.
 */
export const channelRulesOverrideSchema = z
  .object({
    sources: z.partialRecord(z.enum(SOURCE_CATEGORIES), z.record(z.string(), z.string())).optional(),
    sourceAliases: z.record(z.string(), z.string()).optional(),
    clickIds: z.array(clickIdSchema).optional(),
    ignoredReferrers: z.array(z.string()).optional(),
    rules: z.array(ruleSchema).optional(),
  })
  .strict()

export type ChannelRulesResult = { ok: true; rules: ChannelRules } | { ok: false; message: string }

const resolved = new Map<string, ChannelRulesResult>()

/** The effective rules for a `CHANNEL_RULES` value (undefined or empty: the defaults). Cached per text. */
export function resolveChannelRules(text: unknown): ChannelRulesResult {
  if (typeof text !== 'string' || text.trim() === '') return { ok: true, rules: DEFAULT_CHANNEL_RULES }
  const cached = resolved.get(text)
  if (cached) return cached
  let result: ChannelRulesResult
  try {
    const parsed = channelRulesOverrideSchema.safeParse(JSON.parse(text))
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!
      result = { ok: false, message: `CHANNEL_RULES ${issue.path.join('.') || '(root)'}: ${issue.message}` }
    } else {
      const o = parsed.data
      const sources = { ...DEFAULT_CHANNEL_RULES.sources }
      for (const [name, hosts] of Object.entries(o.sources ?? {}) as [SourceCategory, Record<string, string>][]) {
        sources[name] = { ...sources[name], ...hosts }
      }
      const problem = patternProblems(o.rules ?? [])[0]
      result = problem
        ? { ok: false, message: `CHANNEL_RULES ${problem}` }
        : {
            ok: true,
            rules: {
              sources,
              sourceAliases: { ...DEFAULT_CHANNEL_RULES.sourceAliases, ...o.sourceAliases },
              clickIds: o.clickIds ?? DEFAULT_CHANNEL_RULES.clickIds,
              ignoredReferrers: o.ignoredReferrers ?? DEFAULT_CHANNEL_RULES.ignoredReferrers,
              rules: o.rules ?? DEFAULT_CHANNEL_RULES.rules,
            },
          }
    }
  } catch {
    result = { ok: false, message: 'CHANNEL_RULES is not valid JSON' }
  }
  resolved.set(text, result)
  return result
}

/** Each refused `matches` pattern, with where it is: `rules[2].any[0].matches: pattern "(a+)+" ...`. */
function patternProblems(rules: ChannelRule[]): string[] {
  return rules.flatMap((rule, r) =>
    (['all', 'any'] as const).flatMap((part) =>
      rule[part].flatMap((condition, i) => {
        const problem = condition.matches === undefined ? null : patternProblem(condition.matches)
        return problem ? [`rules[${r}].${part}[${i}].matches: ${problem}`] : []
      }),
    ),
  )
}
