import type { Cart, Customer, IsoDate, Order, Subscriber } from './model'

/**
 * After an erasure, which records start a new relationship with the person (contract section 3): a new order, a
 * new cart, a customer account created since, a newsletter sign-up since. History from before the erasure (a
 * backfill, a replay, a late webhook) does not bring them back. `erasedAt` is the tombstone's time (ISO).
 */
export const startsAfterErasure = {
  order: (order: Pick<Order, 'createdAt'>, erasedAt: IsoDate) => order.createdAt > erasedAt,
  cart: (cart: Pick<Cart, 'createdAt'>, erasedAt: IsoDate) => cart.createdAt > erasedAt,
  customer: (customer: Pick<Customer, 'createdAt'>, erasedAt: IsoDate) => customer.createdAt > erasedAt,
  subscriber: (subscriber: Pick<Subscriber, 'newsletter' | 'modifiedAt'>, erasedAt: IsoDate) =>
    subscriber.newsletter && subscriber.modifiedAt > erasedAt,
}

/**
 * What an erasure does with a dead letter that names the person (pure: the SQL is in src/db/erasure.ts). A
 * HubSpot order or line item is the store's financial record: it is kept, replayable, without its link to the
 * person's contact. Anything else about the person (their contact, carts, tasks, webhook events of their
 * customer account, subscriber record or carts) is deleted. A payload that still mentions an email after that is
 * deleted too: nothing naming the person is left behind.
 */
export interface DeadLetterRow {
  id: number
  source: 'webhook' | 'hubspot'
  reference: string
  payload: string
  error: string
}

export interface PersonKeys {
  emails: string[]
  cartIds: string[]
  customerIds: number[]
  subscriberIds: number[]
}

/** What the rule reads of a HubSpot dead letter's record (src/hubspot/records.ts `HubSpotRecord`); the rest is kept as it is. */
interface DeadRecord {
  objectType: string
  key: string
  associations?: { toObjectType: string; toKey: string }[]
}

export type DeadLetterAction = { action: 'delete' } | { action: 'unlink'; payload: string; error: string } | { action: 'keep' }

const FINANCIAL = new Set(['orders', 'line_items'])

export function deadLetterAction(row: DeadLetterRow, person: PersonKeys): DeadLetterAction {
  const mentions = (text: string) => person.emails.some((email) => text.toLowerCase().includes(email))
  if (row.source === 'webhook') {
    if (namesPerson(row.payload, person)) return { action: 'delete' }
    return mentions(row.payload) || mentions(row.error) ? { action: 'delete' } : { action: 'keep' }
  }
  const record = parse(row.payload)
  if (!record) return mentions(row.payload) || mentions(row.error) ? { action: 'delete' } : { action: 'keep' }
  const linked = (record.associations ?? []).some((a) => belongsToPerson(a.toObjectType, a.toKey, person))
  if (belongsToPerson(record.objectType, record.key, person)) return { action: 'delete' }
  if (!linked && !mentions(row.payload) && !mentions(row.error)) return { action: 'keep' }
  if (!FINANCIAL.has(record.objectType)) return { action: 'delete' }
  const unlinked: DeadRecord = {
    ...record,
    associations: (record.associations ?? []).filter((a) => !belongsToPerson(a.toObjectType, a.toKey, person)),
  }
  const payload = JSON.stringify(unlinked)
  if (mentions(payload)) return { action: 'delete' }
  return { action: 'unlink', payload, error: mentions(row.error) ? 'erased: the error named the person' : row.error }
}

function belongsToPerson(objectType: string, key: string, person: PersonKeys): boolean {
  if (objectType === 'contacts') return person.emails.includes(key.trim().toLowerCase())
  if (objectType === 'carts') return person.cartIds.includes(key)
  // A task is keyed by its abandoned cart's trigger key: `cart_abandoned:<cartId>:<...>`.
  if (objectType === 'tasks') return person.cartIds.some((cartId) => key.startsWith(`cart_abandoned:${cartId}:`))
  return false
}

/** A stored webhook event (`{subject: {...}}`) about the person's customer account, subscriber record or cart. */
function namesPerson(payload: string, person: PersonKeys): boolean {
  let subject: { kind?: unknown; customerId?: unknown; subscriberId?: unknown; cartId?: unknown } | undefined
  try {
    subject = (JSON.parse(payload) as { subject?: typeof subject }).subject
  } catch {
    return false
  }
  if (!subject) return false
  switch (subject.kind) {
    case 'customer':
      return person.customerIds.includes(Number(subject.customerId))
    case 'subscriber':
      return person.subscriberIds.includes(Number(subject.subscriberId))
    case 'cart':
    case 'cart_abandoned':
      return typeof subject.cartId === 'string' && person.cartIds.includes(subject.cartId)
    default:
      return false
  }
}

function parse(payload: string): DeadRecord | null {
  try {
    const value = JSON.parse(payload) as Partial<DeadRecord>
    return typeof value.objectType === 'string' && typeof value.key === 'string' ? (value as DeadRecord) : null
  } catch {
    return null
  }
}
