import type { CatalogLoader } from '../domain/catalog-lookups'
import type { BigCommerceClient } from './bigcommerce-client'
import { v3Brand, v3Category, v3One, v3Product } from './resources'
import { readChannel } from './channel-reads'

/** The catalog facts the catalog cache (src/db/catalog.ts) keeps, read from BigCommerce: one call each (a channel's site one more). */
export function catalogReads(client: BigCommerceClient): CatalogLoader {
  const nameOf = (path: string, parse: (raw: unknown) => { data: { name: string } }) => async (id: number) => {
    const raw = await client.v3(`${path}/${id}`)
    return raw === null ? null : { name: parse(raw).data.name.trim() || null }
  }
  const category = v3One(v3Category)
  const brand = v3One(v3Brand)
  const productFacts = v3One(v3Product.pick({ id: true, categories: true, brand_id: true }))
  return {
    category: nameOf('/catalog/categories', (raw) => category.parse(raw)),
    brand: nameOf('/catalog/brands', (raw) => brand.parse(raw)),
    async product(id) {
      const raw = await client.v3(`/catalog/products/${id}`, { include_fields: 'categories,brand_id' })
      const facts = raw === null ? null : productFacts.parse(raw).data
      return facts === null ? null : { firstCategoryId: facts.categories[0] ?? null, brandId: facts.brand_id ?? null }
    },
    channel: (id) => readChannel(client, id),
  }
}
