import { DEFAULT_CHANNEL_RULES, type ChannelRules, type Condition, type SourceCategory } from './channel-rules'
import type { TouchChannel } from './model'
import { compilePattern } from './patterns'

/**
 * Touch classification (contract section 5): what brought a visitor, from the page URL (UTM parameters,
 * click ids) and the referrer, by the ordered rules in channel-rules.ts. Pure; malformed input never throws.
 */
export interface TouchInput {
  /** The page URL the hit was sent from. */
  url: string
  referrer?: string | null
  /** Hosts that are the store itself (besides the page's own host): their referrals are ignored. */
  selfHosts?: readonly string[]
}

export interface Classification {
  channel: TouchChannel
  /** Lower-cased; null for direct traffic. */
  source: string | null
  medium: string | null
  /** As given (trimmed). */
  campaign: string | null
  term: string | null
  content: string | null
  /** The click id parameter present (`gclid`, ...), not its value. */
  clickId: string | null
  /** The external referrer's host without `www.`; null for none, self-referrals and ignored referrers. */
  referrerHost: string | null
  /** UTM, click id or an external referrer: something that says where the visit came from. */
  hasCampaignInfo: boolean
  /** Identifies that campaign information, so that seeing it again is not a new touch; null when none. */
  fingerprint: string | null
}

const UTM = ['utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content'] as const
const MAX_FIELD = 200

export function classifyTouch(input: TouchInput, rules: ChannelRules = DEFAULT_CHANNEL_RULES): Classification {
  const page = parseUrl(input.url)
  const params = page?.searchParams ?? new URLSearchParams()
  const pageHost = page ? bareHost(page.hostname) : null
  const utm = Object.fromEntries(UTM.map((k) => [k, clean(params.get(k))])) as Record<(typeof UTM)[number], string | null>

  const click = rules.clickIds.find((c) => clean(params.get(c.param)) !== null) ?? null
  const clickValue = click ? clean(params.get(click.param)) : null

  const ref = externalReferrer(input.referrer, pageHost, input.selfHosts ?? [], rules)
  const refSource = ref ? referrerSource(ref, rules) : null

  const utmSource = utm.utm_source ? canonicalSource(utm.utm_source, rules) : null
  const source = utmSource ?? click?.source ?? refSource?.source ?? null
  const medium = lower(utm.utm_medium) ?? click?.medium ?? refSource?.medium ?? null
  const campaign = utm.utm_campaign

  const hasCampaignInfo = Object.values(utm).some((v) => v !== null) || click !== null || ref !== null
  if (!hasCampaignInfo) {
    return {
      channel: 'direct',
      source: null,
      medium: null,
      campaign: null,
      term: null,
      content: null,
      clickId: null,
      referrerHost: null,
      hasCampaignInfo: false,
      fingerprint: null,
    }
  }
  const fields = { source, medium, campaign, sourceCategory: source ? sourceCategory(source, rules) : null }
  const channel = rules.rules.find((rule) => ruleMatches(rule.all, rule.any, fields))?.channel ?? 'unassigned'
  const fingerprint = [channel, source, medium, campaign, utm.utm_term, utm.utm_content, click?.param, clickValue]
    .map((v) => v ?? '')
    .join('|')
    .slice(0, 500)
  return {
    channel,
    source,
    medium,
    campaign,
    term: utm.utm_term,
    content: utm.utm_content,
    clickId: click?.param ?? null,
    referrerHost: ref,
    hasCampaignInfo,
    fingerprint,
  }
}

/** A URL's host, lower-cased, without `www.`; null when it does not parse. */
export function hostOf(url: string | null | undefined): string | null {
  const parsed = parseUrl(url)
  return parsed ? bareHost(parsed.hostname) : null
}

/** `google.*` matches any top-level domain of google; any other pattern matches the host and its subdomains. */
export function matchHost(host: string, pattern: string): boolean {
  const p = pattern.toLowerCase()
  if (!p.endsWith('.*')) return host === p || host.endsWith(`.${p}`)
  const base = p.slice(0, -2)
  const labels = host.split('.')
  const baseLabels = base.split('.')
  for (let i = 0; i + baseLabels.length < labels.length; i++) {
    const rest = labels.length - i - baseLabels.length
    if (rest <= 2 && labels.slice(i, i + baseLabels.length).join('.') === base) return true
  }
  return false
}

