/** v3 catalog: products (with `include=variants,options,...`), variants, categories, brands. */
import { Hono } from 'hono'
import {
  compareBy, includes, QueryError, queryBool, queryDate, queryInt, queryIntList, queryStringList, searchParams, v3Error, v3Page,
  within,
} from '../http'
import { v3Brand, v3Category, v3Product, v3Variant } from '../serialize'
import type { BigCommerceStore } from '../store'
import type { Product } from '../types'

/** `include_fields` / `exclude_fields`: keep `id` always, as the API does. */
function projector(params: URLSearchParams): (row: Record<string, unknown>) => Record<string, unknown> {
  const only = queryStringList(params, 'include_fields')
  const without = queryStringList(params, 'exclude_fields')
  if (!only && !without) return (row) => row
  return (row) => Object.fromEntries(Object.entries(row).filter(([key]) =>
    key === 'id' || ((!only || only.includes(key) || ['variants', 'options', 'images', 'custom_fields', 'primary_image'].includes(key)) &&
      (!without || !without.includes(key)))))
}

function productFilter(params: URLSearchParams): (p: Product) => boolean {
  const id = queryInt(params, 'id')
  const ids = queryIntList(params, 'id:in')
  const notIds = queryIntList(params, 'id:not_in')
  const categories = queryIntList(params, 'categories:in')
  const category = queryInt(params, 'categories')
  const brandId = queryInt(params, 'brand_id')
  const modifiedMin = queryDate(params, 'date_modified:min')
  const modifiedMax = queryDate(params, 'date_modified:max')
  const isVisible = queryBool(params, 'is_visible')
  const sku = params.get('sku')
  const name = params.get('name')
  const keyword = params.get('keyword')?.toLowerCase()
  return (p) =>
    (id === undefined || p.id === id) &&
    (!ids || ids.includes(p.id)) &&
    (!notIds || !notIds.includes(p.id)) &&
    (!categories || p.categories.some((c) => categories.includes(c))) &&
    (category === undefined || p.categories.includes(category)) &&
    (brandId === undefined || p.brand_id === brandId) &&
    within(p.modifiedAt, modifiedMin, modifiedMax) &&
    (isVisible === undefined || p.is_visible === isVisible) &&
    (sku === null || p.sku === sku) &&
    (name === null || p.name === name) &&
    (!keyword || p.name.toLowerCase().includes(keyword))
}

const PRODUCT_SORTS: Record<string, (p: Product) => number | string> = {
  id: (p) => p.id,
  name: (p) => p.name,
  sku: (p) => p.sku,
  price: (p) => p.price,
  date_modified: (p) => p.modifiedAt,
  date_last_imported: (p) => p.modifiedAt,
  inventory_level: (p) => p.inventory_level,
  is_visible: (p) => Number(p.is_visible),
  total_sold: (p) => p.total_sold,
}

export function catalogV3(store: BigCommerceStore): Hono {
  const app = new Hono()

  app.get('/catalog/products', (c) => {
    const params = searchParams(c.req.url)
    const include = includes(params)
    const sortField = params.get('sort') ?? 'id'
    const direction = params.get('direction') ?? 'asc'
    const value = PRODUCT_SORTS[sortField]
    if (!value) throw new QueryError('sort', `The field 'sort' must be one of ${Object.keys(PRODUCT_SORTS).join(', ')}.`)
    if (direction !== 'asc' && direction !== 'desc') throw new QueryError('direction', "The field 'direction' must be asc or desc.")
    const products = [...store.products.values()].filter(productFilter(params)).sort(compareBy(value, direction))
    const project = projector(params)
    return v3Page(products, params, (p) => project(v3Product(store, p, include)))
  })

  app.get('/catalog/products/:id{[0-9]+}', (c) => {
    const params = searchParams(c.req.url)
    const product = store.products.get(Number(c.req.param('id')))
    if (!product) return v3Error(404, 'The requested product was not found.')
    return c.json({ data: projector(params)(v3Product(store, product, includes(params))), meta: {} })
  })

  app.get('/catalog/products/:id{[0-9]+}/variants', (c) => {
    const product = store.products.get(Number(c.req.param('id')))
    if (!product) return v3Error(404, 'The requested product was not found.')
    const params = searchParams(c.req.url)
    const project = projector(params)
    return v3Page(store.variantsOf(product.id), params, (v) => project(v3Variant(v)))
  })

  app.get('/catalog/products/:id{[0-9]+}/variants/:variantId{[0-9]+}', (c) => {
    const variant = store.variants.get(Number(c.req.param('variantId')))
    if (!variant || variant.product_id !== Number(c.req.param('id'))) return v3Error(404, 'The requested variant was not found.')
    return c.json({ data: v3Variant(variant), meta: {} })
  })

  app.get('/catalog/variants', (c) => {
    const params = searchParams(c.req.url)
    const id = queryInt(params, 'id')
    const productIds = queryIntList(params, 'product_id:in')
    const sku = params.get('sku')
    const variants = [...store.variants.values()].filter((v) =>
      (id === undefined || v.id === id) && (!productIds || productIds.includes(v.product_id)) && (sku === null || v.sku === sku))
    const project = projector(params)
    return v3Page(variants, params, (v) => project(v3Variant(v)))
  })

  app.get('/catalog/categories', (c) => {
    const params = searchParams(c.req.url)
    const id = queryInt(params, 'id')
    const ids = queryIntList(params, 'id:in')
    const parentId = queryInt(params, 'parent_id')
    const name = params.get('name')
    const isVisible = queryBool(params, 'is_visible')
    const categories = [...store.categories.values()].filter((x) =>
      (id === undefined || x.id === id) && (!ids || ids.includes(x.id)) &&
      (parentId === undefined || x.parent_id === parentId) && (name === null || x.name === name) &&
      (isVisible === undefined || x.is_visible === isVisible))
    const project = projector(params)
    return v3Page(categories, params, (x) => project(v3Category(x)))
  })

  app.get('/catalog/categories/:id{[0-9]+}', (c) => {
    const category = store.categories.get(Number(c.req.param('id')))
    return category ? c.json({ data: v3Category(category), meta: {} }) : v3Error(404, 'The requested category was not found.')
  })

  app.get('/catalog/brands', (c) => {
    const params = searchParams(c.req.url)
    const id = queryInt(params, 'id')
    const ids = queryIntList(params, 'id:in')
    const name = params.get('name')
    const brands = [...store.brands.values()].filter((b) =>
      (id === undefined || b.id === id) && (!ids || ids.includes(b.id)) && (name === null || b.name === name))
    const project = projector(params)
    return v3Page(brands, params, (b) => project(v3Brand(b)))
  })

  app.get('/catalog/brands/:id{[0-9]+}', (c) => {
    const brand = store.brands.get(Number(c.req.param('id')))
    return brand ? c.json({ data: v3Brand(brand), meta: {} }) : v3Error(404, 'The requested brand was not found.')
  })

  return app
}
