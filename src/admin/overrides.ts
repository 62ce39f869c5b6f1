import { z } from 'zod'
import type { Actor } from '../db/audit'
import { readOverrideValues, replaceOverrideValues } from '../db/overrides'
import { FAMILY_MODES, TRIGGER_FAMILIES, withFamilyOverrides, type FamilyModes } from '../domain/automation'
import { channelRulesOverrideSchema, resolveChannelRules } from '../domain/channel-rules'
import { parseDuration, type Duration } from '../domain/duration'
import { audited } from './audit'

/**
 * Operator overrides of configuration, stored in D1 (`config_overrides`): the channel rules (the same JSON
 * as `resolveChannelRules` takes: any part given replaces or extends the defaults), the marketing cap, and the
 * mode of trigger families (TRIGGER_FAMILIES). A PUT replaces the whole document; an empty object removes
 * every override.
 */
export const overridesSchema = z
  .object({
    channelRules: channelRulesOverrideSchema
      .optional()
      .describe('Channel rules override: sources and sourceAliases merge into the defaults; rules, clickIds, ignoredReferrers replace them'),
    marketingCap: z.number().int().min(0).max(100).optional().describe('Marketing triggers per contact per cap window (MARKETING_CAP)'),
    marketingCapWindow: z
      .string()
      .refine((v) => parseDuration(v) !== null, 'must be a duration like 90s, 45m, 6h or 21d')
      .optional()
      .describe('The rolling window of the cap (MARKETING_CAP_WINDOW)'),
    triggerFamilies: z
      .partialRecord(z.enum(TRIGGER_FAMILIES), z.enum(FAMILY_MODES))
      .optional()
      .describe('Mode per trigger family (TRIGGER_FAMILIES): live, shadow or off; families not named keep the configured mode'),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (!value.channelRules) return
    const resolved = resolveChannelRules(JSON.stringify(value.channelRules))
    if (!resolved.ok) ctx.addIssue({ code: 'custom', path: ['channelRules'], message: resolved.message })
  })

export type Overrides = z.output<typeof overridesSchema>

/** The stored overrides; a value that no longer validates (an older format) is left out, not trusted. */
export async function readOverrides(db: D1Database): Promise<Overrides> {
  const parsed = overridesSchema.safeParse(await readOverrideValues(db))
  return parsed.success ? parsed.data : {}
}

export async function replaceOverrides(db: D1Database, overrides: Overrides, updatedBy: string, now: Date): Promise<void> {
  const values = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined))
  await replaceOverrideValues(db, values, updatedBy, now.getTime())
  cached = null
}

/** Overrides are read on hot paths (every contact change), so each isolate keeps them for a minute. */
const CACHE_MS = 60_000
let cached: { readAt: number; overrides: Overrides } | null = null

export async function currentOverrides(db: D1Database, now = Date.now()): Promise<Overrides> {
  if (!cached || now - cached.readAt > CACHE_MS) cached = { readAt: now, overrides: await readOverrides(db) }
  return cached.overrides
}

/** The marketing cap and trigger family settings with the operator's overrides applied over the environment's. */
export function withAutomationOverrides<
  T extends { MARKETING_CAP: number; MARKETING_CAP_WINDOW: Duration; TRIGGER_FAMILIES: FamilyModes },
>(config: T, overrides: Overrides): T {
  return {
    ...config,
    MARKETING_CAP: overrides.marketingCap ?? config.MARKETING_CAP,
    MARKETING_CAP_WINDOW: (overrides.marketingCapWindow && parseDuration(overrides.marketingCapWindow)) || config.MARKETING_CAP_WINDOW,
    TRIGGER_FAMILIES: withFamilyOverrides(config.TRIGGER_FAMILIES, overrides.triggerFamilies),
  }
}

/** Replaces the override document and records who did it, with the document before and after. */
export async function replaceOverridesAudited(db: D1Database, actor: Actor, next: Overrides, now: Date): Promise<Overrides> {
  const before = await readOverrides(db)
  return audited(db, { actor, action: 'overrides.update', target: null, before }, async () => {
    await replaceOverrides(db, next, `${actor.role}:${actor.fingerprint}`, now)
    return readOverrides(db)
  })
}
