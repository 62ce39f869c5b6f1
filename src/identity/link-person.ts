import { canonicalEmail, linkIdentities } from '../db/identity'
import { contactObject, hubspotWriter } from '../durable/stubs'
import type { Env } from '../env'

export interface LinkRequest {
  /** The email the person keeps (their contact survives). */
  canonical: string
  /** The emails found to be the same person. */
  absorbed: string[]
  reason: 'operator' | 'auto_phone'
  /** The duplicate group approved, when an operator approved one. */
  groupId: string | null
  /** Also merge the HubSpot contacts (an operator's approval); an auto-link only links. */
  hubspotMerge: boolean
}

/**
 * Makes several emails one person. First D1: from that moment every event for any of the emails (webhooks,
 * replays, a backfill, the beacon) goes to the canonical contact. Then the contacts: the canonical one takes
 * over each absorbed one's state and recomputes and writes the person as one. Then D1 again (an event that was
 * on its way to an absorbed contact before the link may have published its row meanwhile). Last the HubSpot
 * writer: writes for the absorbed emails go to the surviving contact, which the absorbed ones are merged into.
 * Every step is safe to repeat: running the link again after a failure finishes it.
 */
export async function linkPerson(env: Env, request: LinkRequest, now: Date): Promise<{ canonical: string; absorbed: string[] }> {
  const canonical = await canonicalEmail(env.DB, request.canonical)
  // An email linked before stands for its whole person: that person is absorbed too.
  const persons = await Promise.all(request.absorbed.map((email) => canonicalEmail(env.DB, email)))
  const absorbed = [...new Set([...request.absorbed, ...persons])].filter((email) => email !== canonical)
  if (absorbed.length === 0) return { canonical, absorbed }
  const link = { canonical, absorbed, reason: request.reason, groupId: request.groupId, hubspotMerge: request.hubspotMerge, at: now.getTime() }
  await linkIdentities(env.DB, link)
  const survivor = contactObject(env, canonical)
  for (const email of absorbed) await survivor.absorb(canonical, email)
  await linkIdentities(env.DB, link)
  if (request.hubspotMerge) await hubspotWriter(env).mergeContacts(canonical, absorbed)
  return { canonical, absorbed }
}
