import type { Config } from '../config'
import { lastSupportEscalations, type SupportEscalationsState } from '../upkeep/support-escalation-refresh'
import type { Actor } from '../db/audit'
import { wouldHaveFired } from '../db/shadow-decisions'
import { REVIEW_REQUEST_MAX_WAIT_MS, postPurchaseStepName } from '../domain/automation/policy'
import { TRIGGER_FAMILIES, triggersOf, type FamilyMode, type TriggerFamily } from '../domain/automation/families'
import { MARKETPLACE_RELAY_DOMAINS } from '../domain/marketplace'
import type { OrderChannel, Trigger } from '../domain/model'
import type { Env } from '../env'
import { readOverrides } from '../db/overrides'
import { replaceOverridesAudited } from './override-changes'

/**
 * Rolling out one trigger family at a time (the playbook: launch a family, watch it 7 to 14 days, then the
 * next), and the fail-safes in force: per family its mode (TRIGGER_FAMILIES, an admin's override wins) and how
 * many of its triggers would have fired in shadow mode over the last 7 and 14 days; whether suppression by
 * support tickets is on; which buyers count as marketplace buyers; which step is the review request.
 */
export interface FamilyRollout {
  family: TriggerFamily
  triggers: Trigger[]
  /** TRIGGER_FAMILIES. */
  configured: FamilyMode
  /** An admin's override, if any. */
  override: FamilyMode | null
  /** What applies. */
  mode: FamilyMode
  /** Shadowed decisions that would have fired. */
  wouldHaveFired: { days7: number; days14: number }
}

export interface RolloutReport {
  families: FamilyRollout[]
  supportTickets: SupportEscalationsState | null
  marketplace: { excludedOrderChannels: OrderChannel[]; relayDomains: typeof MARKETPLACE_RELAY_DOMAINS }
  reviewRequest: { step: string | null; maxWaitDays: number }
  checkedAt: string
}

const DAY_MS = 86_400_000

export async function rolloutReport(env: Env, config: Config, now: Date): Promise<RolloutReport> {
  const since = (days: number) => new Date(now.getTime() - days * DAY_MS).toISOString()
  const [overrides, counts, supportTickets] = await Promise.all([
    readOverrides(env.DB),
    wouldHaveFired(env.DB, { days7: since(7), days14: since(14) }),
    lastSupportEscalations(env),
  ])
  return {
    families: TRIGGER_FAMILIES.map((family) => {
      const override = overrides.triggerFamilies?.[family] ?? null
      const configured = config.TRIGGER_FAMILIES[family]
      return {
        family,
        triggers: triggersOf(family),
        configured,
        override,
        mode: override ?? configured,
        wouldHaveFired: counts.get(family) ?? { days7: 0, days14: 0 },
      }
    }),
    supportTickets,
    marketplace: { excludedOrderChannels: [...config.MARKETING_EXCLUDED_ORDER_CHANNELS], relayDomains: MARKETPLACE_RELAY_DOMAINS },
    reviewRequest: {
      step: config.REVIEW_REQUEST_STEP ? postPurchaseStepName(config.REVIEW_REQUEST_STEP) : null,
      maxWaitDays: REVIEW_REQUEST_MAX_WAIT_MS / DAY_MS,
    },
    checkedAt: now.toISOString(),
  }
}

/**
 * Sets one family's mode as an admin override (the rest of the override document stays), audited like any
 * change of the overrides. Switching a family from shadow to live fires none of what it shadowed.
 */
export async function setFamilyMode(db: D1Database, actor: Actor, family: TriggerFamily, mode: FamilyMode, now: Date) {
  const current = await readOverrides(db)
  return replaceOverridesAudited(db, actor, { ...current, triggerFamilies: { ...current.triggerFamilies, [family]: mode } }, now)
}
