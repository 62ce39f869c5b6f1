/**
 * A deterministic, realistic store history (same seed and `now` → same store): a catalog with options and
 * variants, three channels (storefront 1, Amazon, a Square POS), customers (some with phones, some
 * accepting abandoned-cart emails), subscribers with and without consents, about two years of orders
 * (repeat buyers, guests, marketplace and POS orders, every status, shipments, partial and full refunds,
 * coupons, EUR/GBP/CAD orders in a USD store) and a few open carts. Shoppers live in the US, Canada, the UK,
 * the EU, Norway and Australia (geography.ts), and parcels go by each country's usual carriers, with their
 * tracking numbers. History emits no webhooks.
 * 5,000 customers and 20,000 orders take about a second.
 */
import { createRandom, type Random } from '../shared/prng'
import { orderAddress, PLACES, savedAddress, shipmentFor, type Place } from './geography'
import type { BigCommerceStore, CouponInput, LineInput } from './store'
import type { Address, Channel, Customer, SubscriberConsent, Variant } from './types'

export interface SeedOptions {
  customers?: number
  orders?: number
  /** Open carts (default about 1% of customers, 3 to 50). */
  carts?: number
  seed?: number
  /** Epoch ms the history ends at (default the store's clock). */
  now?: number
  /**
   * A second storefront channel (Multi-Storefront) with its own site: about a quarter of storefront orders and
   * carts go to it, and a quarter of the customers also hold an account there under the same email.
   */
  secondStorefront?: { name: string; siteUrl: string; currencies?: string[] }
}

export interface SeedSummary {
  customers: number
  guestsEmails: number
  subscribers: number
  orders: number
  products: number
  variants: number
  shipments: number
  refunds: number
  carts: number
  channels: { storefront: number; marketplace: number; pos: number; secondStorefront?: number }
  /** Accounts on the second storefront (each sharing its email with an account on the first). */
  secondStorefrontAccounts?: number
}

const DAY = 86_400_000

const FIRST_NAMES = ['Olivia', 'Liam', 'Emma', 'Noah', 'Ava', 'Oliver', 'Sophia', 'Elijah', 'Isabella', 'James',
  'Mia', 'William', 'Amelia', 'Benjamin', 'Harper', 'Lucas', 'Evelyn', 'Henry', 'Abigail', 'Alexander', 'Emily',
  'Mateo', 'Ella', 'Daniel', 'Chloe', 'Sebastian', 'Grace', 'Jack', 'Zoe', 'Aiden', 'Nora', 'Samuel', 'Lily',
  'Owen', 'Hannah', 'Leo', 'Aria', 'Ethan', 'Layla', 'Miguel', 'Priya', 'Wei', 'Fatima', 'Hiroshi', 'Ingrid']
const LAST_NAMES = ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez',
  'Martinez', 'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson',
  'Martin', 'Lee', 'Perez', 'Thompson', 'White', 'Harris', "O'Brien", 'Clark', 'Lewis', 'Robinson', 'Walker',
  'Young', 'Allen', 'King', 'Wright', 'Scott', 'Nguyen', 'Patel', 'Kim', 'Müller', 'Schmidt', 'Dubois']
const DOMAINS = ['gmail.com', 'yahoo.com', 'outlook.com', 'icloud.com', 'hotmail.com', 'proton.me', 'example.com']


