import type { IsoDate, Trigger } from '../model'

/**
 * How a trigger key was settled; a settled key never fires again. `shadowed`: evaluated while its family was
 * in shadow mode; `off`: fell due while its family was off (passed over, like imported history).
 */
export type HandledOutcome = 'fired' | 'suppressed' | 'cancelled' | 'imported' | 'shadowed' | 'off'

/** An order that has counted as paid at some point (what makes a later cancellation a trigger). */
export interface PaidOrderMemory {
  createdAt: IsoDate
  /** When it was first seen cancelled or declined after counting as paid. */
  cancelledAt: IsoDate | null
}

/** A marketing trigger held back by the cap, waiting for a slot, or waiting for its condition (`waitingUntil`). */
export interface DeferredTrigger {
  trigger: Trigger
  key: string
  /** What it is about: cart id, last paid order id, category, ... */
  subject: string
  /** The cause's time (the value the trigger will carry). */
  at: IsoDate
  deferredAt: IsoDate
  /** Set while it waits for its condition rather than a cap slot (a review request for the shipment): the limit. */
  waitingUntil?: IsoDate
}

/** One marketing trigger sent, for the rolling cap. */
export interface CapEntry {
  key: string
  firedAt: IsoDate
}

/**
 * What the automation remembers between evaluations, inside the contact's state. Plain JSON.
 * Everything else is derived again from the contact's hydrated records on every evaluation.
 */
export interface AutomationState {
  version: 1
  /** Settled trigger keys. */
  handled: Record<string, HandledOutcome>
  /** Keyed by order id: orders that counted as paid at least once. */
  paidOrders: Record<string, PaidOrderMemory>
  /** Keyed by trigger key. */
  deferred: Record<string, DeferredTrigger>
  /** Marketing sends within the cap window, oldest first. */
  capLedger: CapEntry[]
  /** The latest import (backfill) moment: anything due at or before it is history and never fires. */
  importedThrough: IsoDate | null
}

export function initialAutomationState(): AutomationState {
  return { version: 1, handled: {}, paidOrders: {}, deferred: {}, capLedger: [], importedThrough: null }
}
