import type { AutomationState, PaidOrderMemory } from './automation/state'
import type { CartState, ContactState } from './contact-state'
import { addProductViews, applyOrderUpdate } from './contact-updates'
import type { HubSpotOptOut, Order } from './model'

/**
 * Two contacts found to be one person: the absorbed contact's state joins the surviving one's, by the same
 * rules that apply deliveries (the newest state of each record wins), so merging twice, or merging after more
 * events arrived, ends in the same state. Lifetime value, status, tier and caps are then derived from all of
 * it. What either contact settled (fired, suppressed, imported triggers) stays settled: nothing fires twice.
 */
export interface Absorbed {
  changed: boolean
  /** Every order and cart the absorbed contact had, as the survivor now holds them (to be written again). */
  orders: Order[]
  carts: string[]
}

export function absorbContact(into: ContactState, from: ContactState): Absorbed {
  let changed = false
  const orders: Order[] = []
  for (const order of Object.values(from.orders)) {
    changed = applyOrderUpdate(into, order) || changed
    orders.push(into.orders[String(order.orderId)]!)
  }
  for (const cart of Object.values(from.carts)) changed = mergeCart(into, cart) || changed
  // The survivor's own account stays; a guest survivor takes the absorbed customer's.
  if (!into.customer && from.customer) {
    into.customer = from.customer
    changed = true
  }
  // Consent: the person's latest signal wins, as between two signals of one email (domain/marketing-consent.ts).
  if (from.subscriber && (!into.subscriber || from.subscriber.modifiedAt > into.subscriber.modifiedAt)) {
    into.subscriber = from.subscriber
    changed = true
  }
  // HubSpot's unsubscribe of either email holds for the person: a merge never re-subscribes anyone.
  const optOut = mergeOptOuts(into.hubspotOptOut ?? null, from.hubspotOptOut ?? null)
  if (JSON.stringify(optOut) !== JSON.stringify(into.hubspotOptOut ?? null)) {
    into.hubspotOptOut = optOut
    changed = true
  }
  changed = addProductViews(into, from.productViews) || changed
  const automation = mergeAutomation(into.automation, from.automation)
  changed = changed || JSON.stringify(automation) !== JSON.stringify(into.automation)
  into.automation = automation
  return { changed, orders, carts: Object.keys(from.carts) }
}

/** Both unsubscribes as one: all email if either was, every type either left, as of the later. */
function mergeOptOuts(a: HubSpotOptOut | null, b: HubSpotOptOut | null): HubSpotOptOut | null {
  if (!a || !b) return a ?? b
  return { allEmail: a.allEmail || b.allEmail, types: [...new Set([...a.types, ...b.types])].sort(), at: a.at > b.at ? a.at : b.at }
}

/** A cart both knew: a conversion is final; otherwise the newer snapshot wins (the survivor's at a tie). */
function mergeCart(into: ContactState, cart: CartState): boolean {
  const existing = into.carts[cart.cartId]
  if (!existing) {
    into.carts[cart.cartId] = cart
    return true
  }
  if (existing.status === 'converted') return false
  const newer = cart.status === 'converted' || cart.updatedAt > existing.updatedAt
  const next = newer ? { ...cart, abandonedSignalAt: cart.abandonedSignalAt ?? existing.abandonedSignalAt } : existing
  if (JSON.stringify(next) === JSON.stringify(existing)) return false
  into.carts[cart.cartId] = next
  return true
}

/**
 * Settled keys of both (a key either settled never fires), paid-order memories of both, deferrals not settled
 * by the other, one cap ledger of every marketing send (so the cap counts the person's), the later import.
 */
export function mergeAutomation(a: AutomationState, b: AutomationState): AutomationState {
  const handled = { ...b.handled, ...a.handled }
  const paidOrders: Record<string, PaidOrderMemory> = { ...b.paidOrders }
  for (const [id, memory] of Object.entries(a.paidOrders)) {
    const other = paidOrders[id]
    const cancelled = [memory.cancelledAt, other?.cancelledAt].filter((t): t is string => Boolean(t)).sort()[0] ?? null
    paidOrders[id] = { createdAt: memory.createdAt, cancelledAt: cancelled }
  }
  const deferred = Object.fromEntries(
    Object.entries({ ...b.deferred, ...a.deferred }).filter(([key]) => !handled[key]),
  )
  const ledger = new Map([...b.capLedger, ...a.capLedger].map((entry) => [entry.key, entry]))
  const capLedger = [...ledger.values()].sort((x, y) => (x.firedAt < y.firedAt ? -1 : x.firedAt > y.firedAt ? 1 : 0))
  const imports = [a.importedThrough, b.importedThrough].filter((t): t is string => t !== null).sort()
  return { version: 1, handled, paidOrders, deferred, capLedger, importedThrough: imports.at(-1) ?? null }
}
