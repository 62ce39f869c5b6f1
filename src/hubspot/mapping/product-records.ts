import { hubspotAmount } from '../../domain/money'
import type { ProductVariant } from '../../domain/model'
import type { HubSpotRecord } from '../records'

/** One HubSpot product per BigCommerce variant, keyed by the variant id. */
export function productRecords(variants: ProductVariant[]): HubSpotRecord[] {
  return variants.map((v) => ({
    objectType: 'products',
    key: String(v.variantId),
    properties: {
      bc_variant_id: String(v.variantId),
      name: v.name,
      hs_sku: v.sku,
      price: hubspotAmount(v.price, null),
      description: v.description,
      bc_product_id: v.productId,
      bc_category: v.category ?? '',
      bc_brand: v.brand ?? '',
    },
  }))
}
