import { describe, expect, it } from 'vitest'
import { DEFAULT_CHANNEL_RULES, resolveChannelRules } from '../../src/domain/channel-rules'
import { classifyTouch, hostOf, matchHost } from '../../src/domain/channels'
import { TOUCH_CHANNELS } from '../../src/domain/model'

const SHOP = 'https://shop.example.com'

// [what, page URL, referrer, channel, source, medium, campaign]
const CASES: [string, string, string | null, string, string | null, string | null, string | null][] = [
  // direct and self-referrals
  ['typed-in visit', `${SHOP}/`, null, 'direct', null, null, null],
  ['empty referrer', `${SHOP}/`, '', 'direct', null, null, null],
  ['internal navigation', `${SHOP}/shoes`, `${SHOP}/`, 'direct', null, null, null],
  ['self-referral from www. host', `${SHOP}/cart.php`, 'https://www.shop.example.com/p/1', 'direct', null, null, null],
  ['return from PayPal checkout', `${SHOP}/checkout/order-confirmation`, 'https://www.paypal.com/checkoutnow?token=x', 'direct', null, null, null],
  // organic search by referrer
  ['google.com', `${SHOP}/`, 'https://www.google.com/', 'organic_search', 'google', 'organic', null],
  ['google.co.uk', `${SHOP}/`, 'https://www.google.co.uk/', 'organic_search', 'google', 'organic', null],
  ['bing', `${SHOP}/`, 'https://www.bing.com/search?q=shoes', 'organic_search', 'bing', 'organic', null],
  ['duckduckgo', `${SHOP}/`, 'https://duckduckgo.com/', 'organic_search', 'duckduckgo', 'organic', null],
  ['yahoo search', `${SHOP}/`, 'https://search.yahoo.com/', 'organic_search', 'yahoo', 'organic', null],
  ['yandex.ru', `${SHOP}/`, 'https://yandex.ru/search/?text=x', 'organic_search', 'yandex', 'organic', null],
  ['ecosia', `${SHOP}/`, 'https://www.ecosia.org/', 'organic_search', 'ecosia', 'organic', null],
  ['google app on Android', `${SHOP}/`, 'android-app://com.google.android.googlequicksearchbox/', 'organic_search', 'google', 'organic', null],
  // social networks by referrer
  ['facebook link shim', `${SHOP}/`, 'https://l.facebook.com/', 'organic_social', 'facebook', 'social', null],
  ['mobile facebook', `${SHOP}/`, 'https://m.facebook.com/', 'organic_social', 'facebook', 'social', null],
  ['instagram', `${SHOP}/`, 'https://l.instagram.com/', 'organic_social', 'instagram', 'social', null],
  ['twitter t.co', `${SHOP}/`, 'https://t.co/abc', 'organic_social', 'twitter', 'social', null],
  ['linkedin', `${SHOP}/`, 'https://www.linkedin.com/', 'organic_social', 'linkedin', 'social', null],
  ['pinterest.de', `${SHOP}/`, 'https://www.pinterest.de/', 'organic_social', 'pinterest', 'social', null],
  ['reddit', `${SHOP}/`, 'https://old.reddit.com/r/shoes', 'organic_social', 'reddit', 'social', null],
  ['youtube', `${SHOP}/`, 'https://www.youtube.com/', 'video', 'youtube', 'referral', null],
  // email tools and webmail
  ['klaviyo campaign', `${SHOP}/?utm_source=Klaviyo&utm_medium=email&utm_campaign=Spring Sale`, null, 'email', 'klaviyo', 'email', 'Spring Sale'],
  ['mailchimp', `${SHOP}/?utm_source=newsletter&utm_medium=email&mc_cid=abc&mc_eid=def`, null, 'email', 'newsletter', 'email', null],
  ['mailchimp click id only', `${SHOP}/?mc_cid=abc`, null, 'email', 'mailchimp', 'email', null],
  ['hubspot email tracking', `${SHOP}/?_hsenc=p2ANqtz&_hsmi=123`, null, 'email', 'hubspot', 'email', null],
  ['gmail web', `${SHOP}/`, 'https://mail.google.com/', 'email', 'gmail', 'email', null],
  ['gmail app', `${SHOP}/`, 'android-app://com.google.android.gm/', 'email', 'gmail', 'email', null],
  ['outlook web', `${SHOP}/`, 'https://outlook.live.com/', 'email', 'outlook', 'email', null],
  ['medium e-mail', `${SHOP}/?utm_source=crm&utm_medium=E-Mail`, null, 'email', 'crm', 'e-mail', null],
  // paid click ids
  ['google ads gclid', `${SHOP}/?gclid=Cj0KCQ`, 'https://www.google.com/', 'paid_search', 'google', 'cpc', null],
  ['gclid without referrer', `${SHOP}/p/1?gclid=Cj0KCQ`, null, 'paid_search', 'google', 'cpc', null],
  ['iOS gbraid', `${SHOP}/?gbraid=0AAAAA`, null, 'paid_search', 'google', 'cpc', null],
  ['wbraid', `${SHOP}/?wbraid=CjkKCQ`, null, 'paid_search', 'google', 'cpc', null],
  ['microsoft ads msclkid', `${SHOP}/?msclkid=5d6`, 'https://www.bing.com/', 'paid_search', 'bing', 'cpc', null],
  ['tiktok ads ttclid', `${SHOP}/?ttclid=E.C.P`, null, 'paid_social', 'tiktok', 'paid', null],
  ['linkedin ads li_fat_id', `${SHOP}/?li_fat_id=abc`, null, 'paid_social', 'linkedin', 'paid', null],
  ['x ads twclid', `${SHOP}/?twclid=2-abc`, null, 'paid_social', 'twitter', 'paid', null],
  ['fbclid alone is Facebook, not paid', `${SHOP}/?fbclid=IwAR`, 'https://l.facebook.com/', 'organic_social', 'facebook', 'social', null],
  ['fbclid with paid UTMs', `${SHOP}/?utm_source=fb&utm_medium=paid_social&utm_campaign=retarget&fbclid=IwAR`, null, 'paid_social', 'facebook', 'paid_social', 'retarget'],
  ['display click id', `${SHOP}/?dclid=CJ`, null, 'display', 'google', 'display', null],
  // UTMs first
  ['google cpc', `${SHOP}/?utm_source=google&utm_medium=cpc&utm_campaign=brand`, null, 'paid_search', 'google', 'cpc', 'brand'],
  ['google ppc beats organic referrer', `${SHOP}/?utm_source=google&utm_medium=ppc`, 'https://www.google.com/', 'paid_search', 'google', 'ppc', null],
  ['instagram alias, paid', `${SHOP}/?utm_source=ig&utm_medium=paid`, null, 'paid_social', 'instagram', 'paid', null],
  ['facebook.com as source', `${SHOP}/?utm_source=facebook.com&utm_medium=social`, null, 'organic_social', 'facebook', 'social', null],
  ['youtube paid', `${SHOP}/?utm_source=youtube&utm_medium=cpv`, null, 'video', 'youtube', 'cpv', null],
  ['display banner', `${SHOP}/?utm_source=criteo&utm_medium=banner`, null, 'display', 'criteo', 'banner', null],
  ['cpm network', `${SHOP}/?utm_source=adroll&utm_medium=cpm`, null, 'display', 'adroll', 'cpm', null],
  ['paid other has no bucket', `${SHOP}/?utm_source=partnerco&utm_medium=cpc`, null, 'unassigned', 'partnerco', 'cpc', null],
  ['affiliate network', `${SHOP}/?utm_source=awin&utm_medium=affiliate&utm_campaign=123`, null, 'affiliate', 'awin', 'affiliate', '123'],
  ['impact click id', `${SHOP}/?irclickid=abc`, null, 'affiliate', 'impact', 'affiliate', null],
  ['sms', `${SHOP}/?utm_source=attentive&utm_medium=sms`, null, 'sms', 'attentive', 'sms', null],
  ['source sms', `${SHOP}/?utm_source=sms&utm_medium=text`, null, 'sms', 'sms', 'text', null],
  ['organic utm', `${SHOP}/?utm_source=blog&utm_medium=organic`, null, 'organic_search', 'blog', 'organic', null],
  ['utm_source only: a search engine', `${SHOP}/?utm_source=bing`, null, 'organic_search', 'bing', null, null],
  ['utm_source only: unknown', `${SHOP}/?utm_source=podcast`, null, 'unassigned', 'podcast', null, null],
  // marketplaces and shopping
  ['amazon referrer', `${SHOP}/`, 'https://www.amazon.com/dp/B0', 'shopping', 'amazon', 'referral', null],
  ['ebay.de referrer', `${SHOP}/`, 'https://www.ebay.de/itm/1', 'shopping', 'ebay', 'referral', null],
  ['google shopping ads', `${SHOP}/?utm_source=google&utm_medium=cpc&utm_campaign=Shopping - US`, null, 'shopping', 'google', 'cpc', 'Shopping - US'],
  ['free shopping listing', `${SHOP}/?utm_source=google&utm_medium=organic&utm_campaign=sag_organic&srsltid=x`, 'https://shopping.google.com/', 'organic_search', 'google', 'organic', 'sag_organic'],
  ['etsy referrer', `${SHOP}/`, 'https://www.etsy.com/shop/x', 'shopping', 'etsy', 'referral', null],
  // other sites
  ['blog referral', `${SHOP}/`, 'https://www.someblog.net/post/1', 'referral', 'someblog.net', 'referral', null],
  ['ai assistant is a referral', `${SHOP}/`, 'https://chatgpt.com/', 'referral', 'chatgpt.com', 'referral', null],
  ['referrer without scheme', `${SHOP}/`, 'news.example.org/story', 'referral', 'news.example.org', 'referral', null],
  // malformed input
  ['malformed referrer', `${SHOP}/`, 'not a url at all', 'direct', null, null, null],
  ['malformed page URL', 'http://[bad', 'https://www.google.com/', 'organic_search', 'google', 'organic', null],
  ['page URL not a URL', '::::', null, 'direct', null, null, null],
  // URLSearchParams decodes broken escapes to U+FFFD, as browsers do, rather than throwing.
  ['percent garbage in query', `${SHOP}/?utm_source=%E0%A4%A&utm_medium=email`, null, 'email', '\uFFFD%a', 'email', null],
  ['empty utm values', `${SHOP}/?utm_source=&utm_medium=%20`, null, 'direct', null, null, null],
]

