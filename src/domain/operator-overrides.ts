import { z } from 'zod'
import { FAMILY_MODES, TRIGGER_FAMILIES, withFamilyOverrides, type FamilyModes } from './automation/families'
import { channelRulesOverrideSchema, resolveChannelRules } from './channel-rules'
import { parseDuration, type Duration } from './duration'

/**
 * Operator overrides of configuration, stored in D1 (`config_overrides`, db/overrides.ts): the channel rules
 * (the same JSON as `resolveChannelRules` takes: any part given replaces or extends the defaults), the
 * marketing cap, and the mode of trigger families (TRIGGER_FAMILIES). A PUT replaces the whole document; an
 * empty object removes every override.
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