const CATALOG: readonly { category: string; parent?: string; products: readonly [string, number][] }[] = [
  { category: 'Kitchen', products: [['Cast Iron Skillet 10"', 39], ['Chef Knife 8"', 89], ['Olive Wood Spoon Set', 24], ['Linen Apron', 32]] },
  { category: 'Coffee & Tea', parent: 'Kitchen', products: [['Pour-Over Kettle', 54], ['Ceramic Dripper', 28], ['Single Origin Beans 12oz', 18.5], ['Matcha Whisk Set', 36]] },
  { category: 'Bath', products: [['Waffle Bath Towel', 42], ['Cedar Bath Mat', 58], ['Lavender Soap Bar', 9.5], ['Bamboo Toothbrush 4-Pack', 12]] },
  { category: 'Bedding', products: [['Washed Linen Duvet Cover', 229], ['Percale Sheet Set', 149], ['Wool Throw Blanket', 119]] },
  { category: 'Apparel', products: [['Merino Crew Sweater', 128], ['Organic Canvas Tote', 29], ['Everyday Hoodie', 78], ['Wool Socks 3-Pack', 27]] },
  { category: 'Outdoor', products: [['Insulated Water Bottle', 34], ['Camp Enamel Mug', 16], ['Packable Rain Shell', 165], ['Trail Daypack 22L', 99]] },
  { category: 'Garden', products: [['Orbit Terrarium - Small', 59], ['Herb Planter Trio', 44], ['Copper Watering Can', 72]] },
  { category: 'Pantry', products: [['Smoked Sea Salt', 11], ['Wildflower Honey', 16], ['Chili Crisp', 13.5], ['Maple Syrup Grade A', 21]] },
  { category: 'Gifts', products: [['Candle Gift Set', 48], ['Letterpress Card Pack', 19], ['Gift Box - Deluxe', 95]] },
]
const BRANDS = ['Common Good', 'Field & Fern', 'Northwind Goods', 'Hearth Supply', 'Tidewater', 'Alder Co.', 'Kinfolk Pantry', 'Lumen']

const COUPONS: readonly (readonly [CouponInput, number])[] = [
  [{ code: 'WELCOME10', type: 1, amount: 10 }, 4],
  [{ code: 'SPRING15', type: 1, amount: 15 }, 2],
  [{ code: 'SAVE5', type: 2, amount: 5 }, 3],
  [{ code: 'FREESHIP', type: 4, amount: 0 }, 2],
]

/** Status ids by weight, for orders older than 30 days and for recent ones. */
const OLD_STATUSES: readonly (readonly [number, number])[] = [
  [10, 44], [2, 24], [14, 5], [4, 4], [5, 4], [6, 2], [0, 5], [1, 2], [7, 1], [3, 1], [13, 0.5], [12, 0.5], [8, 0.5], [11, 0.5],
]
const RECENT_STATUSES: readonly (readonly [number, number])[] = [
  [11, 28], [9, 8], [2, 28], [10, 10], [7, 5], [1, 3], [0, 6], [3, 3], [14, 3], [4, 1], [5, 2], [6, 1], [12, 1], [8, 1],
]

export function seedStore(store: BigCommerceStore, options: SeedOptions = {}): SeedSummary {
  const random = createRandom(options.seed ?? 42)
  // Addresses and carriers draw from their own stream, so they vary without reshuffling the history.
  const geo = createRandom((options.seed ?? 42) + 0x9e37)
  const now = options.now ?? store.clock()
  const customerCount = options.customers ?? 300
  const orderCount = options.orders ?? 3000
  const start = now - 730 * DAY

  const channels = seedChannels(store, start, options.secondStorefront)
  const variants = seedCatalog(store, random, start)
  const customers = seedCustomers(store, random, geo, customerCount, start, now)
  // The second storefront draws from its own stream: a store seeded without one is the same store as before.
  const second = channels.secondStorefront === undefined ? undefined
    : secondStorefrontAccounts(store, createRandom((options.seed ?? 42) + 0x2f5), customers, channels.secondStorefront)
  const guestEmails = makeGuestEmails(random, Math.max(5, Math.round(orderCount * 0.1)))
  seedSubscribers(store, random, customers, guestEmails, now)

  const counts = { shipments: 0, refunds: 0 }
  const times = Array.from({ length: orderCount }, () => start + Math.floor(random.next() * (now - start - 60_000)))
    .sort((a, b) => a - b)
  let known = 0
  for (const at of times) {
    while (known < customers.length && customers[known]!.createdAt <= at) known++
    seedOrder(store, random, { at, now, variants, customers, known, guestEmails, channels, counts, geo, second })
  }

  const cartCount = options.carts ?? Math.min(50, Math.max(3, Math.round(customerCount * 0.01)))
  for (let i = 0; i < cartCount; i++) seedCart(store, random, customers, variants, now, second)

  return {
    customers: customers.length,
    guestsEmails: guestEmails.length,
    subscribers: store.subscribers.size,
    orders: orderCount,
    products: store.products.size,
    variants: store.variants.size,
    shipments: counts.shipments,
    refunds: counts.refunds,
    carts: cartCount,
    channels,
    ...(second ? { secondStorefrontAccounts: second.accounts.size } : {}),
  }
}

