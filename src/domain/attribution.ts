import type { Classification } from './channels'
import type { IsoDate, TouchChannel, TouchSummary } from './model'

/**
 * Attribution (contract section 5), pure: which beacon hits are touches, and which touch each contact and
 * each order is credited to. Times are unix milliseconds passed in; nothing here reads a clock.
 */

// ---------------------------------------------------------------------------------------------------------
// Touches: deciding, per beacon hit, what is worth storing.

/** What the beacon route keeps per anonymous visitor. */
export interface VisitorState {
  anonymousId: string
  lastSeenAt: number
  /** The current session's campaign information; null while it is direct. */
  campaignFingerprint: string | null
  cartId: string | null
  /** Only from a verified Current Customer token. */
  customerId: number | null
}

/**
 * What identifies a visitor, each proven: a cart id (unguessable, from the storefront's own cart; its email is
 * what BigCommerce says) or a customer id from a Current Customer token whose signature the route verified.
 * An email or customer id a hit merely states is never identity.
 */
export interface HitIdentity {
  cartId?: string
  customerId?: number
}

export type IdentityKind = 'cart' | 'customer'

export interface HitPlan {
  /** Store a touch: the first hit of a session, or one bringing new campaign information. */
  touch: { reason: 'session' | 'campaign' } | null
  /** Identity edges this hit brings that the visitor did not have. */
  identities: { kind: IdentityKind; value: string }[]
  /** The visitor row to write; null when nothing worth a write changed (most page views). */
  visitor: VisitorState | null
}

/**
 * Storage stays lean: a page view in an ongoing session, with nothing new, writes nothing but (at most every
 * tenth of the session timeout) the visitor's last-seen time, so a session can end by inactivity. That makes
 * the session boundary accurate to within that tenth.
 */
export function planHit(
  visitor: VisitorState | null,
  hit: { anonymousId: string; at: number; classification: Classification; identity: HitIdentity },
  sessionTimeoutMs: number,
): HitPlan {
  const fingerprint = hit.classification.fingerprint
  const newSession = visitor === null || hit.at - visitor.lastSeenAt > sessionTimeoutMs
  const newCampaign = fingerprint !== null && fingerprint !== visitor?.campaignFingerprint
  const touch = newSession ? { reason: 'session' as const } : newCampaign ? { reason: 'campaign' as const } : null

  const identities: HitPlan['identities'] = []
  const { cartId, customerId } = hit.identity
  if (cartId !== undefined && cartId !== visitor?.cartId) identities.push({ kind: 'cart', value: cartId })
  if (customerId !== undefined && customerId !== visitor?.customerId) {
    identities.push({ kind: 'customer', value: String(customerId) })
  }

  const lastSeenAt = Math.max(visitor?.lastSeenAt ?? hit.at, hit.at)
  const stale = visitor === null || hit.at - visitor.lastSeenAt >= sessionTimeoutMs / 10
  if (!touch && identities.length === 0 && !stale) return { touch, identities, visitor: null }
  return {
    touch,
    identities,
    visitor: {
      anonymousId: hit.anonymousId,
      lastSeenAt,
      campaignFingerprint: touch ? fingerprint : visitor!.campaignFingerprint,
      cartId: cartId ?? visitor?.cartId ?? null,
      customerId: customerId ?? visitor?.customerId ?? null,
    },
  }
}

/** A hit's claimed time is trusted within 24 hours of the server's clock; otherwise the server's time is. */
export function hitTime(claimed: IsoDate | undefined, now: number): number {
  if (claimed === undefined) return now
  const at = Date.parse(claimed)
  return Number.isFinite(at) && Math.abs(at - now) <= 86_400_000 ? at : now
}

// ---------------------------------------------------------------------------------------------------------
// Credit: first touch, last touch, and the touch an order is credited to.

export interface StoredTouch {
  id: number
  at: number
  channel: TouchChannel
  source: string | null
  medium: string | null
  campaign: string | null
}

