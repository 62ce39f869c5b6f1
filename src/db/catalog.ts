import { eq } from 'drizzle-orm'
import type { BatchItem } from 'drizzle-orm/batch'
import { drizzle, type DrizzleD1Database } from 'drizzle-orm/d1'
import type { CatalogLoader, CatalogLookups } from '../domain/catalog-lookups'
import { storefrontBaseUrl } from '../domain/multi-storefront'
import { channelRow, storeChannelOf } from './storefronts'
import { catalogBrands, catalogCategories, catalogChannels, catalogProducts } from './schema'

/**
 * The catalog facts order hydration needs (category and brand names, a product's first category, channels),
 * cached in D1 (migrations/0002_catalog.sql) for a TTL so that a burst of orders does not refetch the
 * catalog for every order and spend the store's shared API quota. A 404 is cached too (`found = 0`). When a
 * refetch fails and a stale row exists, the stale row answers: a day-old category name beats a failed order.
 */

export const DEFAULT_CATALOG_TTL_MS = 24 * 60 * 60 * 1000

export interface CatalogLookupOptions {
  /** How long a cached fact is trusted. Default 24 h. */
  ttlMs?: number
  /**
   * Keep each fact this instance read for its whole life instead of asking D1 again per lookup: for a
   * backfill run, whose orders name the same products hundreds of times within a minute (D1 counts every
   * query against the invocation's limit), and for the invocation of a webhook batch (a catalog webhook in
   * the batch drops what it changed with `forget`).
   */
  remember?: boolean
}

type Clock = () => Date

/** Lookups that may remember what they read; `forget` drops a remembered fact (a catalog webhook changed it). */
export interface RememberingLookups extends CatalogLookups {
  forget(kind: CatalogKind, id: number): void
}

export function createCatalogLookups(
  db: D1Database,
  loader: CatalogLoader,
  now: Clock | Date,
  options: CatalogLookupOptions = {},
): RememberingLookups {
  const orm = drizzle(db)
  const clock: Clock = typeof now === 'function' ? now : () => now
  const ttlMs = options.ttlMs ?? DEFAULT_CATALOG_TTL_MS
  // Concurrent lookups of one id within this instance share a single fetch (and, remembering, later ones
  // too; a failed lookup is never remembered).
  const inFlight = new Map<string, Promise<unknown>>()
  const once = <T>(key: string, load: () => Promise<T>): Promise<T> => {
    const pending = inFlight.get(key) as Promise<T> | undefined
    if (pending) return pending
    const started = load()
    inFlight.set(key, started)
    const forget = () => void inFlight.delete(key)
    started.then(options.remember ? undefined : forget, forget)
    return started
  }

  /** The cached value when fresh; else a refetch, stored; else (the refetch failed) the stale value. */
  async function cached<Row extends { found: boolean; fetchedAt: number }>(
    read: () => Promise<Row | undefined>,
    fetchRow: (fetchedAt: number) => Promise<Row>,
    write: (row: Row) => Promise<unknown>,
  ): Promise<Row> {
    const at = clock().getTime()
    const row = await read()
    if (row && at - row.fetchedAt < ttlMs && row.fetchedAt <= at) return row
    let fresh: Row
    try {
      fresh = await fetchRow(at)
    } catch (err) {
      if (row) return row
      throw err
    }
    await write(fresh)
    return fresh
  }

  /** Categories and brands: a name by id, from tables of the same shape. */
  const nameOf = (kind: 'category' | 'brand') => {
    const table = kind === 'category' ? catalogCategories : catalogBrands
    return (id: number) =>
      once(`${kind}:${id}`, () =>
        cached(
          () => orm.select().from(table).where(eq(table.id, id)).get(),
          async (fetchedAt) => {
            const named = await loader[kind](id)
            return { id, found: named !== null, name: named?.name ?? null, fetchedAt }
          },
          (row) => orm.insert(table).values(row).onConflictDoUpdate({ target: table.id, set: row }),
        ),
      )
  }
  const category = nameOf('category')
  const brand = nameOf('brand')

  const product = (id: number) =>
    once(`product:${id}`, () =>
      cached(
        () => orm.select().from(catalogProducts).where(eq(catalogProducts.id, id)).get(),
        async (fetchedAt) => {
          const facts = await loader.product(id)
          return {
            id,
            found: facts !== null,
            firstCategoryId: facts?.firstCategoryId ?? null,
            brandId: facts?.brandId ?? null,
            fetchedAt,
          }
        },
        (row) => orm.insert(catalogProducts).values(row).onConflictDoUpdate({ target: catalogProducts.id, set: row }),
      ),
    )

  // The whole channel (its site and currencies too), so that a storefront seen first on an order has its links.
  const channel = (id: number) =>
    once(`channel:${id}`, () =>
      cached(
        () => orm.select().from(catalogChannels).where(eq(catalogChannels.id, id)).get(),
        async (fetchedAt) => channelRow(id, await loader.channel(id), fetchedAt),
        (row) => orm.insert(catalogChannels).values(row).onConflictDoUpdate({ target: catalogChannels.id, set: row }),
      ),
    )

  return {
    forget(kind, id) {
      inFlight.delete(`${kind}:${id}`)
    },
    async categoryName(id) {
      return (await category(id)).name
    },
    async brandName(id) {
      return (await brand(id)).name
    },
    async productCategory(productId) {
      const facts = await product(productId)
      return facts.firstCategoryId === null ? null : (await category(facts.firstCategoryId)).name
    },
    async channel(id) {
      return storeChannelOf(await channel(id))
    },
    async storefrontUrl(id) {
      const own = storeChannelOf(await channel(id))
      // A channel without a site links to the default storefront's.
      const fallback = own?.siteUrl ? null : storeChannelOf(await channel(1))
      return storefrontBaseUrl([own, fallback].filter((c) => c !== null), id)
    },
  }
}