function seedChannels(store: BigCommerceStore, at: number, secondStorefront: SeedOptions['secondStorefront']): SeedSummary['channels'] {
  const existing = (type: Channel['type']) => [...store.channels.values()].find((c) => c.type === type)?.id
  const marketplace = existing('marketplace') ??
    store.createChannel({ name: 'Amazon US', type: 'marketplace', platform: 'amazon', at }).value.id
  const pos = existing('pos') ??
    store.createChannel({ name: 'Square POS - Main Street', type: 'pos', platform: 'square', at }).value.id
  if (!secondStorefront) return { storefront: 1, marketplace, pos }
  const id = [...store.channels.values()].find((c) => c.name === secondStorefront.name && c.type === 'storefront')?.id ??
    store.createChannel({
      name: secondStorefront.name, type: 'storefront', platform: 'bigcommerce', siteUrl: secondStorefront.siteUrl,
      currencies: secondStorefront.currencies, at,
    }).value.id
  return { storefront: 1, marketplace, pos, secondStorefront: id }
}

/** The second storefront: its channel, its stream of choices, and the accounts there of first-storefront customers. */
interface SecondStorefront {
  channelId: number
  random: Random
  /** Customer id on the first storefront → the same person's account on the second. */
  accounts: Map<number, Customer>
}

function secondStorefrontAccounts(store: BigCommerceStore, random: Random, customers: SeededCustomer[], channelId: number): SecondStorefront {
  const accounts = new Map<number, Customer>()
  for (const { customer, createdAt } of customers) {
    if (!random.chance(0.25)) continue
    const account = store.createCustomer({
      email: customer.email, firstName: customer.first_name, lastName: customer.last_name, phone: customer.phone,
      originChannelId: channelId, channelIds: [channelId], address: false, at: createdAt + random.int(1, 200) * DAY,
    }).value
    accounts.set(customer.id, account)
  }
  return { channelId, random, accounts }
}

function seedCatalog(store: BigCommerceStore, random: Random, start: number): Variant[] {
  const at = start - 60 * DAY
  const brandIds = BRANDS.filter((name) => ![...store.brands.values()].some((b) => b.name === name))
    .map((name) => store.createBrand({ name }).value.id)
  const categoryIds = new Map<string, number>()
  let sku = 1000
  for (const entry of CATALOG) {
    const parentId = entry.parent ? categoryIds.get(entry.parent) : undefined
    const category = store.createCategory({ name: entry.category, parentId, at }).value
    categoryIds.set(entry.category, category.id)
    for (const [name, price] of entry.products) {
      const options = entry.category === 'Apparel'
        ? [{ displayName: 'Size', values: ['XS', 'S', 'M', 'L', { label: 'XL', priceAdjust: 4 }] },
          ...(random.chance(0.5) ? [{ displayName: 'Color', values: ['Oat', 'Charcoal', 'Moss'] }] : [])]
        : random.chance(0.25) ? [{ displayName: random.pick(['Finish', 'Scent', 'Size']), values: ['Classic', 'Natural', { label: 'Large', priceAdjust: 10 }] }]
        : undefined
      const secondCategory = entry.category !== 'Gifts' && random.chance(0.15) ? [categoryIds.get('Gifts') ?? category.id] : []
      store.createProduct({
        name, price, sku: `SKU-${sku++}`, categories: [...new Set([category.id, ...secondCategory])],
        brandId: random.pick(brandIds), options, weight: random.int(1, 40) / 10,
        description: `<p>${name}: made to last, from our ${entry.category.toLowerCase()} collection.</p>`,
        inventoryLevel: random.int(0, 400), at: at + random.int(0, 30) * DAY,
      })
    }
  }
  return [...store.variants.values()].filter((v) => store.products.get(v.product_id)?.is_visible)
}

interface SeededCustomer { customer: Customer; place: Place; loyalty: number; createdAt: number }

