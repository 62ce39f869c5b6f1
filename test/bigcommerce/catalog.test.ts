import { env } from 'cloudflare:workers'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BigCommerceClient } from '../../src/bigcommerce/bigcommerce-client'
import { catalogReads } from '../../src/bigcommerce/catalog-reads'
import { createCatalogLookups, forgetCatalogEntry } from '../../src/db/catalog'
import { clearHosts, serveHost } from '../support/network'

const HOST = 'bigcommerce.standin'
let requests: string[]
let failing: boolean

const CATALOG: Record<string, unknown> = {
  '/v3/catalog/products/77': { data: { id: 77, name: 'Towel', categories: [23, 19], brand_id: 36 } },
  '/v3/catalog/products/78': { data: { id: 78, name: 'Mug', categories: [23], brand_id: 0 } },
  '/v3/catalog/products/79': { data: { id: 79, name: 'Loose', categories: [] } },
  '/v3/catalog/categories/23': { data: { id: 23, parent_id: 0, name: 'Kitchen' } },
  '/v3/catalog/categories/19': { data: { id: 19, parent_id: 0, name: 'Bath' } },
  '/v3/catalog/brands/36': { data: { id: 36, name: 'Fog Linen' } },
  '/v3/channels/1': {
    data: {
      id: 1, name: 'Main store', type: 'storefront', platform: 'bigcommerce', status: 'active',
      currencies: { channel_id: 1, enabled_currencies: ['USD', 'cad'], default_currency: 'USD' },
    },
  },
  '/v3/channels/1/site': {
    data: {
      id: 1000, channel_id: 1, url: 'https://www.main.example/',
      urls: [{ url: 'https://www.main.example/', type: 'primary' }, { url: 'https://checkout.main.example', type: 'checkout' }],
    },
  },
}

beforeEach(async () => {
  requests = []
  failing = false
  for (const table of ['catalog_categories', 'catalog_brands', 'catalog_products', 'catalog_channels']) {
    await env.DB.prepare(`DELETE FROM ${table}`).run()
  }
  serveHost(HOST, (request) => {
    const path = new URL(request.url).pathname.replace('/stores/teststore', '')
    requests.push(path)
    if (failing) return new Response('{}', { status: 503 })
    const body = CATALOG[path]
    return body ? Response.json(body) : Response.json({ status: 404, title: 'Not found' }, { status: 404 })
  })
})
afterEach(() => clearHosts())

const client = () =>
  new BigCommerceClient({
    apiBase: `http://${HOST}`,
    storeHash: 'teststore',
    accessToken: 'bc-test-token',
    maxAttempts: 1,
    sleep: async () => {},
  })

describe('createCatalogLookups', () => {
  it("resolves a product's first category, brands and channels", async () => {
    const lookups = createCatalogLookups(env.DB, catalogReads(client()), () => new Date('2026-01-01T00:00:00Z'))
    expect(await lookups.productCategory(77)).toBe('Kitchen')
    expect(await lookups.productCategory(79)).toBeNull()
    expect(await lookups.brandName(36)).toBe('Fog Linen')
    expect(await lookups.categoryName(19)).toBe('Bath')
    expect(await lookups.channel(1)).toEqual({
      id: 1, name: 'Main store', type: 'storefront', platform: 'bigcommerce', status: 'active',
      siteUrl: 'https://www.main.example/', siteOrigins: ['https://www.main.example', 'https://checkout.main.example'],
      defaultCurrency: 'USD', currencies: ['USD', 'CAD'],
    })
    expect(await lookups.channel(9)).toBeNull()
    // Links of a channel without a site (here: one BigCommerce does not know) go to the default storefront.
    expect(await lookups.storefrontUrl(1)).toBe('https://www.main.example')
    expect(await lookups.storefrontUrl(9)).toBe('https://www.main.example')
    expect(await lookups.productCategory(404)).toBeNull()
  })

  it('serves repeated lookups from D1 until the TTL passes, across instances', async () => {
    let now = new Date('2026-01-01T00:00:00Z')
    const first = createCatalogLookups(env.DB, catalogReads(client()), () => now)
    await Promise.all([first.productCategory(77), first.productCategory(78), first.productCategory(77)])
    // Two products, one shared category fetched once.
    expect(requests.sort()).toEqual(['/v3/catalog/categories/23', '/v3/catalog/products/77', '/v3/catalog/products/78'])

    requests = []
    const second = createCatalogLookups(env.DB, catalogReads(client()), () => now)
    expect(await second.productCategory(77)).toBe('Kitchen')
    expect(await second.productCategory(404)).toBeNull() // the 404 is cached as well
    requests = []
    expect(await second.productCategory(404)).toBeNull()
    expect(requests).toEqual([])

    now = new Date('2026-01-02T00:00:01Z')
    requests = []
    const later = createCatalogLookups(env.DB, catalogReads(client()), () => now, { ttlMs: 24 * 3600_000 })
    expect(await later.productCategory(77)).toBe('Kitchen')
    expect(requests).toEqual(['/v3/catalog/products/77', '/v3/catalog/categories/23'])
  })

  it('answers with the stale row when a refetch fails, and fails without one', async () => {
    let now = new Date('2026-01-01T00:00:00Z')
    await createCatalogLookups(env.DB, catalogReads(client()), () => now).brandName(36)
    now = new Date('2026-01-03T00:00:00Z')
    failing = true
    const lookups = createCatalogLookups(env.DB, catalogReads(client()), () => now)
    expect(await lookups.brandName(36)).toBe('Fog Linen')
    await expect(lookups.categoryName(23)).rejects.toMatchObject({ status: 503, retryable: true })
  })

  it("remembering, asks D1 once per fact for the instance's life, and never remembers a failure", async () => {
    let queries = 0
    const db = new Proxy(env.DB, {
      get(target, key) {
        if (key === 'prepare') return (query: string) => (queries++, target.prepare(query))
        const value = Reflect.get(target, key) as unknown
        return typeof value === 'function' ? value.bind(target) : value
      },
    })
    const at = new Date('2026-01-01T00:00:00Z')
    await createCatalogLookups(db, catalogReads(client()), at).productCategory(77) // primes D1, as the products phase does

    const plain = createCatalogLookups(db, catalogReads(client()), at)
    queries = 0
    await plain.productCategory(77)
    const perLookup = queries
    await plain.productCategory(77)
    expect(queries).toBe(perLookup * 2) // each lookup reads D1 again

    queries = 0
    requests = []
    const remembering = createCatalogLookups(db, catalogReads(client()), at, { remember: true })
    for (let i = 0; i < 3; i++) expect(await remembering.productCategory(77)).toBe('Kitchen')
    expect(queries).toBe(perLookup)
    expect(requests).toEqual([])

    failing = true
    await expect(remembering.brandName(36)).rejects.toMatchObject({ status: 503 })
    failing = false
    expect(await remembering.brandName(36)).toBe('Fog Linen')
  })

  it('forgets an entry so the next lookup refetches it', async () => {
    const lookups = () => createCatalogLookups(env.DB, catalogReads(client()), new Date('2026-01-01T00:00:00Z'))
    await lookups().productCategory(78)
    await forgetCatalogEntry(env.DB, 'product', 78)
    requests = []
    await lookups().productCategory(78)
    expect(requests).toEqual(['/v3/catalog/products/78'])
  })
})