describe('classifyTouch: real-world cases', () => {
  it.each(CASES)('%s', (_what, url, referrer, channel, source, medium, campaign) => {
    const touch = classifyTouch({ url, referrer })
    expect({ channel: touch.channel, source: touch.source, medium: touch.medium, campaign: touch.campaign }).toEqual({
      channel,
      source,
      medium,
      campaign,
    })
    expect(TOUCH_CHANNELS).toContain(touch.channel)
    expect(touch.hasCampaignInfo).toBe(channel !== 'direct')
  })
})

describe('classifyTouch: touch identity', () => {
  it('treats the store other origins as self', () => {
    const touch = classifyTouch({
      url: `${SHOP}/checkout`,
      referrer: 'https://store-abc123.mybigcommerce.com/cart.php',
      selfHosts: ['store-abc123.mybigcommerce.com'],
    })
    expect(touch.channel).toBe('direct')
    expect(touch.referrerHost).toBeNull()
  })

  it('gives the same campaign the same fingerprint and a new ad click a new one', () => {
    const a = classifyTouch({ url: `${SHOP}/?gclid=one`, referrer: null })
    const again = classifyTouch({ url: `${SHOP}/other?gclid=one`, referrer: 'https://www.google.com/' })
    const next = classifyTouch({ url: `${SHOP}/?gclid=two`, referrer: null })
    expect(a.fingerprint).toBe(again.fingerprint)
    expect(next.fingerprint).not.toBe(a.fingerprint)
    expect(a.clickId).toBe('gclid')
    expect(classifyTouch({ url: `${SHOP}/` }).fingerprint).toBeNull()
  })

  it('keeps referrer paths and query strings out of what it returns', () => {
    const touch = classifyTouch({ url: `${SHOP}/`, referrer: 'https://www.someblog.net/post?email=a@b.com' })
    expect(JSON.stringify(touch)).not.toContain('a@b.com')
    expect(touch.referrerHost).toBe('someblog.net')
  })
})