function seedCustomers(store: BigCommerceStore, random: Random, geo: Random, count: number, start: number, now: number): SeededCustomer[] {
  const seeded: SeededCustomer[] = []
  const times = Array.from({ length: count }, () => start - 30 * DAY + Math.floor(random.next() * (now - start)))
    .sort((a, b) => a - b)
  for (let i = 0; i < count; i++) {
    const first = random.pick(FIRST_NAMES)
    const last = random.pick(LAST_NAMES)
    const place = random.weighted(PLACES)
    const local = `${first}.${last}`.toLowerCase().replace(/[^a-z.]/g, '')
    // Mixed case in some stored emails: identity matching must normalize.
    const email = `${random.chance(0.05) ? `${first}.${last}`.replace(/[^A-Za-z.]/g, '') : local}${i + 1}@${random.pick(DOMAINS)}`
    const createdAt = times[i]!
    const address = {
      first_name: first, last_name: last,
      ...savedAddress(place, `${random.int(1, 999)} ${random.pick(['Oak', 'Main', 'Elm', 'High', 'Mill'])} Street`),
    }
    const customer = store.createCustomer({
      email,
      firstName: first,
      lastName: last,
      phone: random.chance(0.6) ? phoneFor(random, place.iso2) : '',
      company: random.chance(0.08) ? `${last} ${random.pick(['Design', 'Studio', 'LLC', 'Trading'])}` : '',
      acceptsAbandonedCartEmails: random.chance(0.45),
      customerGroupId: random.chance(0.05) ? 1 : 0,
      // Some accounts never saved an address: their region comes from their orders' billing addresses.
      address: geo.chance(0.1) ? false : address,
      at: createdAt,
    }).value
    // A few keep a second address (a gift recipient's, often abroad); the first saved stays their default.
    if (geo.chance(0.05)) {
      const other = geo.weighted(PLACES)
      store.addCustomerAddress(customer.id, {
        first_name: geo.pick(FIRST_NAMES), last_name: last, ...savedAddress(other, `${geo.int(1, 999)} Station Road`),
      }, createdAt)
    }
    const loyalty = random.weighted([[1, 70], [4, 22], [12, 8]] as const)
    seeded.push({ customer, place, loyalty, createdAt })
  }
  return seeded
}

function seedSubscribers(store: BigCommerceStore, random: Random, customers: SeededCustomer[], guestEmails: string[], now: number): void {
  const consentChoices: readonly (readonly [SubscriberConsent[], number])[] = [
    [['marketing_newsletter', 'abandoned_cart'], 40], [['marketing_newsletter'], 30], [['abandoned_cart'], 10], [[], 20],
  ]
  for (const { customer } of customers) {
    if (!random.chance(0.4)) continue
    store.upsertSubscriber(customer.email, random.weighted(consentChoices), {
      firstName: customer.first_name, lastName: customer.last_name, source: 'storefront',
      at: Math.min(now, customer.createdAt + random.int(0, 90) * DAY),
    })
  }
  for (const email of guestEmails) {
    if (!random.chance(0.15)) continue
    store.upsertSubscriber(email, random.weighted(consentChoices), { source: 'storefront', at: now - random.int(1, 700) * DAY })
  }
}

function makeGuestEmails(random: Random, count: number): string[] {
  return Array.from({ length: count }, (_, i) =>
    `${random.pick(FIRST_NAMES).toLowerCase()}${random.pick(['', '.', '_'])}${random.pick(LAST_NAMES).toLowerCase().replace(/[^a-z]/g, '')}.g${i + 1}@${random.pick(DOMAINS)}`)
}

interface OrderContext {
  at: number
  now: number
  variants: Variant[]
  customers: SeededCustomer[]
  known: number
  guestEmails: string[]
  channels: SeedSummary['channels']
  counts: { shipments: number; refunds: number }
  geo: Random
  second?: SecondStorefront
}

