/**
 * Where a shopper follows a shipment. BigCommerce gives the merchant's own `tracking_link`, or a
 * `generated_tracking_link` to an integrated provider or AfterShip (orders.v2.oas2.yml, "Create Order
 * Shipment"); when it gives neither, the link is built from the carrier for the common carriers below.
 */

/** Public tracking pages that take the number in the URL; `{n}` is the URL-encoded tracking number. */
const CARRIER_PAGES: Readonly<Record<string, string>> = {
  ups: 'https://www.ups.com/track?tracknum={n}',
  usps: 'https://tools.usps.com/go/TrackConfirmAction?tLabels={n}',
  fedex: 'https://www.fedex.com/fedextrack/?trknbr={n}',
  dhl: 'https://www.dhl.com/global-en/home/tracking/tracking-express.html?submit=1&tracking-id={n}',
  'dhl-germany': 'https://www.dhl.de/de/privatkunden/pakete-empfangen/verfolgen.html?piececode={n}',
  'canada-post': 'https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor={n}',
  purolator: 'https://www.purolator.com/en/shipping/tracker?pin={n}',
  'royal-mail': 'https://www.royalmail.com/track-your-item#/tracking-results/{n}',
  'australia-post': 'https://auspost.com.au/mypost/track/details/{n}',
  'la-poste-colissimo': 'https://www.laposte.fr/outils/suivre-vos-envois?code={n}',
  'an-post': 'https://www.anpost.com/Post-Parcels/Track/History?item={n}',
}

/**
 * Spellings of those carriers, compared without case or punctuation: BigCommerce's `shipping_provider`
 * values (`upsready`, `endicia`, `canadapost`, ...), AfterShip slugs (`tracking_carrier`) and display names.
 */
const ALIASES: Readonly<Record<string, string>> = {
  ups: 'ups', upsready: 'ups', upsonline: 'ups', unitedparcelservice: 'ups',
  usps: 'usps', endicia: 'usps', unitedstatespostalservice: 'usps',
  fedex: 'fedex', federalexpress: 'fedex',
  dhl: 'dhl', dhlexpress: 'dhl',
  dhlgermany: 'dhl-germany', deutschepostdhl: 'dhl-germany', dhlpaket: 'dhl-germany', deutschepost: 'dhl-germany',
  canadapost: 'canada-post', postescanada: 'canada-post',
  purolator: 'purolator',
  royalmail: 'royal-mail',
  auspost: 'australia-post', australiapost: 'australia-post',
  lapostecolissimo: 'la-poste-colissimo', colissimo: 'la-poste-colissimo', laposte: 'la-poste-colissimo',
  anpost: 'an-post',
}

const key = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, '')

/** One of the carriers above from any of its spellings; display names may carry a service ("UPS Ground"). */
export function knownCarrier(name: string): string | null {
  const k = key(name)
  if (!k) return null
  if (ALIASES[k]) return ALIASES[k]
  const prefix = Object.keys(ALIASES)
    .filter((alias) => k.startsWith(alias))
    .sort((a, b) => b.length - a.length)[0]
  return prefix ? ALIASES[prefix]! : null
}

export interface TrackingSource {
  tracking_number: string
  tracking_link: string
  generated_tracking_link: string
  tracking_carrier: string
  shipping_provider: string
  shipping_provider_display_name: string
}

/** The merchant's link, else BigCommerce's, else the carrier's page for the number; null when none applies. */
export function trackingUrl(shipment: TrackingSource): string | null {
  const given = [shipment.tracking_link, shipment.generated_tracking_link].map((l) => l.trim()).find(isHttpUrl)
  if (given) return given
  const number = shipment.tracking_number.trim()
  if (!number) return null
  const carrier = [shipment.tracking_carrier, shipment.shipping_provider, shipment.shipping_provider_display_name]
    .map(knownCarrier)
    .find((c) => c !== null)
  return carrier ? CARRIER_PAGES[carrier]!.replace('{n}', encodeURIComponent(number)) : null
}

function isHttpUrl(text: string): boolean {
  return /^https?:\/\/[^\s]+$/i.test(text)
}