export interface BuyerOrder {
  orderId: number
  createdAt: number
}

/** A touch credited with something, or the `unassigned` placeholder when there is none. */
export interface Credit {
  channel: TouchChannel
  source: string | null
  medium: string | null
  campaign: string | null
  touchId: number | null
  at: IsoDate | null
}

export interface OrderCredit {
  orderId: number
  /** Last non-direct touch within the lookback; `direct` when seen only directly; `unassigned` when never. */
  attributed: Credit
  /** The buyer's first touch before the order. */
  first: Credit
  /** The buyer's last touch before the order, direct included. */
  last: Credit
}

export interface ContactCredit {
  /** The first known touch. */
  first: TouchSummary | null
  /** The last touch before the latest order (the latest touch while there is no order). */
  last: TouchSummary | null
  firstTouchId: number | null
  lastTouchId: number | null
}

export const UNASSIGNED: Credit = {
  channel: 'unassigned',
  source: null,
  medium: null,
  campaign: null,
  touchId: null,
  at: null,
}

/**
 * All of one contact's credit, from every touch of every anonymous id linked to it and all its orders.
 * Recomputing from the whole (small) history of one contact keeps the result order-independent: a late
 * identity link or a late order gives the same answer as if it had come first.
 */
export function creditContact(
  touches: readonly StoredTouch[],
  orders: readonly BuyerOrder[],
  lookbackMs: number,
): { contact: ContactCredit; orders: OrderCredit[] } {
  const sorted = [...touches].sort((a, b) => a.at - b.at || a.id - b.id)
  const latestOrder = orders.reduce<BuyerOrder | null>((l, o) => (!l || o.createdAt > l.createdAt ? o : l), null)
  const first = sorted[0] ?? null
  const last = latestOrder ? lastAtOrBefore(sorted, latestOrder.createdAt) : (sorted.at(-1) ?? null)
  return {
    contact: {
      first: first && summary(first),
      last: last && summary(last),
      firstTouchId: first?.id ?? null,
      lastTouchId: last?.id ?? null,
    },
    orders: orders.map((order) => creditOrder(sorted, order, lookbackMs)),
  }
}

/** `touches` sorted by time. */
export function creditOrder(touches: readonly StoredTouch[], order: BuyerOrder, lookbackMs: number): OrderCredit {
  const before = touches.filter((t) => t.at <= order.createdAt)
  const windowStart = order.createdAt - lookbackMs
  const credited = findLast(before, (t) => t.channel !== 'direct' && t.at >= windowStart)
  const lastSeen = before.at(-1)
  return {
    orderId: order.orderId,
    attributed: credited ? credit(credited) : lastSeen ? { ...credit(lastSeen), ...DIRECT } : UNASSIGNED,
    first: before[0] ? credit(before[0]) : UNASSIGNED,
    last: lastSeen ? credit(lastSeen) : UNASSIGNED,
  }
}

// Seen, but only directly within the window: credited to direct, with no source to speak of.
const DIRECT = { channel: 'direct', source: null, medium: null, campaign: null } as const

function lastAtOrBefore(sorted: readonly StoredTouch[], at: number): StoredTouch | null {
  return findLast(sorted, (t) => t.at <= at)
}

function findLast<T>(items: readonly T[], test: (item: T) => boolean): T | null {
  for (let i = items.length - 1; i >= 0; i--) if (test(items[i]!)) return items[i]!
  return null
}

function credit(t: StoredTouch): Credit {
  return {
    channel: t.channel,
    source: t.source,
    medium: t.medium,
    campaign: t.campaign,
    touchId: t.id,
    at: new Date(t.at).toISOString(),
  }
}

function summary(t: StoredTouch): TouchSummary {
  return { channel: t.channel, source: t.source, medium: t.medium, campaign: t.campaign, at: new Date(t.at).toISOString() }
}
