import { recomputeValueTiers } from '../upkeep/value-tiers'
import type { Actor } from '../db/audit'
import { contactFigures, type ContactFigures } from '../db/contacts'
import { unmergedLinks } from '../db/identity'
import { storeBaseCurrency } from '../db/outcomes'
import { contactsByMonth, crowdedPhones, duplicateCandidates } from '../db/quality'
import { duplicateGroups, groupId, survivorOf, type DuplicateGroup, type DuplicateReason } from '../domain/duplicates'
import { toMinorUnits } from '../domain/money'
import type { Env } from '../env'
import type { ErrorCode } from '../http'
import { linkPerson } from '../identity/link-person'
import { audited } from './audited-change'

/**
 * Duplicate contacts as the playbook counts them (contacts sharing a normalized email or a normalized phone,
 * and a BigCommerce customer id), for the quality figures, the review list and an operator's approval.
 */
export function duplicateDefinition(maxPhoneGroup: number): string {
  return (
    'contacts sharing a normalized email (trimmed, lower-cased), a normalized phone (E.164, with the order\'s or ' +
    `address's country) or a BigCommerce customer id; a phone shared by more than ${maxPhoneGroup} contacts ` +
    '(DUPLICATE_PHONE_MAX_GROUP: a store\'s own number, a marketplace relay) joins no one; in each group the ' +
    'earliest known contact is the original and the others count as duplicates, in the month they became known'
  )
}

export interface DuplicateFigures {
  contacts: number
  duplicates: number
  groups: number
  /** The duplicates with why, first by email. */
  examples: { email: string; reason: DuplicateReason }[]
  byMonth: { month: string; contacts: number; duplicates: number }[]
  crowdedPhones: { phone: string; contacts: number }[]
}

/** The counts: overall, and per month for the last `months` months anyone became known in. */
export async function duplicateFigures(db: D1Database, maxPhoneGroup: number, months = 12): Promise<DuplicateFigures> {
  const [candidates, known, crowded] = await Promise.all([
    duplicateCandidates(db, maxPhoneGroup),
    contactsByMonth(db),
    crowdedPhones(db, maxPhoneGroup, 10),
  ])
  const groups = duplicateGroups(candidates, maxPhoneGroup)
  const since = new Map(candidates.map((c) => [c.email, c.firstSeenAt]))
  const extras = groups.flatMap((g) =>
    g.emails.slice(1).map((email) => ({ email, reason: g.why.find((w) => w.emails.includes(email))!.reason, month: since.get(email)?.slice(0, 7) })),
  )
  const byMonth = [...known.months.entries()]
    .sort(([a], [b]) => (a < b ? 1 : -1))
    .slice(0, months)
    .map(([month, contacts]) => ({ month, contacts, duplicates: extras.filter((e) => e.month === month).length }))
  return {
    contacts: known.total,
    duplicates: extras.length,
    groups: groups.length,
    examples: extras.map(({ email, reason }) => ({ email, reason })).sort((a, b) => (a.email < b.email ? -1 : 1)).slice(0, 10),
    byMonth,
    crowdedPhones: crowded,
  }
}

/** A contact of a group as the review shows it (money in the store's base currency, its minor units). */
function reviewContact(c: ContactFigures, currency: string | null) {
  return {
    email: c.email,
    customerId: c.customerId,
    firstName: c.firstName,
    lastName: c.lastName,
    phone: c.phone,
    paidOrderCount: c.paidOrderCount,
    lifetimeValue: toMinorUnits(c.lifetimeValue, currency),
    customerStatus: c.customerStatus,
    valueTier: c.valueTier,
    firstSeenAt: c.firstSeenAt,
  }
}

export type ReviewContact = ReturnType<typeof reviewContact>

export interface ReviewGroup {
  id: string
  contacts: ReviewContact[]
  why: DuplicateGroup['why']
  /** The contact a merge keeps (a registered customer first, then more orders, more value, known earlier). */
  survivor: string
}

export interface LinkedPerson {
  id: string
  canonical: string
  linked: { email: string; reason: string; linkedAt: string; hubspotMerge: string | null; error: string | null }[]
}

