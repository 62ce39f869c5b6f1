/**
 * A few B2B companies on a seeded BigCommerce store: customers who already ordered become company users (their
 * history becomes the company's), each company with an address book, most approved, one still pending. Like
 * `seedStore`, it emits no webhooks: the worker finds them through its daily reconciliation, as it finds
 * companies B2B Edition's bulk creation never announced.
 */
import { createRandom } from '../shared/prng'
import type { B2BStore } from './store'

export interface CompanySeedOptions {
  companies?: number
  seed?: number
}

export interface CompanySeedSummary {
  companies: number
  users: number
}

const NAMES = ['Northwind Traders', 'Blue Fern Landscaping', 'Terrarium Works Ltd', 'Greenhouse Supply Co', 'Moss & Stone Interiors', 'Urban Jungle Offices']
const PLACES = [
  { city: 'Austin', stateName: 'Texas', stateCode: 'TX', countryName: 'United States', countryCode: 'US', zipCode: '78701', street: '500 Congress Ave' },
  { city: 'Toronto', stateName: 'Ontario', stateCode: 'ON', countryName: 'Canada', countryCode: 'CA', zipCode: 'M5V 2T6', street: '100 King St W' },
  { city: 'Berlin', stateName: 'Berlin', stateCode: 'BE', countryName: 'Germany', countryCode: 'DE', zipCode: '10117', street: 'Friedrichstraße 68' },
  { city: 'Manchester', stateName: '', stateCode: '', countryName: 'United Kingdom', countryCode: 'GB', zipCode: 'M1 1AE', street: '1 Piccadilly' },
]

export function seedCompanies(store: B2BStore, options: CompanySeedOptions = {}): CompanySeedSummary {
  const random = createRandom(options.seed ?? 7)
  const bigcommerce = store.bigcommerce
  const taken = new Set([...store.users.values()].map((u) => u.customerId))
  // Customers with the most orders first: a company's figures are worth seeing.
  const orderCounts = new Map<number, number>()
  for (const order of bigcommerce.orders.values()) {
    if (order.customer_id > 0) orderCounts.set(order.customer_id, (orderCounts.get(order.customer_id) ?? 0) + 1)
  }
  const buyers = [...orderCounts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([id]) => id).filter((id) => !taken.has(id))
  const count = Math.min(options.companies ?? 4, NAMES.length)
  let users = 0
  for (let i = 0; i < count && buyers.length; i++) {
    const admin = bigcommerce.customers.get(buyers.shift()!)!
    const place = PLACES[i % PLACES.length]!
    const domain = NAMES[i]!.toLowerCase().replace(/[^a-z]+/g, '') + '.example'
    const { value } = store.createCompany({
      companyName: NAMES[i],
      companyPhone: `+1 555 01${String(i).padStart(2, '0')}`,
      companyEmail: `orders@${domain}`,
      country: place.countryCode,
      adminFirstName: admin.first_name || 'Admin',
      adminLastName: admin.last_name || 'User',
      adminEmail: admin.email,
      customerGroupId: 1 + (i % 2),
      companyStatus: i === count - 1 && count > 2 ? 0 : 1,
    })
    users++
    const companyId = value.company.companyId
    for (let extra = random.int(0, 2); extra > 0 && buyers.length; extra--) {
      const buyer = bigcommerce.customers.get(buyers.shift()!)!
      store.createUser({ companyId, email: buyer.email, firstName: buyer.first_name || 'Buyer', lastName: buyer.last_name || 'User', role: 1, channelIds: [1] })
      users++
    }
    const { street, ...rest } = place
    store.createAddress({
      companyId,
      firstName: admin.first_name || 'Accounts',
      lastName: admin.last_name || 'Payable',
      addressLine1: street,
      ...rest,
      isBilling: true,
      isShipping: true,
      isDefaultBilling: true,
      isDefaultShipping: true,
      label: 'Head office',
    })
  }
  return { companies: Math.min(count, store.companies.size), users }
}
