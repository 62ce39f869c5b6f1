import { loadConfig } from '../config'
import { readState, writeState } from '../db/sync-state'
import { topCategories } from '../db/contacts'
import { knownChannels } from '../db/storefronts'
import { storefrontChannels } from '../domain/multi-storefront'
import { hubspotWriter } from '../durable/stubs'
import type { Env } from '../env'
import { audienceDefinitions } from '../hubspot/lists'
import type { ListSyncResult } from '../hubspot/lists-sync'

/**
 * The audiences as HubSpot active lists: setup creates them (and repairs edited ones when the operator asks);
 * the hourly job creates any that are missing, such as a category that entered the store's top ones since, but
 * never touches a list someone edited. The last result is kept in D1 for the status and the dashboard.
 */
const STATE_KEY = 'audience_lists'

export async function keepAudienceLists(env: Env, now: Date, options: { repair: boolean }): Promise<ListSyncResult> {
  const config = loadConfig(env)
  const categories = config.ok ? await topCategories(env.DB, config.config.AUDIENCE_TOP_CATEGORIES) : []
  const storefronts = storefrontChannels(await knownChannels(env.DB)).map((c) => c.name)
  const result = await hubspotWriter(env).syncAudiences(audienceDefinitions(categories, storefronts), options.repair)
  await writeState(env.DB, STATE_KEY, result, now.getTime())
  return result
}

/** The last list check, or null before the first setup. */
export async function lastAudienceLists(env: Env): Promise<ListSyncResult | null> {
  return (await readState<ListSyncResult>(env.DB, STATE_KEY))?.value ?? null
}
