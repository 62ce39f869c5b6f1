import { z } from 'zod'
import { readOverrideValues, replaceOverrideValues } from '../db/overrides'
import { channelRulesOverrideSchema, resolveChannelRules } from '../domain/channel-rules'
import { parseDuration } from '../domain/duration'

/**
 * Operator overrides of configuration, stored in D1 (`config_overrides`): the channel rules (the same JSON
 * as `resolveChannelRules` takes: any part given replaces or extends the defaults) and the marketing cap.
 * A PUT replaces the whole document; an empty object removes every override.
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
}
