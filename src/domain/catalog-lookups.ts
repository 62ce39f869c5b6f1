import type { StoreChannel } from './multi-storefront'

/** Catalog facts order and product hydration need, cached (src/db/catalog.ts) so orders don't refetch them. */
export interface CatalogLookups {
  /** The product's first category name; null when it has none or the product is gone. */
  productCategory(productId: number): Promise<string | null>
  categoryName(categoryId: number): Promise<string | null>
  brandName(brandId: number): Promise<string | null>
  /** The channel (its name, type, platform, site), null when BigCommerce has none by that id. */
  channel(channelId: number): Promise<StoreChannel | null>
  /** The channel's storefront URL: its site, else the default storefront's (db/storefronts.ts `storefrontUrl`). */
  storefrontUrl(channelId: number): Promise<string | null>
}

/**
 * Where the catalog cache (src/db/catalog.ts) gets a fact it lacks or holds too long: BigCommerce's catalog
 * (src/bigcommerce/catalog-reads.ts). Each answers null when the store has nothing by that id.
 */
export interface CatalogLoader {
  category(id: number): Promise<{ name: string | null } | null>
  brand(id: number): Promise<{ name: string | null } | null>
  /** The product's first category and its brand. */
  product(id: number): Promise<{ firstCategoryId: number | null; brandId: number | null } | null>
  channel(id: number): Promise<StoreChannel | null>
}
