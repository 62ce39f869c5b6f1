/**
 * Where the seeded store's shoppers live and how their parcels travel: addresses as BigCommerce holds them
 * (state names from its country lists, empty where a country has none) and, per country, the shipping
 * providers and couriers a merchant would use, with tracking numbers in each carrier's format.
 */
import type { Random } from '../shared/prng'

export interface Carrier {
  /** `shipping_provider`: an integrated provider, '' or `carrier_{id}`. */
  provider: string
  /** `tracking_carrier`: '' or an AfterShip courier slug. */
  carrier: string
  /** Display name of a `carrier_{id}` provider. */
  providerName?: string
  trackingNumber: (random: Random) => string
}

export interface Place {
  iso2: string
  country: string
  city: string
  state: string
  zip: string
  currency: string
  tax: number
  carriers: readonly (readonly [Carrier, number])[]
}

const digits = (random: Random, n: number) => Array.from({ length: n }, () => random.int(0, 9)).join('')
const letters = (random: Random, n: number) => Array.from({ length: n }, () => String.fromCharCode(65 + random.int(0, 25))).join('')

const UPS: Carrier = { provider: 'ups', carrier: '', trackingNumber: (r) => `1Z${r.hex(16).toUpperCase()}` }
const USPS: Carrier = { provider: 'usps', carrier: '', trackingNumber: (r) => `9400${digits(r, 18)}` }
const FEDEX: Carrier = { provider: 'fedex', carrier: '', trackingNumber: (r) => digits(r, 12) }
const DHL: Carrier = { provider: '', carrier: 'dhl', trackingNumber: (r) => digits(r, 10) }
const CANADA_POST: Carrier = { provider: 'canadapost', carrier: '', trackingNumber: (r) => digits(r, 16) }
const PUROLATOR: Carrier = { provider: '', carrier: 'purolator', trackingNumber: (r) => digits(r, 12) }
const ROYAL_MAIL: Carrier = { provider: 'royalmail', carrier: '', trackingNumber: (r) => `${letters(r, 2)}${digits(r, 9)}GB` }
// A third-party shipping provider BigCommerce generates no link for (the worker builds DHL's, not DPD's).
const DPD_APP: Carrier = { provider: 'carrier_3', carrier: '', providerName: 'DPD Local', trackingNumber: (r) => digits(r, 14) }
const DHL_APP: Carrier = { provider: 'carrier_5', carrier: '', providerName: 'DHL Express', trackingNumber: (r) => digits(r, 10) }
const DHL_PAKET: Carrier = { provider: '', carrier: 'dhl-germany', trackingNumber: (r) => `00340${digits(r, 15)}` }
const COLISSIMO: Carrier = { provider: '', carrier: 'la-poste-colissimo', trackingNumber: (r) => `6A${digits(r, 11)}` }
const AN_POST: Carrier = { provider: '', carrier: 'an-post', trackingNumber: (r) => `CE${digits(r, 9)}IE` }
const AUSPOST: Carrier = { provider: 'auspost', carrier: '', trackingNumber: (r) => `${letters(r, 3)}${digits(r, 8)}` }
const POSTEN: Carrier = { provider: '', carrier: 'posten-norge', trackingNumber: (r) => `3707${digits(r, 14)}` }
const POSTNL: Carrier = { provider: '', carrier: 'postnl-3s', trackingNumber: (r) => `3S${letters(r, 4)}${digits(r, 9)}` }

const US_CARRIERS = [[UPS, 45], [USPS, 35], [FEDEX, 20]] as const
const CA_CARRIERS = [[CANADA_POST, 60], [PUROLATOR, 25], [UPS, 15]] as const
const EU_CARRIERS = (home: Carrier) => [[home, 70], [DHL, 20], [DHL_APP, 10]] as const

