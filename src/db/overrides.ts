import { drizzle } from 'drizzle-orm/d1'
import { notInArray } from 'drizzle-orm'
import { overridesSchema, type Overrides } from '../domain/operator-overrides'
import { configOverrides } from './schema'

/** The stored overrides; a value that no longer validates (an older format) is left out, not trusted. */
export async function readOverrides(db: D1Database): Promise<Overrides> {
  const rows = await drizzle(db).select().from(configOverrides)
  const parsed = overridesSchema.safeParse(Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value)])))
  return parsed.success ? parsed.data : {}
}

/** Replaces the whole document in one batch: keys not given are removed. */
export async function replaceOverrides(db: D1Database, overrides: Overrides, updatedBy: string, now: Date): Promise<void> {
  const values = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined))
  const d = drizzle(db)
  const keys = Object.keys(values)
  const remove = keys.length
    ? d.delete(configOverrides).where(notInArray(configOverrides.key, keys))
    : d.delete(configOverrides)
  const upserts = Object.entries(values).map(([key, value]) => {
    const row = { key, value: JSON.stringify(value), updatedAt: now.getTime(), updatedBy }
    return d.insert(configOverrides).values(row).onConflictDoUpdate({ target: configOverrides.key, set: row })
  })
  await d.batch([remove, ...upserts])
  cached = null
}

/** Overrides are read on hot paths (every contact change), so each isolate keeps them for a minute. */
const CACHE_MS = 60_000
let cached: { readAt: number; overrides: Overrides } | null = null

export async function currentOverrides(db: D1Database, now = Date.now()): Promise<Overrides> {
  if (!cached || now - cached.readAt > CACHE_MS) cached = { readAt: now, overrides: await readOverrides(db) }
  return cached.overrides
}