describe('matchHost and hostOf', () => {
  it('matches subdomains and TLD wildcards, not look-alikes', () => {
    expect(matchHost('l.facebook.com', 'facebook.com')).toBe(true)
    expect(matchHost('notfacebook.com', 'facebook.com')).toBe(false)
    expect(matchHost('google.com.au', 'google.*')).toBe(true)
    expect(matchHost('google.evil.example.com', 'google.*')).toBe(false)
    expect(hostOf('https://WWW.Example.COM./x')).toBe('example.com')
    expect(hostOf('nope')).toBeNull()
  })
})

describe('resolveChannelRules: operator overrides', () => {
  it('uses the defaults when unset', () => {
    expect(resolveChannelRules(undefined)).toEqual({ ok: true, rules: DEFAULT_CHANNEL_RULES })
  })

  it('merges extra sources and replaces rules', () => {
    const result = resolveChannelRules(
      JSON.stringify({
        sources: { search: { 'kagi.com': 'kagi' } },
        rules: [{ channel: 'affiliate', any: [{ field: 'source', in: ['partnerco'] }] }],
      }),
    )
    if (!result.ok) throw new Error(result.message)
    expect(classifyTouch({ url: `${SHOP}/`, referrer: 'https://kagi.com/' }, result.rules).source).toBe('kagi')
    expect(classifyTouch({ url: `${SHOP}/?utm_source=partnerco&utm_medium=cpc` }, result.rules).channel).toBe(
      'affiliate',
    )
    // Default search engines are still known after the merge.
    expect(result.rules.sources.search['bing.com']).toBe('bing')
  })

  it('names the problem in a bad override', () => {
    expect(resolveChannelRules('{')).toEqual({ ok: false, message: 'CHANNEL_RULES is not valid JSON' })
    const badChannel = resolveChannelRules(JSON.stringify({ rules: [{ channel: 'tv' }] }))
    expect(badChannel.ok).toBe(false)
    if (!badChannel.ok) expect(badChannel.message).toContain('rules.0.channel')
    const badRegex = resolveChannelRules(
      JSON.stringify({ rules: [{ channel: 'email', any: [{ field: 'medium', matches: '(' }] }] }),
    )
    expect(badRegex.ok).toBe(false)
  })
})