function seedOrder(store: BigCommerceStore, random: Random, ctx: OrderContext): void {
  const { at, now } = ctx
  const channel = random.weighted([['storefront', 80], ['marketplace', 12], ['pos', 8]] as const)
  const buyer = channel === 'marketplace' ? undefined : pickCustomer(random, ctx)
  const place = buyer?.place ?? random.weighted(PLACES)
  const recent = now - at < 30 * DAY
  const status = channel === 'pos' ? random.weighted([[10, 90], [4, 4], [14, 3], [5, 3]] as const)
    : random.weighted(recent ? RECENT_STATUSES : OLD_STATUSES)

  const lines: LineInput[] = Array.from({ length: random.weighted([[1, 50], [2, 30], [3, 14], [4, 6]] as const) }, () => {
    const variant = random.pick(ctx.variants)
    return { productId: variant.product_id, variantId: variant.id, quantity: random.weighted([[1, 80], [2, 15], [3, 5]] as const) }
  })
  const currency = channel === 'storefront' && place.currency !== 'USD' && random.chance(0.8) ? place.currency : 'USD'
  const email = channel === 'marketplace' ? `${random.hex(14)}@marketplace.amazon.com`
    : buyer ? buyer.customer.email : random.pick(ctx.guestEmails)
  const [first, last] = buyer ? [buyer.customer.first_name, buyer.customer.last_name] : [random.pick(FIRST_NAMES), random.pick(LAST_NAMES)]
  const billing: Partial<Address> = {
    first_name: first, last_name: last, ...orderAddress(place), email, phone: buyer?.customer.phone ?? (random.chance(0.5) ? phoneFor(random, place.iso2) : ''),
    street_1: `${random.int(1, 999)} ${random.pick(['Oak', 'Main', 'Elm', 'High', 'Mill'])} Street`,
  }
  const subtotalGuess = lines.length * 50
  const coupons = channel === 'storefront' && random.chance(0.1) ? [random.weighted(COUPONS)] : []

  const initialStatus = [2, 3, 10, 4, 14].includes(status) ? 11 : status
  // On the second storefront a buyer orders with their account there, if they opened one, else as a guest.
  const second = ctx.second && channel === 'storefront' && ctx.second.random.chance(0.25) ? ctx.second : undefined
  const secondAccount = second && buyer ? second.accounts.get(buyer.customer.id) : undefined
  const account = second ? (secondAccount && secondAccount.createdAt <= at ? secondAccount : undefined) : buyer?.customer
  const order = store.createOrder({
    customerId: account?.id ?? 0,
    email,
    billing,
    lines,
    statusId: initialStatus,
    currency,
    taxRate: channel === 'marketplace' ? 0 : place.tax,
    shippingCost: channel === 'pos' ? 0 : channel === 'marketplace' ? 5.99 : subtotalGuess > 75 ? 0 : random.pick([7.99, 9.99]),
    discount: random.chance(0.03) ? 5 : 0,
    coupons,
    channelId: second ? second.channelId : ctx.channels[channel],
    orderSource: channel === 'marketplace' ? 'amazon' : channel === 'pos' ? 'external' : random.weighted([['www', 85], ['mobile', 10], ['manual', 5]] as const),
    externalSource: channel === 'marketplace' ? 'Amazon' : channel === 'pos' ? 'Square POS' : null,
    externalOrderId: channel === 'marketplace' ? `11${random.int(1, 9)}-${random.int(1000000, 9999999)}-${random.int(1000000, 9999999)}` : '',
    isEmailOptIn: channel === 'storefront' && status !== 0 && random.chance(0.25),
    paymentMethod: status === 0 ? '' : channel === 'pos' && random.chance(0.4) ? 'Cash' : channel === 'marketplace' ? 'Amazon Pay' : 'Credit Card',
    cartId: channel === 'storefront' ? random.uuid() : '',
    at,
  }).value

  let t = at
  const later = (minDays: number, maxDays: number): number => {
    t = Math.min(now - 1000, t + random.int(minDays * 24, maxDays * 24) * 3_600_000 + random.int(0, 3_599_999))
    return Math.max(t, at)
  }
  const ships = channel !== 'pos' && !order.order_is_digital
  if (status === 3) {
    const products = store.orderProducts.get(order.id)!
    const first = products[0]!
    const partial = products.length > 1 ? [{ orderProductId: first.id, quantity: first.quantity }]
      : first.quantity > 1 ? [{ orderProductId: first.id, quantity: 1 }] : undefined
    if (partial) store.addShipment(order.id, partial, { ...shipmentFor(place, ctx.geo), at: later(1, 4) })
    else store.setOrderStatus(order.id, 3, later(1, 4))
    ctx.counts.shipments += partial ? 1 : 0
  }
  if ([2, 10, 4, 14].includes(status) && ships && !(status === 4 && random.chance(0.4))) {
    store.addShipment(order.id, undefined, { ...shipmentFor(place, ctx.geo), at: later(1, 4) })
    ctx.counts.shipments++
  }
  if (status === 10) store.setOrderStatus(order.id, 10, later(3, 9))
  if (status === 4) {
    store.addRefund(order.id, { at: later(2, 20), reason: random.pick(['Item arrived damaged', 'Customer changed their mind', 'Order cancelled after payment']) })
    ctx.counts.refunds++
  }
  if (status === 14) {
    const products = store.orderProducts.get(order.id)!
    const line = random.pick(products)
    const byItem = products.length > 1 || line.quantity > 1
    store.addRefund(order.id, byItem
      ? { items: [{ orderProductId: line.id, quantity: 1 }], at: later(2, 20), reason: 'Returned one item' }
      : { amount: Math.round(Number(order.total_inc_tax) * random.int(15, 40)) / 100, at: later(2, 20), reason: 'Price adjustment' })
    ctx.counts.refunds++
    // A second partial refund now and then.
    if (random.chance(0.1) && store.refundedUnits(order.id) < Number(order.total_inc_tax) * 10_000 * 0.8) {
      store.addRefund(order.id, { amount: 2, at: later(1, 5), reason: 'Goodwill credit' })
      ctx.counts.refunds++
    }
  }
}

