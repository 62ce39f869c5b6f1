import { normalizeProductVariants } from '../bigcommerce/normalize/normalize-product'
import { v3Brand, v3Category, v3Product, v3Variant, type V3Product, type V3Variant } from '../bigcommerce/resources'
import { primeBrands, primeCategories, primeProducts } from '../db/catalog'
import { hubspotWriter } from '../durable/stubs'
import { productRecords } from '../hubspot/mapping/product-records'
import type { ProductVariant } from '../domain/model'
import type { Phase, PhaseContext } from './phase-context'
import { fetchGrouped, v3Page, v3Total } from './listing'
import { parseRecord } from './skip'

const PAGE = 250
/** Products whose variants go to the writer in one call. */
const CHUNK = 100

/**
 * The whole catalog, one HubSpot product per variant, whatever `since` says: it is not history, it costs
 * one call per 250 products, and imported line items need their products to associate with. Categories and
 * brands are listed once (250 a call) and each product's first category and brand are written to the catalog
 * cache, so the orders phase finds them there instead of fetching every product one by one. A page is
 * staged as its products' variants, ready for HubSpot.
 */
export const productsPhase: Phase<ProductVariant[]> = {
  name: 'products',
  listCalls: 1,
  chunk: CHUNK,

  async list(ctx, cursor) {
    const at = cursor ? (JSON.parse(cursor) as { page: number }).page : 1
    if (at === 1) await primeTaxonomy(ctx)
    const body = v3Page.parse((await ctx.client.v3('/catalog/products', { limit: PAGE, page: at, include: 'variants' })) ?? { data: [] })
    const valid = body.data.map((raw) => parseRecord(v3Product, raw)).filter((p): p is V3Product => p !== null)
    await primeProducts(
      ctx.env.DB,
      valid.map((p) => ({ id: p.id, firstCategoryId: p.categories[0] ?? null, brandId: p.brand_id })),
      ctx.now().getTime(),
    )
    const variants = await variantsOf(ctx, valid)
    const records = await Promise.all(
      valid.map(async (product) => {
        const first = product.categories[0]
        const [category, brand] = await Promise.all([
          first !== undefined ? ctx.lookups.categoryName(first) : null,
          product.brand_id !== null ? ctx.lookups.brandName(product.brand_id) : null,
        ])
        return normalizeProductVariants(product, variants.get(product.id) ?? [], { category, brand })
      }),
    )
    const next = body.data.length < PAGE ? null : JSON.stringify({ page: at + 1 })
    return { records, unusable: body.data.length - valid.length, next, total: v3Total(body) }
  },

  applyCalls: () => ({ bigcommerce: 0, outbound: 1 }),

  async apply(ctx, records) {
    ctx.budget.spend()
    await hubspotWriter(ctx.env).enqueue(productRecords(records.flat()), [], 'bulk')
    return { skipped: 0 }
  },
}

/** The variants `include=variants` brought, else one batched call for the products that came without. */
async function variantsOf(ctx: PhaseContext, products: V3Product[]): Promise<Map<number, V3Variant[]>> {
  const byProduct = new Map<number, V3Variant[]>()
  const missing: number[] = []
  for (const product of products) {
    if (product.variants) byProduct.set(product.id, product.variants)
    else missing.push(product.id)
  }
  const request = { path: '/catalog/variants', filter: 'product_id', ids: missing, perCall: 50 }
  for (const [id, fetched] of await fetchGrouped(ctx, request, v3Variant, (v) => v.product_id)) {
    byProduct.set(id, [...(byProduct.get(id) ?? []), ...fetched])
  }
  return byProduct
}

/** Every category and brand name into the catalog cache: a few calls instead of one per name. */
async function primeTaxonomy(ctx: PhaseContext): Promise<void> {
  const fetchedAt = ctx.now().getTime()
  for (const [path, schema, prime] of [
    ['/catalog/categories', v3Category, primeCategories],
    ['/catalog/brands', v3Brand, primeBrands],
  ] as const) {
    for await (const result of ctx.client.v3List(path)) {
      const rows = result.items.flatMap((raw) => {
        const row = parseRecord(schema, raw)
        return row ? [{ id: row.id, name: row.name.trim() || null }] : []
      })
      await prime(ctx.env.DB, rows, fetchedAt)
    }
  }
}
