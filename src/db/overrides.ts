import { drizzle } from 'drizzle-orm/d1'
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import { notInArray } from 'drizzle-orm'

/** Drizzle mirror of config_overrides (migrations/0004_operations.sql): one JSON value per key. */
export const configOverrides = sqliteTable('config_overrides', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: integer('updated_at').notNull(),
  updatedBy: text('updated_by').notNull(),
})

/** Every stored override as parsed JSON, by key. */
export async function readOverrideValues(db: D1Database): Promise<Record<string, unknown>> {
  const rows = await drizzle(db).select().from(configOverrides)
  return Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value)]))
}

/** Replaces the whole set in one batch: keys not given are removed. */
export async function replaceOverrideValues(
  db: D1Database,
  values: Record<string, unknown>,
  updatedBy: string,
  now: number,
): Promise<void> {
  const d = drizzle(db)
  const keys = Object.keys(values)
  const remove = keys.length
    ? d.delete(configOverrides).where(notInArray(configOverrides.key, keys))
    : d.delete(configOverrides)
  const upserts = Object.entries(values).map(([key, value]) => {
    const row = { key, value: JSON.stringify(value), updatedAt: now, updatedBy }
    return d.insert(configOverrides).values(row).onConflictDoUpdate({ target: configOverrides.key, set: row })
  })
  await d.batch([remove, ...upserts])
}