/** `GET /admin/api/duplicates`: the groups to review, and linked people whose HubSpot contacts are not merged. */
export async function duplicateReview(db: D1Database, maxPhoneGroup: number, limit = 100) {
  const [groups, crowded, links, currency] = await Promise.all([
    duplicateCandidates(db, maxPhoneGroup).then((c) => duplicateGroups(c, maxPhoneGroup)),
    crowdedPhones(db, maxPhoneGroup, 10),
    unmergedLinks(db, limit),
    storeBaseCurrency(db),
  ])
  const shown = groups.slice(0, limit)
  const figures = new Map((await contactFigures(db, shown.flatMap((g) => g.emails))).map((f) => [f.email, f]))
  const review: ReviewGroup[] = shown.map((g) => {
    const contacts = g.emails.map((email) => figures.get(email)).filter((c): c is ContactFigures => c !== undefined)
    return { id: g.id, contacts: contacts.map((c) => reviewContact(c, currency)), why: g.why, survivor: survivorOf(contacts.map(candidate)).email }
  })
  const people = new Map<string, LinkedPerson>()
  for (const l of links) {
    const person = people.get(l.canonical) ?? { id: '', canonical: l.canonical, linked: [] }
    person.linked.push({ email: l.email, reason: l.reason, linkedAt: new Date(l.linkedAt).toISOString(), hubspotMerge: l.hubspotMerge, error: l.hubspotMergeError })
    people.set(l.canonical, person)
  }
  const linked = [...people.values()].map((p) => ({ ...p, id: groupId([p.canonical, ...p.linked.map((l) => l.email)]) }))
  return {
    definition: duplicateDefinition(maxPhoneGroup),
    maxPhoneGroup,
    total: groups.length,
    groups: review,
    crowdedPhones: crowded,
    linked,
  }
}

function candidate(c: ContactFigures) {
  return { email: c.email, customerId: c.customerId, paidOrderCount: c.paidOrderCount, lifetimeValue: c.lifetimeValueSort, firstSeenAt: c.firstSeenAt }
}

export type MergeOutcome =
  | { ok: true; group: string; survivor: string; linked: string[]; hubspotMerge: 'pending'; contact: ReviewContact | null }
  | { ok: false; status: 400 | 404; error: ErrorCode; message: string }

/**
 * `POST /admin/api/duplicates/{group}/merge`: an operator approves a group (or a linked person whose HubSpot
 * contacts are not merged yet). The emails become one person (src/identity/link-person.ts), the value tiers are ranked
 * again at once, and the HubSpot contacts are merged by the writer. Audited with the contacts before and the
 * person after. Approving again changes nothing and calls HubSpot's merge no more.
 */
export async function mergeDuplicateGroup(
  env: Env,
  actor: Actor,
  request: { group: string; primary?: string; maxPhoneGroup: number },
  now: Date,
): Promise<MergeOutcome> {
  const review = await duplicateReview(env.DB, request.maxPhoneGroup, Number.MAX_SAFE_INTEGER)
  const group = review.groups.find((g) => g.id === request.group)
  const person = review.linked.find((p) => p.id === request.group)
  if (!group && !person) {
    return { ok: false, status: 404, error: 'not_found', message: `no duplicate group ${request.group} (it may have changed: read the list again)` }
  }
  const emails = group ? group.contacts.map((c) => c.email) : [person!.canonical, ...person!.linked.map((l) => l.email)]
  const survivor = request.primary ?? (group ? group.survivor : person!.canonical)
  if (!emails.includes(survivor)) {
    return { ok: false, status: 400, error: 'invalid_request', message: `body.primary: ${survivor} is not in group ${request.group}` }
  }
  const currency = await storeBaseCurrency(env.DB)
  const contacts = group ? group.contacts : (await contactFigures(env.DB, emails)).map((c) => reviewContact(c, currency))
  // The audit names the contacts and their figures, not their phones or names (personal data it need not keep).
  const before = { contacts: contacts.map(auditedFigures), why: (group?.why ?? []).map(({ reason, emails: who }) => ({ reason, emails: who })) }
  const absorbed = emails.filter((e) => e !== survivor)
  return audited(
    env.DB,
    { actor, action: 'duplicates.merge', target: request.group, before },
    async () => {
      await linkPerson(env, { canonical: survivor, absorbed, reason: 'operator', groupId: request.group, hubspotMerge: true }, now)
      await recomputeValueTiers(env, now)
      const [after] = await contactFigures(env.DB, [survivor])
      const contact = after ? reviewContact(after, currency) : null
      return { ok: true as const, group: request.group, survivor, linked: absorbed, hubspotMerge: 'pending' as const, contact }
    },
    ({ ok: _ok, contact, ...after }) => ({ ...after, contact: contact && auditedFigures(contact) }),
  )
}

function auditedFigures(c: ReviewContact) {
  const { firstName: _first, lastName: _last, phone: _phone, ...figures } = c
  return figures
}
