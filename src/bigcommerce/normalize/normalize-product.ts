import type { ProductVariant } from '../../domain/model'
import type { V3Product, V3Variant } from '../resources'

export interface ProductContext {
  /** The product's first category name. */
  category: string | null
  brand: string | null
}

/**
 * One model variant per BigCommerce variant (every product has at least its base variant). The name is the
 * product name with the variant's option values in parentheses: `Shirt (Size: L, Color: Blue)`.
 */
export function normalizeProductVariants(product: V3Product, variants: V3Variant[], context: ProductContext): ProductVariant[] {
  const description = plainText(product.description)
  const all: V3Variant[] =
    variants.length > 0
      ? variants
      : [{ id: product.base_variant_id ?? product.id, product_id: product.id, sku: product.sku, price: null, option_values: [] }]
  return all.map((variant) => ({
    variantId: variant.id,
    productId: product.id,
    name: variantName(product.name, variant),
    sku: variant.sku || product.sku,
    price: variant.price ?? product.price,
    description,
    category: context.category,
    brand: context.brand,
  }))
}

export function variantName(productName: string, variant: Pick<V3Variant, 'option_values'>): string {
  const options = variant.option_values
    .filter((o) => o.label.trim() !== '')
    .map((o) => (o.option_display_name.trim() ? `${o.option_display_name.trim()}: ${o.label.trim()}` : o.label.trim()))
  return options.length > 0 ? `${productName} (${options.join(', ')})` : productName
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" }

/** Product descriptions are HTML; HubSpot's description is text. */
export function plainText(html: string): string {
  return html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<(br|\/p|\/div|\/li|\/h\d)\s*\/?>/gi, '\n')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (whole, name: string) => {
      const lower = name.toLowerCase()
      if (lower.startsWith('#x')) return String.fromCodePoint(parseInt(lower.slice(2), 16))
      if (lower.startsWith('#') && lower !== '#39') return String.fromCodePoint(Number(lower.slice(1)))
      return ENTITIES[lower] ?? whole
    })
    .replace(/[ \t\f\v\r]+/g, ' ')
    .replace(/ *\n[\s]*/g, '\n')
    .trim()
}
