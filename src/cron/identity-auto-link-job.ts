import { requireConfig } from '../config'
import { contactsSharingPhones } from '../db/contacts'
import { phoneLinks } from '../domain/duplicates'
import type { Env } from '../env'
import { linkPerson } from '../identity/link-person'
import type { CronJob } from './cron-job'

/** Links made per run at most; the rest waits for the next (each link moves a contact's whole state). */
const LINKS_PER_RUN = 50

/**
 * IDENTITY_AUTO_LINK=phone: a guest and a registered customer with the same normalized phone and name are
 * linked as one person without an operator (no HubSpot merge: an operator can approve that from the duplicate
 * review). Reads the contacts on shared phones each run, so live events and a backfill are both covered, and
 * a person linked already is no longer a guest on the phone. Returns the links made.
 */
export async function autoLinkByPhone(env: Env, maxPhoneGroup: number, now: Date): Promise<number> {
  const links = phoneLinks(await contactsSharingPhones(env.DB, maxPhoneGroup), maxPhoneGroup).slice(0, LINKS_PER_RUN)
  for (const link of links) {
    await linkPerson(env, { canonical: link.canonical, absorbed: [link.absorbed], reason: 'auto_phone', groupId: null, hubspotMerge: false }, now)
  }
  return links.length
}

export const identityAutoLink: CronJob = {
  name: 'identity-auto-link',
  crons: ['*/15 * * * *'],
  async run(env, now) {
    const config = requireConfig(env)
    if (config.IDENTITY_AUTO_LINK === 'phone') await autoLinkByPhone(env, config.DUPLICATE_PHONE_MAX_GROUP, now)
  },
}
