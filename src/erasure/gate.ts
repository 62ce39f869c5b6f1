import { requireConfig } from '../config'
import { tombstoneOf } from '../db/erasure'
import type { Env } from '../env'
import { erasureKey, personFingerprint } from './fingerprint'

/** When the person with this (normalized) email was erased, as ISO-8601, or null when never: one D1 read. */
export async function erasedAt(env: Env, email: string): Promise<string | null> {
  const key = await erasureKey(requireConfig(env))
  if (!key) return null
  return (await tombstoneOf(env.DB, await personFingerprint(key, email)))?.erasedAt ?? null
}