/** Weighted places: mostly the US, then Canada, the UK and the EU, a few in Australia and Norway. */
export const PLACES: readonly (readonly [Place, number])[] = [
  [{ iso2: 'US', country: 'United States', city: 'Austin', state: 'Texas', zip: '78701', currency: 'USD', tax: 0.0825, carriers: US_CARRIERS }, 20],
  [{ iso2: 'US', country: 'United States', city: 'Brooklyn', state: 'New York', zip: '11201', currency: 'USD', tax: 0.08875, carriers: US_CARRIERS }, 18],
  [{ iso2: 'US', country: 'United States', city: 'Portland', state: 'Oregon', zip: '97205', currency: 'USD', tax: 0, carriers: US_CARRIERS }, 12],
  [{ iso2: 'US', country: 'United States', city: 'Chicago', state: 'Illinois', zip: '60614', currency: 'USD', tax: 0.1025, carriers: US_CARRIERS }, 12],
  [{ iso2: 'US', country: 'United States', city: 'San Diego', state: 'California', zip: '92101', currency: 'USD', tax: 0.0775, carriers: US_CARRIERS }, 12],
  [{ iso2: 'CA', country: 'Canada', city: 'Toronto', state: 'Ontario', zip: 'M5V 2T6', currency: 'CAD', tax: 0.13, carriers: CA_CARRIERS }, 4],
  [{ iso2: 'CA', country: 'Canada', city: 'Montréal', state: 'Québec', zip: 'H2X 1Y4', currency: 'CAD', tax: 0.14975, carriers: CA_CARRIERS }, 3],
  [{ iso2: 'GB', country: 'United Kingdom', city: 'London', state: '', zip: 'EC1A 1BB', currency: 'GBP', tax: 0.2, carriers: [[ROYAL_MAIL, 65], [DPD_APP, 20], [DHL, 15]] }, 6],
  [{ iso2: 'GB', country: 'United Kingdom', city: 'Manchester', state: 'Greater Manchester', zip: 'M1 1AE', currency: 'GBP', tax: 0.2, carriers: [[ROYAL_MAIL, 65], [DPD_APP, 20], [DHL, 15]] }, 2],
  [{ iso2: 'DE', country: 'Germany', city: 'Berlin', state: 'Berlin', zip: '10115', currency: 'EUR', tax: 0.19, carriers: EU_CARRIERS(DHL_PAKET) }, 3],
  [{ iso2: 'DE', country: 'Germany', city: 'München', state: 'Bayern', zip: '80331', currency: 'EUR', tax: 0.19, carriers: EU_CARRIERS(DHL_PAKET) }, 2],
  [{ iso2: 'FR', country: 'France', city: 'Paris', state: '', zip: '75001', currency: 'EUR', tax: 0.2, carriers: EU_CARRIERS(COLISSIMO) }, 2],
  [{ iso2: 'IE', country: 'Ireland', city: 'Dublin', state: 'Dublin', zip: 'D02 X285', currency: 'EUR', tax: 0.23, carriers: EU_CARRIERS(AN_POST) }, 1],
  [{ iso2: 'NL', country: 'Netherlands', city: 'Amsterdam', state: '', zip: '1012 AB', currency: 'EUR', tax: 0.21, carriers: EU_CARRIERS(POSTNL) }, 1],
  [{ iso2: 'NO', country: 'Norway', city: 'Oslo', state: '', zip: '0150', currency: 'USD', tax: 0.25, carriers: [[POSTEN, 70], [DHL, 30]] }, 1],
  [{ iso2: 'AU', country: 'Australia', city: 'Sydney', state: 'New South Wales', zip: '2000', currency: 'USD', tax: 0.1, carriers: [[AUSPOST, 80], [DHL, 20]] }, 2],
  [{ iso2: 'AU', country: 'Australia', city: 'Melbourne', state: 'Victoria', zip: '3000', currency: 'USD', tax: 0.1, carriers: [[AUSPOST, 80], [DHL, 20]] }, 1],
]

export interface ShipmentOptions { provider: string; carrier: string; providerName?: string; trackingNumber: string }

/** The shipment options a merchant shipping to `place` would enter. */
export function shipmentFor(place: Place, random: Random): ShipmentOptions {
  const { trackingNumber, ...carrier } = random.weighted(place.carriers)
  return { ...carrier, trackingNumber: trackingNumber(random) }
}

/** The same for a country code (an order's `billing_address.country_iso2`); US carriers for other countries. */
export function shipmentTo(iso2: string, random: Random): ShipmentOptions {
  const place = PLACES.find(([p]) => p.iso2 === iso2)?.[0] ?? PLACES[0]![0]
  return shipmentFor(place, random)
}

/** A place as an order's billing or shipping address (v2 order address fields). */
export function orderAddress(place: Place) {
  return { city: place.city, state: place.state, zip: place.zip, country: place.country, country_iso2: place.iso2 }
}

/** A place as a customer's saved address (customers.v3.yml `address_Full` fields). */
export function savedAddress(place: Place, street: string) {
  return {
    address1: street, city: place.city, state_or_province: place.state, postal_code: place.zip,
    country_code: place.iso2, country: place.country,
  }
}
