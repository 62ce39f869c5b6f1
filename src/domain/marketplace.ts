import type { Email, Order, OrderChannel } from './model'

/**
 * Marketplace buyers (contract section 4): marketplaces forbid marketing to the buyers they bring (Amazon: no
 * contact for marketing or promotion by any means; eBay: no soliciting sales outside eBay), and they hand the
 * seller a relay address instead of the buyer's own. A contact whose paid orders all come from an excluded
 * order channel, or whose email is a known relay address, gets transactional triggers only.
 */

/**
 * Relay domains of marketplaces, as data. A domain matches itself and its subdomains. Each is the domain the
 * marketplace puts in the buyer email of its orders:
 * - Amazon: `<alias>@marketplace.amazon.<store domain>` (Buyer-Seller Messaging's anonymized alias, one per
 *   Amazon store; sellercentral.amazon.com help 200383320).
 * - eBay: `<hash>@members.ebay.com`, for every eBay site.
 * - Walmart: `<hex>@relay.walmart.com` (the `customerEmailId` of Walmart Marketplace orders).
 * - Newegg: `<alias>@marketplace.newegg.com` (the masked `CustomerEmailAddress` of Newegg orders).
 * - TikTok Shop: `<alias>@scs.tiktokw.us` (the buyer email of TikTok Shop orders).
 * - Temu: `<alias>@<region>.shipping.temuemail.com` (the "virtual email" of Temu orders).
 */
const AMAZON_STORE_DOMAINS = [
  'com', 'ca', 'com.mx', 'com.br', 'co.uk', 'de', 'fr', 'it', 'es', 'nl', 'se', 'pl', 'com.be', 'ie', 'com.tr',
  'ae', 'sa', 'eg', 'in', 'co.jp', 'com.au', 'sg',
]

export const MARKETPLACE_RELAY_DOMAINS: readonly { marketplace: string; domains: readonly string[] }[] = [
  { marketplace: 'Amazon', domains: AMAZON_STORE_DOMAINS.map((tld) => `marketplace.amazon.${tld}`) },
  { marketplace: 'eBay', domains: ['members.ebay.com'] },
  { marketplace: 'Walmart', domains: ['relay.walmart.com'] },
  { marketplace: 'Newegg', domains: ['marketplace.newegg.com'] },
  { marketplace: 'TikTok Shop', domains: ['scs.tiktokw.us'] },
  { marketplace: 'Temu', domains: ['shipping.temuemail.com'] },
]

/** The marketplace whose relay address this is, with the matching domain, or null. */
export function relayMarketplace(email: Email): { marketplace: string; domain: string } | null {
  const host = email.slice(email.lastIndexOf('@') + 1).toLowerCase()
  for (const { marketplace, domains } of MARKETPLACE_RELAY_DOMAINS) {
    const domain = domains.find((d) => host === d || host.endsWith(`.${d}`))
    if (domain) return { marketplace, domain }
  }
  return null
}

/**
 * Why marketing must not reach this contact as a marketplace buyer, or null. `paid` are its orders that count
 * as paid. Relay addresses are marketplace buyers by definition, so they are held back whenever `marketplace`
 * is excluded; otherwise a contact is held back while every paid order came from an excluded channel, and one
 * paid order from another channel (the storefront) makes it marketable again.
 */
export function marketplaceRestriction(email: Email, paid: Order[], excluded: readonly OrderChannel[]): string | null {
  if (excluded.length === 0) return null
  const relay = excluded.includes('marketplace') ? relayMarketplace(email) : null
  if (relay) {
    return `${email} is a ${relay.marketplace} relay address (${relay.domain}), and marketplaces forbid marketing to ` +
      'their buyers: transactional triggers only'
  }
  if (paid.length === 0 || !paid.every((o) => excluded.includes(o.channel))) return null
  const channels = [...new Set(paid.map((o) => o.channel))].join(', ')
  const count = paid.length === 1 ? 'the only paid order' : `all ${paid.length} paid orders`
  return `${count} came from ${channels} (MARKETING_EXCLUDED_ORDER_CHANNELS): transactional triggers only until ` +
    'a paid order from another channel'
}
