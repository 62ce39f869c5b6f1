import type { HubSpotWriter } from '../durable/hubspot-writer'
import { hubspotWriter } from '../durable/stubs'
import type { Env } from '../env'
import type { InvocationBudget } from '../invocation/budget'
import { valueTierRecord } from '../hubspot/mapping/contact-records'
import { tierRanks } from '../domain/customer-tiers'
import {
  countCustomers, saveThresholds, saveTiers, tierChanges, valueAtRank, type TierThresholds,
} from '../db/tiers'

export interface ValueTierOptions {
  /** Rows read, updated and sent to HubSpot per round. */
  chunk: number
  /** Rows changed per run at most; the rest waits for the next run (the job is safe to repeat). */
  maxRows: number
  /** The cron tick's budget: a chunk starts only while it fits (a read, the writer, a save). */
  budget?: InvocationBudget
  /** Where the records go: the HubSpot writer unless given (a test watches the chunks). */
  writer?: Pick<HubSpotWriter, 'enqueue'>
}

const DEFAULTS: ValueTierOptions = { chunk: 100, maxRows: 20_000 }
const CHUNK_COST = { subrequests: 1, queries: 3 }

/** The vip and high thresholds from three indexed reads: the customer count and the values at two ranks. */
export async function tierThresholds(db: D1Database): Promise<TierThresholds | null> {
  const customers = await countCustomers(db)
  if (customers === 0) return null
  const { vipRank, highRank } = tierRanks(customers)
  const [vip, high] = await Promise.all([valueAtRank(db, vipRank), valueAtRank(db, highRank)])
  if (vip === null || high === null) return null
  return { customers, vip, high }
}

/**
 * Recomputes `bc_value_tier` across all contacts (contract section 4): thresholds first, then only the rows
 * whose tier changes, each chunk sent to the HubSpot writer before it is saved, so a crash in between sends
 * it again next time rather than never. Returns how many contacts changed tier.
 */
export async function recomputeValueTiers(env: Env, now: Date, options: Partial<ValueTierOptions> = {}): Promise<number> {
  const { chunk, maxRows, budget } = { ...DEFAULTS, ...options }
  const thresholds = await tierThresholds(env.DB)
  const writer = options.writer ?? hubspotWriter(env)
  let changed = 0
  let after = ''
  while (changed < maxRows && (!budget || budget.fits(CHUNK_COST))) {
    const changes = await tierChanges(env.DB, thresholds, after, Math.min(chunk, maxRows - changed))
    if (changes.length === 0) break
    after = changes[changes.length - 1].email
    await writer.enqueue(changes.map((c) => valueTierRecord(c.email, c.tier)), [], 'bulk')
    await saveTiers(env.DB, changes, now)
    changed += changes.length
  }
  await saveThresholds(env.DB, thresholds, now)
  return changed
}
