import type { Config } from '../config'
import type { Actor } from '../db/audit'
import { eraseFromD1, recordTombstone, type D1Erasure } from '../db/erasure'
import { personIdentities } from '../db/identity'
import { normalizeEmail } from '../domain/identity-keys'
import { contactObject, hubspotWriter } from '../durable/stubs'
import type { Env } from '../env'
import type { ErrorCode } from '../http'
import { erasureKey, personFingerprint, shortFingerprint } from '../erasure/fingerprint'
import type { GdprDeleteOutcome } from '../hubspot/gdpr-delete'
import type { ForgetCounts } from '../hubspot/sync/sql-forget'
import { audited } from './audited-change'

/**
 * The erasure request of the admin API and the dashboard's erase form, audited: the entry names the person by
 * the keyed fingerprint (`person <16 hex>`) and records what was removed, never the email.
 */
export type ErasureOutcome =
  | { ok: true; answer: ErasureAnswer }
  | { ok: false; status: 400 | 503; error: ErrorCode; message: string }

export async function eraseAudited(env: Env, config: Config, actor: Actor, rawEmail: string, now: Date): Promise<ErasureOutcome> {
  const email = normalizeEmail(rawEmail)
  if (!email) return { ok: false, status: 400, error: 'invalid_request', message: 'body.email: not an email address' }
  const key = await erasureKey(config)
  if (!key) {
    return {
      ok: false,
      status: 503,
      error: 'invalid_configuration',
      message: 'ERASURE_KEY: set it (32 characters or more), or a BigCommerce client or webhook secret, to erase people',
    }
  }
  const fingerprint = await personFingerprint(key, email)
  const answer = await audited(
    env.DB,
    { actor, action: 'erase', target: `person ${shortFingerprint(fingerprint)}`, before: null },
    () => erasePerson(env, config, { email, fingerprint, keyId: key.id }, now),
  )
  return { ok: true, answer }
}

/**
 * `POST /admin/api/erase` (contract section 3): erases one person. In this order, so nothing brings them back
 * half-way: the tombstone first (from then on a record from before the erasure is dropped wherever it comes
 * from), their contact's Durable Object (a change already waiting for it finds it empty and the tombstone),
 * the HubSpot writer's pending work and ids (and, with HUBSPOT_ERASE=on, HubSpot's GDPR delete, through the
 * writer), then D1 in one transaction. A person with several emails linked as one (issue 24) is erased whole:
 * every email, the contact objects of the merged ones (their forwarding too) and the links. Orders stay as the store's financial records without the personal link.
 * Safe to repeat: a second request finds nothing more and renews the tombstone.
 */
export interface ErasureAnswer {
  /** The keyed fingerprint's first 16 hex characters (the audit log shows the same): never the email. */
  person: string
  tombstone: 'created' | 'renewed'
  removed: {
    /** Rows per D1 table. */
    database: D1Erasure['removed']
    /** Entries of the contact's Durable Object storage. */
    contactStorage: number
    /** The HubSpot writer's queued work and remembered ids. */
    hubspotWriter: ForgetCounts
  }
  kept: {
    /** Orders kept as the store's financial records, without email, customer or cart. */
    ordersUnlinked: number
    /** Dead letters of those orders kept, replayable, without the link to the contact. */
    deadLettersUnlinked: number
  }
  /** Rows kept with the email replaced by `[erased]` (audit entries, webhook errors). */
  redacted: D1Erasure['redacted']
  hubspot: { requested: false; reason: string } | ({ requested: true } & GdprDeleteOutcome)
}

/** Who is erased: the normalized email and its keyed fingerprint (src/erasure/fingerprint.ts). */
export interface ErasureSubject {
  email: string
  fingerprint: string
  keyId: string
}

export async function erasePerson(env: Env, config: Config, subject: ErasureSubject, now: Date): Promise<ErasureAnswer> {
  // Every email linked as the person (identity_links) is erased with them, each kept out by its own tombstone.
  const identities = await personIdentities(env.DB, subject.email)
  const tombstone = await recordTombstone(env.DB, subject.fingerprint, subject.keyId, now)
  const key = await erasureKey(config)
  for (const email of identities.emails) {
    if (email !== subject.email && key) await recordTombstone(env.DB, await personFingerprint(key, email), key.id, now)
  }

  let contactStorage = 0
  for (const person of identities.emails) {
    const stored = await contactObject(env, person).erase()
    contactStorage += stored.entries
    identities.cartIds = union(identities.cartIds, stored.cartIds)
    identities.customerIds = union(identities.customerIds, stored.customerIds)
    identities.subscriberIds = union(identities.subscriberIds, stored.subscriberIds)
    identities.orderIds = union(identities.orderIds, stored.orderIds)
  }
  const writer = await hubspotWriter(env).erasePerson(
    { emails: identities.emails, cartIds: identities.cartIds },
    { gdprDelete: config.HUBSPOT_ERASE },
  )
  const database = await eraseFromD1(env.DB, identities)
  return {
    person: shortFingerprint(subject.fingerprint),
    tombstone,
    removed: { database: database.removed, contactStorage, hubspotWriter: writer.forgotten },
    kept: { ordersUnlinked: database.ordersUnlinked, deadLettersUnlinked: database.deadLettersUnlinked },
    redacted: database.redacted,
    hubspot: writer.hubspot
      ? { requested: true, ...writer.hubspot }
      : { requested: false, reason: 'HUBSPOT_ERASE is off: the HubSpot contact is left to HubSpot (it owns identity)' },
  }
}

function union<T>(a: T[], b: T[]): T[] {
  return [...new Set([...a, ...b])]
}