/** Which source list a source belongs to: by canonical name, or by host for a source given as a host. */
export function sourceCategory(source: string, rules: ChannelRules = DEFAULT_CHANNEL_RULES): SourceCategory | null {
  for (const [name, hosts] of Object.entries(rules.sources) as [SourceCategory, Record<string, string>][]) {
    if (Object.values(hosts).includes(source)) return name
  }
  return listedHost(source, rules)?.category ?? null
}

/**
 * The most specific listed pattern a host matches (`mail.google.com` is gmail, not the search engine behind
 * `google.*`): exact and subdomain patterns beat TLD wildcards, longer patterns beat shorter ones.
 */
function listedHost(host: string, rules: ChannelRules): { category: SourceCategory; source: string } | null {
  let best: { category: SourceCategory; source: string; score: number } | null = null
  for (const [category, hosts] of Object.entries(rules.sources) as [SourceCategory, Record<string, string>][]) {
    for (const [pattern, source] of Object.entries(hosts)) {
      if (!matchHost(host, pattern)) continue
      const score = pattern.length - (pattern.endsWith('.*') ? 1000 : 0)
      if (!best || score > best.score) best = { category, source, score }
    }
  }
  return best && { category: best.category, source: best.source }
}

function canonicalSource(raw: string, rules: ChannelRules): string {
  const source = raw.toLowerCase()
  const alias = rules.sourceAliases[source]
  if (alias) return alias
  const host = source.replace(/^www\./, '')
  // A utm_source written as a host ("facebook.com") gets the same name a referrer from it would.
  return (host.includes('.') && listedHost(host, rules)?.source) || source
}

const REFERRER_MEDIUM: Record<SourceCategory, string> = {
  search: 'organic',
  social: 'social',
  video: 'referral',
  shopping: 'referral',
  email: 'email',
}

function referrerSource(host: string, rules: ChannelRules): { source: string; medium: string } {
  const listed = listedHost(host, rules)
  return listed ? { source: listed.source, medium: REFERRER_MEDIUM[listed.category] } : { source: host, medium: 'referral' }
}

/** The referrer's bare host when it is another site, not the store itself nor an ignored one. */
function externalReferrer(
  referrer: string | null | undefined,
  pageHost: string | null,
  selfHosts: readonly string[],
  rules: ChannelRules,
): string | null {
  const host = hostOf(referrer)
  if (!host) return null
  if (host === pageHost || selfHosts.some((h) => matchHost(host, bareHost(h)))) return null
  if (rules.ignoredReferrers.some((p) => matchHost(host, p))) return null
  return host
}

function ruleMatches(
  all: Condition[],
  any: Condition[],
  fields: Record<Condition['field'], string | null>,
): boolean {
  const holds = (c: Condition) => {
    const value = fields[c.field]
    if (value === null) return false
    const v = value.toLowerCase()
    if (c.in && !c.in.some((x) => x.toLowerCase() === v)) return false
    if (c.matches !== undefined && !compilePattern(c.matches).test(v)) return false
    return true
  }
  return all.every(holds) && (any.length === 0 || any.some(holds))
}

function parseUrl(text: string | null | undefined): URL | null {
  const value = text?.trim()
  if (!value) return null
  try {
    return new URL(value)
  } catch {
    // Some browsers and apps send a referrer without its scheme ("google.com/").
    if (/^[a-z0-9-]+(\.[a-z0-9-]+)+(\/|$)/i.test(value)) {
      try {
        return new URL(`https://${value}`)
      } catch {
        return null
      }
    }
    return null
  }
}

function bareHost(hostname: string): string {
  return hostname.toLowerCase().replace(/\.$/, '').replace(/^www\./, '')
}

function clean(value: string | null): string | null {
  const v = value?.trim()
  return v ? v.slice(0, MAX_FIELD) : null
}

function lower(value: string | null): string | null {
  return value ? value.toLowerCase() : null
}
