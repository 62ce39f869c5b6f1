import type { Actor } from '../db/audit'
import { readOverrides, replaceOverrides } from '../db/overrides'
import type { Overrides } from '../domain/operator-overrides'
import { audited } from './audited-change'

/** Replaces the override document and records who did it, with the document before and after. */
export async function replaceOverridesAudited(db: D1Database, actor: Actor, next: Overrides, now: Date): Promise<Overrides> {
  const before = await readOverrides(db)
  return audited(db, { actor, action: 'overrides.update', target: null, before }, async () => {
    await replaceOverrides(db, next, `${actor.role}:${actor.fingerprint}`, now)
    return readOverrides(db)
  })
}
