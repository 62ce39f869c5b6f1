import { eq, lt } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import { adminAuthBlocks } from './schema'

/** When the client's block ends (unix ms), or null when it is not blocked at `now`. */
export async function blockedUntil(db: D1Database, client: string, now: number): Promise<number | null> {
  const [row] = await drizzle(db).select().from(adminAuthBlocks).where(eq(adminAuthBlocks.client, client)).limit(1)
  return row && row.blockedUntil > now ? row.blockedUntil : null
}

/** Blocks the client until `until`; blocks that ended are deleted on the way. */
export async function blockClient(db: D1Database, client: string, until: number, now: number): Promise<void> {
  const orm = drizzle(db)
  await orm.batch([
    orm.delete(adminAuthBlocks).where(lt(adminAuthBlocks.blockedUntil, now)),
    orm
      .insert(adminAuthBlocks)
      .values({ client, blockedUntil: until })
      .onConflictDoUpdate({ target: adminAuthBlocks.client, set: { blockedUntil: until } }),
  ])
}