export type CatalogKind = 'category' | 'brand' | 'product' | 'channel'

/**
 * Drops a cached fact so the next lookup refetches it: call on `store/product/updated|deleted`,
 * `store/category/*` and the like.
 */
export async function forgetCatalogEntry(db: D1Database, kind: CatalogKind, id: number): Promise<void> {
  const orm = drizzle(db)
  const table = { category: catalogCategories, brand: catalogBrands, product: catalogProducts, channel: catalogChannels }[kind]
  await orm.delete(table).where(eq(table.id, id))
}

// ---- priming: one list call of the backfill fills what order hydration would otherwise fetch one by one ----

type NamedRow = { id: number; name: string | null }

export const primeCategories = (db: D1Database, rows: NamedRow[], fetchedAt: number) => primeNames(db, 'category', rows, fetchedAt)

export const primeBrands = (db: D1Database, rows: NamedRow[], fetchedAt: number) => primeNames(db, 'brand', rows, fetchedAt)

async function primeNames(db: D1Database, kind: 'category' | 'brand', rows: NamedRow[], fetchedAt: number) {
  const orm = drizzle(db)
  const table = kind === 'category' ? catalogCategories : catalogBrands
  await upsertAll(orm, rows.map((r) => {
    const row = { id: r.id, found: true, name: r.name, fetchedAt }
    return orm.insert(table).values(row).onConflictDoUpdate({ target: table.id, set: row })
  }))
}

export async function primeProducts(
  db: D1Database,
  rows: { id: number; firstCategoryId: number | null; brandId: number | null }[],
  fetchedAt: number,
) {
  const orm = drizzle(db)
  await upsertAll(orm, rows.map((r) => {
    const row = { id: r.id, found: true, firstCategoryId: r.firstCategoryId, brandId: r.brandId, fetchedAt }
    return orm.insert(catalogProducts).values(row).onConflictDoUpdate({ target: catalogProducts.id, set: row })
  }))
}

/** One round trip per 50 statements. */
async function upsertAll(orm: DrizzleD1Database, statements: BatchItem<'sqlite'>[]): Promise<void> {
  for (let i = 0; i < statements.length; i += 50) {
    const [first, ...rest] = statements.slice(i, i + 50)
    await orm.batch([first!, ...rest])
  }
}
