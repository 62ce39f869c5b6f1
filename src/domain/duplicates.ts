import type { Email, IsoDate } from './model'

/**
 * Duplicate contacts as the playbook counts them: contacts sharing a normalized email or a normalized phone
 * (E.164), and, as before, a BigCommerce customer id. Contacts joined by any of these, directly or through
 * another, are one group; its first contact (the earliest known) is the original, the others are the
 * duplicates. A phone shared by more contacts than DUPLICATE_PHONE_MAX_GROUP (a store's own number, a
 * marketplace relay) says nothing about who is who and joins no one.
 */
export type DuplicateReason = 'email_variant' | 'shared_phone' | 'shared_customer_id'

/** What duplicate detection reads of a contact. */
export interface ContactKeys {
  email: Email
  customerId: number | null
  /** E.164 where it parsed (domain/identity-keys.ts). */
  phone: string | null
  /** Since when the contact is known (its account, first order or cart). */
  firstSeenAt: IsoDate | null
}

export interface DuplicateGroup {
  /** Stable while the group's members are the same (a hash of their emails): what an operator approves. */
  id: string
  /** The original first, then the duplicates, each in the order they became known. */
  emails: Email[]
  /** Why they are one group: each shared value (the phone, the customer id, the email they spell differently). */
  why: { reason: DuplicateReason; value: string; emails: Email[] }[]
}

/** The groups among `contacts`; a contact in no group is no duplicate. */
export function duplicateGroups(contacts: readonly ContactKeys[], maxPhoneGroup: number): DuplicateGroup[] {
  const parent = contacts.map((_, i) => i)
  const root = (i: number): number => (parent[i] === i ? i : (parent[i] = root(parent[i]!)))
  const byKey = new Map<string, { reason: DuplicateReason; value: string; members: number[] }>()
  contacts.forEach((c, i) => {
    const keys: [DuplicateReason, string | null][] = [
      ['email_variant', c.email.trim().toLowerCase()],
      ['shared_customer_id', c.customerId !== null && c.customerId > 0 ? String(c.customerId) : null],
      ['shared_phone', c.phone?.trim() || null],
    ]
    for (const [reason, value] of keys) {
      if (value === null) continue
      const entry = byKey.get(`${reason}\n${value}`) ?? { reason, value, members: [] }
      entry.members.push(i)
      byKey.set(`${reason}\n${value}`, entry)
    }
  })
  const shared = [...byKey.values()].filter(
    (k) => k.members.length > 1 && (k.reason !== 'shared_phone' || k.members.length <= maxPhoneGroup),
  )
  for (const { members } of shared) for (const m of members.slice(1)) parent[root(m)] = root(members[0]!)

  const groups = new Map<number, number[]>()
  contacts.forEach((_, i) => groups.set(root(i), [...(groups.get(root(i)) ?? []), i]))
  return [...groups.values()]
    .filter((members) => members.length > 1)
    .map((members) => {
      const ordered = members.map((i) => contacts[i]!).sort(knownFirst)
      const emails = ordered.map((c) => c.email)
      const why = shared
        .filter((k) => root(k.members[0]!) === root(members[0]!))
        .map((k) => ({ reason: k.reason, value: k.value, emails: k.members.map((i) => contacts[i]!.email) }))
      return { id: groupId(emails), emails, why }
    })
    .sort((a, b) => (a.emails[0]! < b.emails[0]! ? -1 : 1))
}

/**
 * The earliest known first (unknown dates last), then the normalized spelling of an email before its variants,
 * then by email: the order never depends on the input's.
 */
function knownFirst(a: Pick<ContactKeys, 'email' | 'firstSeenAt'>, b: Pick<ContactKeys, 'email' | 'firstSeenAt'>): number {
  if (a.firstSeenAt !== b.firstSeenAt) {
    if (a.firstSeenAt === null) return 1
    if (b.firstSeenAt === null) return -1
    return a.firstSeenAt < b.firstSeenAt ? -1 : 1
  }
  const variant = (email: string) => Number(email !== email.trim().toLowerCase())
  return variant(a.email) - variant(b.email) || (a.email < b.email ? -1 : a.email > b.email ? 1 : 0)
}

/** A group's id: 16 hex digits of a 64-bit FNV-1a hash of its sorted emails (no email shows in a URL). */
export function groupId(emails: readonly Email[]): string {
  let hash = 0xcbf29ce484222325n
  for (const byte of new TextEncoder().encode([...emails].sort().join('\n'))) {
    hash = ((hash ^ BigInt(byte)) * 0x100000001b3n) & 0xffffffffffffffffn
  }
  return hash.toString(16).padStart(16, '0')
}

/** A contact as a merge decision sees it. */
export interface MergeCandidate {
  email: Email
  customerId: number | null
  paidOrderCount: number
  /** Sortable lifetime value (store base currency). */
  lifetimeValue: number
  firstSeenAt: IsoDate | null
}

/**
 * The contact a group is merged into: a registered customer before a guest (their email is their login), then
 * the one with more paid orders, then the higher lifetime value, then the earliest known.
 */
export function survivorOf(candidates: readonly MergeCandidate[]): MergeCandidate {
  return [...candidates].sort(
    (a, b) =>
      Number((b.customerId ?? 0) > 0) - Number((a.customerId ?? 0) > 0) ||
      b.paidOrderCount - a.paidOrderCount ||
      b.lifetimeValue - a.lifetimeValue ||
      knownFirst(a, b),
  )[0]!
}

/** What IDENTITY_AUTO_LINK=phone reads of a contact sharing a phone. */
export interface PhoneContact {
  email: Email
  customerId: number | null
  phone: string
  firstName: string | null
  lastName: string | null
}

/**
 * IDENTITY_AUTO_LINK=phone: a guest (no customer id) sharing a phone and a name with exactly one registered
 * customer is that customer. Phones shared by more than `maxPhoneGroup` contacts link no one, and neither does a
 * name two registered customers on the phone share.
 */
export function phoneLinks(contacts: readonly PhoneContact[], maxPhoneGroup: number): { canonical: Email; absorbed: Email; phone: string }[] {
  const byPhone = new Map<string, PhoneContact[]>()
  for (const c of contacts) byPhone.set(c.phone, [...(byPhone.get(c.phone) ?? []), c])
  const links: { canonical: Email; absorbed: Email; phone: string }[] = []
  for (const [phone, sharing] of byPhone) {
    if (sharing.length < 2 || sharing.length > maxPhoneGroup) continue
    const registered = sharing.filter((c) => (c.customerId ?? 0) > 0)
    for (const guest of sharing.filter((c) => (c.customerId ?? 0) <= 0)) {
      const name = nameKey(guest.firstName, guest.lastName)
      const same = name === null ? [] : registered.filter((r) => nameKey(r.firstName, r.lastName) === name)
      if (same.length === 1) links.push({ canonical: same[0]!.email, absorbed: guest.email, phone })
    }
  }
  return links
}

/** First and last name compared without case, accents, punctuation or extra spaces; null without both. */
export function nameKey(first: string | null, last: string | null): string | null {
  const clean = (text: string | null) =>
    (text ?? '').normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim()
  const [f, l] = [clean(first), clean(last)]
  return f && l ? `${f}|${l}` : null
}