function pickCustomer(random: Random, ctx: OrderContext): SeededCustomer | undefined {
  if (ctx.known === 0 || random.chance(0.18)) return undefined
  // Rejection sampling by loyalty: loyal customers come back more often.
  for (;;) {
    const candidate = ctx.customers[Math.floor(random.next() * ctx.known)]!
    if (random.next() * 12 < candidate.loyalty) return candidate
  }
}

function seedCart(store: BigCommerceStore, random: Random, customers: SeededCustomer[], variants: Variant[], now: number,
  second: SecondStorefront | undefined): void {
  const at = now - random.int(10, 72 * 60) * 60_000
  const kind = random.weighted([['customer', 4], ['guest-email', 3], ['anonymous', 3]] as const)
  const buyer = kind === 'customer' && customers.length ? random.pick(customers) : undefined
  const lines = Array.from({ length: random.int(1, 3) }, () => {
    const variant = random.pick(variants)
    return { productId: variant.product_id, variantId: variant.id, quantity: random.int(1, 2) }
  })
  const uniqueLines = [...new Map(lines.map((l) => [l.variantId, l])).values()]
  const onSecond = second !== undefined && second.random.chance(0.25)
  const secondAccount = onSecond && buyer ? second.accounts.get(buyer.customer.id) : undefined
  const cart = store.createCart({
    customerId: onSecond ? secondAccount?.id : buyer?.customer.id,
    channelId: onSecond ? second.channelId : undefined,
    // A customer without an account on the second storefront shops there as a guest, under the same email.
    email: kind === 'guest-email' ? `cart.shopper${random.int(1, 99999)}@${random.pick(DOMAINS)}`
      : onSecond && buyer && !secondAccount ? buyer.customer.email : undefined,
    lines: uniqueLines,
    at,
  }).value
  if (now - at > 3_600_000 && cart.email && random.chance(0.5)) store.abandonCart(cart.id)
}

function phoneFor(random: Random, iso2: string): string {
  const digits = (n: number) => Array.from({ length: n }, () => random.int(0, 9)).join('')
  switch (iso2) {
    case 'GB': return random.pick([`+44 20 ${digits(4)} ${digits(4)}`, `07${digits(3)} ${digits(6)}`])
    case 'DE': return `+49 30 ${digits(8)}`
    case 'FR': return `+33 1 ${digits(2)} ${digits(2)} ${digits(2)} ${digits(2)}`
    case 'IE': return `+353 1 ${digits(7)}`
    case 'NL': return `+31 20 ${digits(3)} ${digits(4)}`
    case 'NO': return `+47 ${digits(4)} ${digits(4)}`
    case 'AU': return `+61 2 ${digits(4)} ${digits(4)}`
    default: {
      const area = random.pick(['512', '718', '503', '312', '619', '416'])
      return random.pick([`(${area}) 555-${digits(4)}`, `+1 ${area}-555-${digits(4)}`, `${area}.555.${digits(4)}`, `1${area}555${digits(4)}`])
    }
  }
}

